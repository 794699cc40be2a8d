/*
 * JUnit XML: one test case per requirement item per user; fail/error carry the fix. Read by CI test reporters.
 *
 * Each <testsuite> (one per user) carries `timestamp` (when the check started, UTC, in the Apache Ant format
 * yyyy-MM-ddTHH:mm:ss that JUnit reporters read), `time` (seconds the check took: the users are read in one
 * snapshot, so every suite shows the whole run) and `hostname`, plus <properties> naming the org. A test case's
 * `classname` is integration.user.kind, so dashboards that split a classname at its dots (package › class)
 * group by integration, then user, then kind; dots inside a name are written as "_" so they do not add levels.
 * Valid against the JUnit schema Jenkins' xUnit plugin publishes (test/fixtures/ci-schemas/junit-10.xsd).
 */
import { hostname as osHostname } from 'node:os';
import { XMLBuilder } from 'fast-xml-parser';
import type { CheckReport } from '../report/index.js';
import { grantedByText } from './human.js';
import { excessJunitSuites, type JunitSuite } from './excess.js';
import { driftJunitSuites } from './drift.js';

/** When and where the check ran (defaults: started now, finished at rendering, this machine's host name). */
export type JunitRun = { startedAt?: Date; finishedAt?: Date; hostname?: string };

/** One classname level: no dots, so `a.b.c` stays three levels. */
const level = (name: string): string => name.replace(/\./g, '_');

/** `2026-12-06T10:30:00` (UTC, whole seconds). */
const antTimestamp = (date: Date): string => date.toISOString().slice(0, 19);

export const renderJunit = (report: CheckReport, run: JunitRun = {}): string => {
  const startedAt = run.startedAt ?? new Date();
  const finishedAt = run.finishedAt ?? new Date();
  const time = (Math.max(0, finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(3);
  const suiteAttributes = { '@_timestamp': antTimestamp(startedAt), '@_time': time, '@_hostname': run.hostname ?? (osHostname() || 'localhost') };
  const properties = {
    property: [
      { '@_name': 'integration', '@_value': report.integration.name },
      { '@_name': 'requirements', '@_value': report.integration.origin },
      { '@_name': 'org', '@_value': `${report.org.name} (${report.org.id})` },
      { '@_name': 'instanceUrl', '@_value': report.org.instanceUrl },
      { '@_name': 'apiVersion', '@_value': report.org.apiVersion },
      ...(report.app ? [{ '@_name': 'app', '@_value': report.app }] : []),
      ...(report.integration.features.length ? [{ '@_name': 'features', '@_value': report.integration.features.join(',') }] : []),
    ],
  };
  const classname = (user: string, kind: string): string => [report.integration.name, user, kind].map(level).join('.');
  const suites = report.users.map((user) => {
    const cases = user.findings.map((f) => {
      const testcase: Record<string, unknown> = {
        '@_name': f.requirement,
        '@_classname': classname(user.username, f.kind),
      };
      const text = [f.message, f.fix ? `Fix: ${f.fix}` : '', f.path ? `Manifest: ${f.path}` : ''].filter(Boolean).join('\n');
      if (f.status === 'fail') testcase.failure = { '@_message': f.fix ?? f.message, '@_type': 'missing', '#text': text };
      else if (f.status === 'error') testcase.error = { '@_message': f.fix ?? f.message, '@_type': 'impossible', '#text': text };
      else if (f.status === 'skip') testcase.skipped = { '@_message': f.message };
      else testcase['system-out'] = f.status === 'warn' ? `WARNING: ${text}` : f.grantedBy.length ? `granted by ${grantedByText(f.grantedBy)}` : f.message;
      return testcase;
    });
    return {
      '@_name': `${report.integration.label}: ${user.username}`,
      '@_tests': user.findings.length,
      '@_failures': user.findings.filter((f) => f.status === 'fail').length,
      '@_errors': user.findings.filter((f) => f.status === 'error').length,
      '@_skipped': user.findings.filter((f) => f.status === 'skip').length,
      ...suiteAttributes,
      properties,
      testcase: cases,
    };
  });
  for (const u of report.unresolvedUsers) {
    suites.push({
      '@_name': `${report.integration.label}: ${u.input}`,
      '@_tests': 1,
      '@_failures': 0,
      '@_errors': 1,
      '@_skipped': 0,
      ...suiteAttributes,
      properties,
      testcase: [{ '@_name': 'user exists', '@_classname': classname(u.input, 'user'), error: { '@_message': `user not resolved: ${u.reason}`, '@_type': 'unresolved', '#text': u.candidates.join(', ') } }],
    });
  }
  // --excess and --baseline suites, with the same run attributes and properties (properties before test cases)
  const withRun = ({ testcase, ...head }: JunitSuite): (typeof suites)[number] => ({ ...head, ...suiteAttributes, properties, testcase });
  suites.push(...[...excessJunitSuites(report, classname), ...driftJunitSuites(report, classname)].map(withRun));
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, indentBy: '  ', suppressEmptyNode: true });
  const body = builder.build({
    testsuites: {
      '@_name': `sf integration check ${report.integration.name}`,
      '@_tests': suites.reduce((n, s) => n + s['@_tests'], 0),
      '@_failures': suites.reduce((n, s) => n + s['@_failures'], 0),
      '@_errors': suites.reduce((n, s) => n + s['@_errors'], 0),
      '@_time': time,
      testsuite: suites,
    },
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
};
