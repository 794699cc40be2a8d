/*
 * The evaluation module: pure functions from (requirements, snapshot) to findings per user.
 */
export { evaluate, evaluateUser } from './evaluate.js';
export { FINDING_IDS, findingId } from './findingIds.js';
export type { EvaluateOptions } from './evaluate.js';
export { effectiveAccess, describeGrant, describeGrants } from './effectiveAccess.js';
export type { AccessExplanation, AccessQuery, DetailedGrant, EffectiveAccess, MutedGrant } from './effectiveAccess.js';
export { isPermissionAvailable } from './context.js';
export * from './rules.js';
export type * from './types.js';
