/* Adds each user's excess to the report's user verdicts and returns the summary over all users (report.excess). */
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot } from '../snapshot/types.js';
import type { CheckReport } from '../report/index.js';
import { atOrAbove, RISK_TIERS } from '../salesforce/riskTiers.js';
import type { RiskTier } from '../salesforce/riskTiers.js';
import { computeExcess } from './compute.js';
import type { ExcessSummary, TierCounts } from './types.js';

export const attachExcess = (report: CheckReport, requirements: Requirements, snapshot: OrgSnapshot, failOn?: RiskTier): ExcessSummary => {
  const counts = Object.fromEntries(RISK_TIERS.map((t) => [t, 0])) as TierCounts;
  let atOrAboveFailOn = 0;
  for (const verdict of report.users) {
    const user = snapshot.users.find((u) => u.id === verdict.id);
    if (!user) continue;
    verdict.excess = computeExcess(requirements, snapshot, user);
    for (const item of verdict.excess.items) {
      counts[item.tier] += 1;
      if (failOn && atOrAbove(item.tier, failOn)) atOrAboveFailOn += 1;
    }
  }
  return { counts, ...(failOn ? { failOn, atOrAboveFailOn } : {}) };
};
