/*
 * Human output: a header, one summary row per user (and per email or name that matched no single active
 * user), then the findings grouped by kind, then the --diagnose chain per user. Pure: returns text.
 */
import type { Finding, FindingKind, GrantSource, UserVerdict } from '../evaluation/types.js';
import type { UnresolvedUser } from '../snapshot/types.js';
import type { Diagnosis, LinkStatus } from '../diagnose/index.js';
import type { CheckReport } from '../report/index.js';
import { excessSections, excessSummaryLine } from './excess.js';

const SYMBOL: Record<Finding['status'], string> = { pass: '✔', fail: '✖', warn: '!', skip: '-', error: '✖' };

const KIND_TITLE: Record<FindingKind, string> = {
  org: 'Org',
  userStatus: 'User',
  license: 'Licences',
  permissionSetLicense: 'Permission set licences',
  permissionSet: 'Permission sets',
  systemPermission: 'System permissions',
  customPermission: 'Custom permissions',
  forbiddenPermission: 'Forbidden permissions',
  oauth: 'Connected app / OAuth',
  object: 'Objects',
  visibility: 'Record visibility',
  field: 'Field-level security',
  overGrant: 'Over-granted',
};

export const grantedByText = (sources: GrantSource[]): string =>
  sources
    .map((s) => {
      const base = s.kind === 'Org' ? s.name : `${s.kind}: ${s.name}`;
      return s.via ? `${base} (via ${s.via})` : base;
    })
    .join('; ');

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - [...text].length));

/** Lines of an aligned 3-column table: status, requirement, detail. */
const table = (findings: Finding[]): string[] => {
  const width = Math.min(48, Math.max(...findings.map((f) => [...f.requirement].length)));
  return findings.map((f) => {
    const detail =
      f.status === 'pass'
        ? f.grantedBy.some((g) => g.kind !== 'Org')
          ? `granted by ${grantedByText(f.grantedBy)}`
          : f.message
        : `${f.message}${f.fix ? `\n${' '.repeat(width + 6)}fix: ${f.fix}` : ''}`;
    return `  ${SYMBOL[f.status]} ${pad(f.requirement, width)}  ${detail}`;
  });
};

const userLine = (v: UserVerdict): string => {
  const count = (s: Finding['status']): number => v.findings.filter((f) => f.status === s).length;
  const missing = count('fail') + count('error');
  const verdict = v.passed ? 'PASS' : 'FAIL';
  const cc = v.crossCheck;
  const agreement =
    cc?.status === 'done' && cc.compared > 0
      ? `; Salesforce's own access check agrees on ${cc.compared - cc.disagreements} of ${cc.compared} object and field items`
      : '';
  return `${verdict}  ${v.username}  ${count('pass')} met, ${missing} missing or impossible, ${count('warn')} warnings${agreement}`;
};

/** Why the cross-check with UserEntityAccess / UserFieldAccess was not done, once per distinct reason. */
const crossCheckNotDone = (users: UserVerdict[]): string[] =>
  [...new Set(users.flatMap((v) => (v.crossCheck?.status === 'notDone' && v.crossCheck.reason ? [v.crossCheck.reason] : [])))].map(
    (reason) => `Cross-check with Salesforce's UserEntityAccess / UserFieldAccess: ${reason}`
  );

const LINK_SYMBOL: Record<LinkStatus, string> = { ok: '✔', broken: '✖', unknown: '?' };

/** Why a requested user or email matched no single active user. Emails from --match-emails are worded as emails. */
export const unresolvedText = (u: UnresolvedUser, fromEmails: boolean): string => {
  if (u.reason === 'ambiguous') {
    return `several active Salesforce users have this email: ${u.candidates.join(', ')}`;
  }
  if (u.reason === 'inactive') {
    const who = u.candidates.length > 0 ? ` (only inactive: ${u.candidates.join(', ')})` : '';
    return fromEmails || u.candidates.length > 0 ? `no active Salesforce user has this email${who}` : 'the user is inactive';
  }
  return fromEmails ? 'no active Salesforce user has this email' : 'no such user in this org';
};

