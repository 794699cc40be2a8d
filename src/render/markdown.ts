/* Markdown for a pull-request comment or the GitHub step summary. */
import type { CheckReport } from '../report/index.js';
import { grantedByText } from './human.js';
import { excessMarkdown } from './excess.js';
import { driftMarkdown } from './drift.js';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
const ICON: Record<string, string> = { pass: '✅', fail: '❌', error: '⛔', warn: '⚠️', skip: '➖' };

export const renderMarkdown = (report: CheckReport, options: { verbose?: boolean } = {}): string => {
  const out: string[] = [];
  const ok = report.users.every((u) => u.passed) && report.unresolvedUsers.length === 0;
  out.push(`## ${ok ? '✅' : '❌'} ${cell(report.integration.label)} access check`);
  out.push('');
  out.push(`Org **${cell(report.org.name || report.org.id)}** (${cell(report.org.edition)}, ${report.org.isSandbox ? 'sandbox' : 'production'})`);
  out.push('');
  out.push('| User | Verdict | Met | Missing | Impossible | Warnings |', '|---|---|---|---|---|---|');
  for (const u of report.users) {
    const n = (s: string): number => u.findings.filter((f) => f.status === s).length;
    out.push(`| ${cell(u.username)} | ${u.passed ? '✅ pass' : '❌ fail'} | ${n('pass')} | ${n('fail')} | ${n('error')} | ${n('warn')} |`);
  }
  for (const u of report.unresolvedUsers) out.push(`| ${cell(u.input)} | ❌ ${u.reason} | | | | |`);
  for (const u of report.users) {
    const shown = options.verbose ? u.findings : u.findings.filter((f) => f.status !== 'pass' && f.status !== 'skip');
    if (shown.length === 0) continue;
    out.push('', `### ${cell(u.username)}`, '', '| | Requirement | Detail | Fix |', '|---|---|---|---|');
    for (const f of shown) {
      const detail = f.status === 'pass' && f.grantedBy.length ? `granted by ${grantedByText(f.grantedBy)}` : f.message;
      out.push(`| ${ICON[f.status]} | ${cell(f.requirement)} | ${cell(detail)} | ${cell(f.fix ?? '')} |`);
    }
  }
  out.push(...excessMarkdown(report), ...driftMarkdown(report));
  const s = report.summary;
  out.push('', `${s.passed} met · ${s.failed} missing · ${s.errors} impossible · ${s.warnings} warnings · ${s.skipped} skipped`, '');
  return out.join('\n');
};
