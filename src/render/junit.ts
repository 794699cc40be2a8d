/* JUnit XML: one test case per requirement item per user; fail/error carry the fix. Read by CI test reporters. */
import { XMLBuilder } from 'fast-xml-parser';
import type { CheckReport } from './report.js';
import { grantedByText } from './human.js';

export const renderJunit = (report: CheckReport): string => {
  const suites = report.users.map((user) => {
    const cases = user.findings.map((f) => {
      const testcase: Record<string, unknown> = {
        '@_name': f.requirement,
        '@_classname': `${report.integration.name}.${user.username}.${f.kind}`,
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
      testcase: [{ '@_name': 'user exists', '@_classname': `${report.integration.name}.${u.input}.user`, error: { '@_message': `user not resolved: ${u.reason}`, '@_type': 'unresolved', '#text': u.candidates.join(', ') } }],
    });
  }
  const builder = new XMLBuilder({ ignoreAttributes: false, format: true, indentBy: '  ', suppressEmptyNode: true });
  const body = builder.build({
    testsuites: {
      '@_name': `sf integration check ${report.integration.name}`,
      '@_tests': suites.reduce((n, s) => n + s['@_tests'], 0),
      '@_failures': suites.reduce((n, s) => n + s['@_failures'], 0),
      '@_errors': suites.reduce((n, s) => n + s['@_errors'], 0),
      testsuite: suites,
    },
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
};
