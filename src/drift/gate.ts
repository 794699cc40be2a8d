/*
 * The exit code of a check with its gates: `--fail-on-excess TIER` (3 when excess at or above TIER exists)
 * and `--fail-on new` (with --baseline: 3 only for what got worse since the baseline). Pure.
 */
import type { CheckReport } from '../report/index.js';
import { exitCodeOf } from '../report/index.js';
import { atOrAbove } from '../salesforce/riskTiers.js';
import type { RiskTier } from '../salesforce/riskTiers.js';

export type FailOn = 'any' | 'new';

export type Gates = {
  /** Exit 3 when any user holds excess at or above this tier (with failOn new: only newly excess) */
  failOnExcess?: RiskTier;
  /** `new`: exit 3 only on new failures since the baseline (needs report.drift) */
  failOn?: FailOn;
};

/** Excess items at or above the tier, over all users (only newly excess ones with `onlyNew`). */
export const excessAtOrAbove = (report: CheckReport, tier: RiskTier, onlyNew = false): number =>
  onlyNew
    ? (report.drift?.newlyExcess ?? []).filter((c) => atOrAbove(c.item.tier, tier)).length
    : report.users.reduce((n, u) => n + (u.excess?.items ?? []).filter((i) => atOrAbove(i.tier, tier)).length, 0);

export const gatedExitCode = (report: CheckReport, gates: Gates): 0 | 3 => {
  const onlyNew = gates.failOn === 'new' && report.drift !== undefined;
  const verdict = onlyNew ? (report.drift?.hasNewFailures ? 3 : 0) : exitCodeOf(report);
  const excess = gates.failOnExcess && excessAtOrAbove(report, gates.failOnExcess, onlyNew) > 0 ? 3 : 0;
  return Math.max(verdict, excess) as 0 | 3;
};
