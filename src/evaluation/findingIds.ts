/*
 * Stable finding ids: what tools and tests key on instead of English sentences. An id is
 * `<kind>.<outcome>`, e.g. `systemPermission.missing`, `customPermission.impossible`, `oauth.met`,
 * `userStatus.missing` (an inactive or frozen user), `overGrant.warning`. Kinds are FindingKind; outcomes
 * follow the status:
 *
 *   pass → met, fail → missing, error → impossible (the org cannot have it), warn → warning, skip → skipped
 *
 * The set of ids is closed (FINDING_IDS lists every one) and documented in the command JSON schemas.
 */
import type { Finding, FindingKind, FindingStatus } from './types.js';

export const FINDING_OUTCOME: Readonly<Record<FindingStatus, string>> = {
  pass: 'met',
  fail: 'missing',
  error: 'impossible',
  warn: 'warning',
  skip: 'skipped',
};

export const FINDING_KINDS: readonly FindingKind[] = [
  'org',
  'userStatus',
  'license',
  'permissionSetLicense',
  'permissionSet',
  'systemPermission',
  'customPermission',
  'forbiddenPermission',
  'oauth',
  'object',
  'visibility',
  'field',
  'overGrant',
];

export const findingId = (kind: FindingKind, status: FindingStatus): string => `${kind}.${FINDING_OUTCOME[status]}`;

/** Every id a finding can carry. */
export const FINDING_IDS: readonly string[] = FINDING_KINDS.flatMap((kind) =>
  (Object.keys(FINDING_OUTCOME) as FindingStatus[]).map((status) => findingId(kind, status))
);

/** The finding with its id (after every status change: the id always matches the final status). */
export const withFindingId = (finding: Finding): Finding => ({ id: findingId(finding.kind, finding.status), ...finding });