/** One FAIL row per requested user or email that matched no single active user. */
const unresolvedRows = (unresolved: UnresolvedUser[], fromEmails: string[]): string[] => {
  const emails = new Set(fromEmails.map((e) => e.toLowerCase()));
  return unresolved.map((u) => `FAIL  ${u.input}  ${unresolvedText(u, emails.has(u.input.toLowerCase()))}`);
};

/** The chain of one diagnosis: a line per link, then the broken link and its fix. */
export const renderDiagnosis = (d: Diagnosis): string[] => {
  const width = Math.min(48, Math.max(...d.links.map((l) => [...l.label].length)));
  const lines = [`Diagnosis of ${d.code} for ${d.username}${d.app ? ` (app ${d.app})` : ''}:`];
  for (const l of d.links) lines.push(`  ${LINK_SYMBOL[l.status]} ${pad(l.label, width)}  ${l.detail}`);
  const broken = d.links.find((l) => l.id === d.brokenLink);
  if (broken) {
    lines.push(`  → broken link: ${broken.label}`);
    if (broken.fix) lines.push(`    fix: ${broken.fix}`);
  } else if (d.status === 'unknown') {
    lines.push('  → no broken link found; the links marked ? could not be checked from the org:');
    for (const l of d.links.filter((x) => x.status === 'unknown' && x.fix)) lines.push(`    ${l.label}: ${l.fix ?? ''}`);
  } else {
    lines.push(`  → every link holds: this is not why ${d.username} gets ${d.code}`);
  }
  return lines;
};

export const renderHuman = (report: CheckReport, options: { verbose?: boolean; emails?: string[] } = {}): string => {
  const lines: string[] = [];
  const org = report.org;
  const env = org.isSandbox ? 'sandbox' : 'PRODUCTION';
  lines.push(`Integration: ${report.integration.label} (${report.integration.origin})${report.integration.features.length ? ` features: ${report.integration.features.join(', ')}` : ''}`);
  lines.push(`Org: ${org.name || org.id} — ${org.edition || 'unknown edition'}, ${env}, ${org.instanceUrl}, API v${org.apiVersion}`);
  if (org.dailyApiRequests && org.dailyApiRequests.remaining < org.dailyApiRequests.max * 0.1) {
    lines.push(`Daily API requests remaining: ${org.dailyApiRequests.remaining} of ${org.dailyApiRequests.max}`);
  }
  if (report.app) lines.push(`App: ${report.app}`);
  lines.push('');
  for (const v of report.users) lines.push(userLine(v));
  lines.push(...unresolvedRows(report.unresolvedUsers, options.emails ?? []));
  lines.push(...crossCheckNotDone(report.users));
  for (const v of report.users) {
    const shown = options.verbose ? v.findings : v.findings.filter((f) => f.status !== 'pass' && f.status !== 'skip');
    if (shown.length === 0) continue;
    lines.push('', `${v.username}${options.verbose ? '' : ' — what is missing or needs attention'}:`);
    const kinds = [...new Set(shown.map((f) => f.kind))];
    for (const kind of kinds) {
      lines.push(`${KIND_TITLE[kind] ?? kind}`);
      lines.push(...table(shown.filter((f) => f.kind === kind)));
    }
  }
  for (const d of report.diagnosis ?? []) lines.push('', ...renderDiagnosis(d));
  lines.push(...excessSections(report, options.verbose));
  const s = report.summary;
  lines.push(
    '',
    `${s.passed} met, ${s.failed} missing, ${s.errors} impossible in this org, ${s.warnings} warnings, ${s.skipped} skipped.` +
      (options.verbose === true || s.passed === 0 ? '' : ' Use --verbose to see what grants each met item.'),
    ...excessSummaryLine(report)
  );
  return lines.join('\n');
};
