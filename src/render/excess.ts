/*
 * Excess privilege (`check --excess`) in each format: human lines, Markdown sections, JUnit test suites.
 * Pure: reads the report only.
 */
import type { UserVerdict } from '../evaluation/types.js';
import type { ExcessItem, TierCounts } from '../excess/types.js';
import { atOrAbove, RISK_TIERS } from '../salesforce/riskTiers.js';
import type { CheckReport } from '../report/index.js';
import { grantedByText } from './human.js';
import { driftLines } from './drift.js';

export const tierCountsText = (counts: TierCounts): string => RISK_TIERS.map((t) => `${counts[t]} ${t}`).join(', ');

const pad = (text: string, width: number): string => text + ' '.repeat(Math.max(0, width - [...text].length));

/** Low-tier system permissions are many (a profile holds dozens): one line unless --verbose. */
const collapsible = (i: ExcessItem): boolean => i.tier === 'low' && i.kind === 'systemPermission';

const itemDetail = (i: ExcessItem, verbose: boolean): string[] => {
  const lines: string[] = [];
  if (i.meetsRequired?.length) lines.push(`currently meets ${i.meetsRequired.join(', ')}: grant that narrowly before removing this`);
  if (verbose) {
    lines.push(i.reason);
    if (i.fields) {
      if (i.fields.edit.length) lines.push(`editable: ${i.fields.edit.join(', ')}`);
      if (i.fields.read.length) lines.push(`read-only: ${i.fields.read.join(', ')}`);
    }
  }
  return lines;
};

/** The excess of one user, riskiest first; empty when the check ran without --excess. */
export const excessLines = (v: UserVerdict, options: { verbose?: boolean } = {}): string[] => {
  const excess = v.excess;
  if (!excess) return [];
  if (excess.items.length === 0) return ['', `${v.username} — no excess: holds nothing beyond what the manifest needs`];
  const lines = ['', `${v.username} — excess beyond the manifest: ${tierCountsText(excess.counts)}`];
  const shown = options.verbose ? excess.items : excess.items.filter((i) => !collapsible(i));
  const width = Math.min(60, Math.max(...shown.map((i) => [...i.item].length), 0));
  for (const i of shown) {
    lines.push(`  ${pad(i.tier, 8)}  ${pad(i.item, width)}  ← ${grantedByText(i.sources)}`);
    for (const d of itemDetail(i, options.verbose === true)) lines.push(`  ${' '.repeat(8)}  ${d}`);
  }
  const collapsed = options.verbose ? [] : excess.items.filter(collapsible);
  if (collapsed.length > 0) {
    const names = collapsed.map((i) => i.permission ?? i.item);
    const head = names.slice(0, 12).join(', ');
    lines.push(`  ${pad('low', 8)}  ${collapsed.length} other system permission${collapsed.length === 1 ? '' : 's'}: ${head}${names.length > 12 ? ', …' : ''} (--verbose lists them with their sources)`);
  }
  return lines;
};

/** After the findings: each user's excess (with --excess), then the changes since the baseline (with --baseline). */
export const excessSections = (report: CheckReport, verbose?: boolean): string[] => [
  ...report.users.flatMap((v) => excessLines(v, { verbose })),
  ...driftLines(report),
];

/** The closing line: totals over all users and the --fail-on-excess gate. */
export const excessSummaryLine = (report: CheckReport): string[] => {
  const s = report.excess;
  if (!s) return [];
  const gate =
    s.failOn !== undefined
      ? ` --fail-on-excess ${s.failOn}: ${s.atOrAboveFailOn ?? 0} item${s.atOrAboveFailOn === 1 ? '' : 's'} at or above ${s.failOn}${(s.atOrAboveFailOn ?? 0) > 0 ? ' (exit 3)' : ''}.`
      : '';
  return [`Excess: ${tierCountsText(s.counts)}.${gate}`];
};

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');

/** Markdown: one table per user with excess. */
export const excessMarkdown = (report: CheckReport): string[] => {
  if (!report.excess) return [];
  const out = ['', `### Excess privilege (${tierCountsText(report.excess.counts)})`];
  for (const u of report.users) {
    if (!u.excess) continue;
    out.push('', `**${cell(u.username)}**: ${u.excess.items.length === 0 ? 'no excess' : tierCountsText(u.excess.counts)}`);
    if (u.excess.items.length === 0) continue;
    out.push('', '| Tier | Held beyond the manifest | Granted by | Why it matters |', '|---|---|---|---|');
    for (const i of u.excess.items) {
      const note = i.meetsRequired?.length ? `${i.reason}; currently meets ${i.meetsRequired.join(', ')}` : i.reason;
      out.push(`| ${i.tier} | ${cell(i.item)} | ${cell(grantedByText(i.sources))} | ${cell(note)} |`);
    }
  }
  const gate = report.excess.failOn;
  if (gate !== undefined) out.push('', `--fail-on-excess ${gate}: ${report.excess.atOrAboveFailOn ?? 0} item(s) at or above ${gate}.`);
  return out;
};

type JunitCase = Record<string, unknown>;
export type JunitSuite = { '@_name': string; '@_tests': number; '@_failures': number; '@_errors': number; '@_skipped': number; testcase: JunitCase[] };
/** A test case's classname from its user and kind (junit.ts: integration.user.kind, dots escaped). */
export type JunitClassname = (user: string, kind: string) => string;
const defaultClassname: JunitClassname = (user, kind) => `${user}.${kind}`;

/** JUnit: a suite per user with excess; an item fails only at or above --fail-on-excess. */
export const excessJunitSuites = (report: CheckReport, classname: JunitClassname = defaultClassname): JunitSuite[] => {
  const failOn = report.excess?.failOn;
  return report.users
    .filter((u) => u.excess !== undefined)
    .map((u) => {
      const items = u.excess?.items ?? [];
      const cases = items.map((i): JunitCase => {
        const text = [`${i.tier}: ${i.reason}`, `Granted by: ${grantedByText(i.sources)}`, `Source: ${i.reference}`].join('\n');
        const base: JunitCase = { '@_name': i.item, '@_classname': classname(u.username, `excess-${i.kind}`) };
        return failOn && atOrAbove(i.tier, failOn)
          ? { ...base, failure: { '@_message': `${i.tier} excess: ${i.item}`, '@_type': 'excess', '#text': text } }
          : { ...base, 'system-out': text };
      });
      return {
        '@_name': `${report.integration.label}: ${u.username} excess`,
        '@_tests': cases.length,
        '@_failures': cases.filter((c) => c.failure !== undefined).length,
        '@_errors': 0,
        '@_skipped': 0,
        testcase: cases,
      };
    });
};
