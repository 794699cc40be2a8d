/* Human output: a header, one summary row per user, then the findings grouped by kind. Pure: returns text. */
import type { Finding, FindingKind, GrantSource, UserVerdict } from '../evaluation/types.js';
import type { CheckReport } from './report.js';

const SYMBOL: Record<Finding['status'], string> = { pass: '✔', fail: '✖', warn: '!', skip: '-', error: '✖' };

const KIND_TITLE: Record<FindingKind, string> = {
  org: 'Org',
  userStatus: 'User',
  license: 'Licences',
  permissionSetLicense: 'Permission set licences',
  permissionSet: 'Permission sets',
  systemPermission: 'System permissions',
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
  return `${verdict}  ${v.username}  ${count('pass')} met, ${missing} missing or impossible, ${count('warn')} warnings`;
};

export const renderHuman = (report: CheckReport, options: { verbose?: boolean } = {}): string => {
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
  for (const u of report.unresolvedUsers) {
    const why =
      u.reason === 'ambiguous'
        ? `several active users have this email: ${u.candidates.join(', ')}`
        : u.reason === 'inactive'
          ? 'the user is inactive'
          : 'no such user in this org';
    lines.push(`FAIL  ${u.input}  ${why}`);
  }
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
  const s = report.summary;
  lines.push(
    '',
    `${s.passed} met, ${s.failed} missing, ${s.errors} impossible in this org, ${s.warnings} warnings, ${s.skipped} skipped.` +
      (options.verbose === true || s.passed === 0 ? '' : ' Use --verbose to see what grants each met item.')
  );
  return lines.join('\n');
};
