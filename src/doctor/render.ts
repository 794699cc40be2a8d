/* The doctor's human output: the org, then one line per query shape. */
import type { DoctorResult, ShapeResult } from './index.js';

const LABEL: Record<ShapeResult['status'], string> = { ok: 'ok', refused: 'REFUSED', notApplicable: 'n/a' };

const detail = (s: ShapeResult): string => {
  if (s.status === 'refused') return `${s.salesforceErrorCode ?? 'UNKNOWN'}${s.salesforceMessage ? `: ${s.salesforceMessage}` : ''}${s.optional ? ' (the check goes on without it)' : ''}`;
  if (s.status === 'notApplicable') return `not sent: only when ${s.when ?? 'needed'}`;
  return `${s.rows ?? 0} row(s)${s.api === 'tooling' ? ', Tooling API' : ''}`;
};

export const renderDoctor = (r: DoctorResult): string => {
  const width = Math.max(...r.shapes.map((s) => s.shape.length));
  const lines = [
    `Org: ${r.org.name || '(unnamed)'} — ${r.org.edition || 'edition unknown'}, ${r.org.isSandbox ? 'SANDBOX' : 'PRODUCTION'}, ${r.org.instanceUrl}, API v${r.org.apiVersion}`,
    `Query shapes of check and grant, read-only as ${r.runningUser} (user probed: ${r.probedUser}):`,
    ...r.shapes.map((s) => `  ${LABEL[s.status].padEnd(7)}  ${s.shape.padEnd(width)}  ${s.reads} — ${detail(s)}`),
    '',
    `${r.summary.ok} ok, ${r.summary.refused} refused, ${r.summary.notApplicable} not applicable.`,
  ];
  const unverified = r.shapes.filter((s) => s.unverified && s.status === 'ok');
  if (unverified.length > 0) lines.push(`Accepted here, assumed from documentation until now: ${unverified.map((s) => s.shape).join(', ')}.`);
  return lines.join('\n');
};
