/*
 * Excess privilege (`sf integration check --excess`): what a user holds beyond the manifest, each item
 * with its source and risk tier. Pure; see compute.ts for the rules and src/salesforce/riskTiers.ts for
 * the tiers.
 */
export { computeExcess, compareExcess, countByTier, requiredAccess } from './compute.js';
export { attachExcess } from './attach.js';
export type { RequiredAccess } from './compute.js';
export type { ExcessItem, ExcessKind, ExcessSummary, RiskTier, TierCounts, UserExcess } from './types.js';
export { RISK_TIERS, atOrAbove, isRiskTier, maxTier, tierRank } from '../salesforce/riskTiers.js';
