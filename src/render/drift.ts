/*
 * Drift (`check --baseline FILE`) in each format: human lines, a Markdown section, a JUnit suite.
 * Pure: reads the report only.
 */
import type { Drift, FindingChange } from '../drift/types.js';
import { atOrAbove } from '../salesforce/riskTiers.js';
import type { CheckReport } from '../report/index.js';
import { grantedByText } from './human.js';
import type { JunitClassname, JunitSuite } from './excess.js';

const change = (c: FindingChange): string => `${c.requirement} (${c.before === 'absent' ? 'not checked before' : `was ${c.before}`}, now ${c.after})`;

const isEmpty = (d: Drift): boolean =>
  d.newlyFailing.length + d.newlyPassing.length + d.newlyExcess.length + d.noLongerExcess.length + d.usersGone.length + d.usersNew.length === 0;

const baselineText = (d: Drift): string =>
  [d.baseline.integration, d.baseline.org, `${d.baseline.users.length} user${d.baseline.users.length === 1 ? '' : 's'}`].filter(Boolean).join(', ');

/** Human lines: what got worse first, then what got better. */
export const driftLines = (report: CheckReport): string[] => {
  const d = report.drift;
  if (!d) return [];
  const lines = ['', `Since the baseline (${baselineText(d)}):`];
  if (isEmpty(d)) lines.push('  no change');
  for (const g of d.usersGone) lines.push(`  ✖ user ${g.reason === 'notChecked' ? 'not checked' : g.reason}  ${g.username}: ${g.message}`);
  for (const c of d.newlyFailing) lines.push(`  ✖ newly failing  ${c.username}  ${change(c)}: ${c.message}`);
  for (const c of d.newlyExcess) {
    const what = c.added.length === 1 && c.added[0] === c.item.item ? c.item.item : `${c.item.item}; new: ${c.added.join(', ')}`;
    lines.push(`  + newly excess   ${c.username}  ${c.item.tier}  ${what}  ← ${grantedByText(c.item.sources)}`);
  }
  for (const c of d.newlyPassing) lines.push(`  ✔ newly passing  ${c.username}  ${change(c)}`);
  for (const r of d.noLongerExcess) lines.push(`  - no longer excess  ${r.username}  ${r.item}`);
  for (const u of d.usersNew) lines.push(`  · new user  ${u} (not in the baseline)`);
  if (!d.excessCompared && report.users.some((u) => u.excess !== undefined)) lines.push('  (excess not compared: the baseline was written without --excess)');
  return lines;
};

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

export const driftMarkdown = (report: CheckReport): string[] => {
  const d = report.drift;
  if (!d) return [];
  const out = ['', `### Changes since the baseline (${cell(baselineText(d))})`, ''];
  if (isEmpty(d)) return [...out, 'No change.'];
  out.push('| Change | User | Item | Detail |', '|---|---|---|---|');
  for (const g of d.usersGone) out.push(`| ❌ user ${g.reason} | ${cell(g.username)} | | ${cell(g.message)} |`);
  for (const c of d.newlyFailing) out.push(`| ❌ newly failing | ${cell(c.username)} | ${cell(c.requirement)} | ${cell(`${c.before} → ${c.after}: ${c.message}`)} |`);
  for (const c of d.newlyExcess) out.push(`| ➕ newly excess (${c.item.tier}) | ${cell(c.username)} | ${cell(c.item.item)} | ${cell(c.added.join(', '))} |`);
  for (const c of d.newlyPassing) out.push(`| ✅ newly passing | ${cell(c.username)} | ${cell(c.requirement)} | ${cell(`${c.before} → ${c.after}`)} |`);
  for (const r of d.noLongerExcess) out.push(`| ➖ no longer excess | ${cell(r.username)} | ${cell(r.item)} | |`);
  for (const u of d.usersNew) out.push(`| · new user | ${cell(u)} | | not in the baseline |`);
  return out;
};

/** JUnit: one suite of changes; new failures and gone users fail, newly excess fails at or above --fail-on-excess. */
export const driftJunitSuites = (report: CheckReport, classname: JunitClassname = (user, kind): string => `${user}.${kind}`): JunitSuite[] => {
  const d = report.drift;
  if (!d) return [];
  const failOn = report.excess?.failOn;
  const cases: Array<Record<string, unknown>> = [
    ...d.usersGone.map((g) => ({
      '@_name': `user ${g.username}`,
      '@_classname': classname(g.username, 'drift-userGone'),
      ...(g.reason === 'notChecked' ? { 'system-out': g.message } : { failure: { '@_message': `${g.username}: ${g.reason}`, '@_type': 'drift', '#text': g.message } }),
    })),
    ...d.newlyFailing.map((c) => ({
      '@_name': `${c.username}: ${c.requirement}`,
      '@_classname': classname(c.username, 'drift-newlyFailing'),
      failure: { '@_message': `newly ${c.after}: ${c.requirement}`, '@_type': 'drift', '#text': `${change(c)}\n${c.message}` },
    })),
    ...d.newlyExcess.map((c) => ({
      '@_name': `${c.username}: ${c.item.item}`,
      '@_classname': classname(c.username, 'drift-newlyExcess'),
      ...(failOn && atOrAbove(c.item.tier, failOn)
        ? { failure: { '@_message': `newly excess (${c.item.tier}): ${c.item.item}`, '@_type': 'drift', '#text': c.added.join(', ') } }
        : { 'system-out': `${c.item.tier}: ${c.added.join(', ')}` }),
    })),
    ...d.newlyPassing.map((c) => ({ '@_name': `${c.username}: ${c.requirement}`, '@_classname': classname(c.username, 'drift-newlyPassing'), 'system-out': change(c) })),
  ];
  return [
    {
      '@_name': `${report.integration.label}: changes since the baseline`,
      '@_tests': cases.length,
      '@_failures': cases.filter((c) => c.failure !== undefined).length,
      '@_errors': 0,
      '@_skipped': 0,
      testcase: cases,
    },
  ];
};
