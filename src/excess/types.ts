/*
 * Excess privilege: what a user holds beyond the manifest and what the manifest's items imply
 * (`sf integration check --excess`). Plain data, carried in the check's --json result
 * (`result.users[].excess`) and read by the renderers, by drift (`--baseline`) and by the reduction
 * planner (`grant --reduce`) and the inventory.
 */
import type { ObjectAccess } from '../requirements/types.js';
import type { GrantSource } from '../evaluation/types.js';
import type { RiskTier } from '../salesforce/riskTiers.js';

export type { RiskTier } from '../salesforce/riskTiers.js';

/**
 * - `systemPermission`: a system (user) permission nothing in the manifest needs
 * - `objectAccess`: object permissions on one object beyond the required ones (View All / Modify All included)
 * - `fieldAccess`: field permissions on one object beyond the required fields, summarised
 * - `permissionSet`: an assigned permission set or permission set group that grants no required item
 * - `appAccess`: access to an admin-approved connected app (SetupEntityAccess) other than the integration's app
 */
export type ExcessKind = 'systemPermission' | 'objectAccess' | 'fieldAccess' | 'permissionSet' | 'appAccess';

export type ExcessItem = {
  kind: ExcessKind;
  /**
   * A stable identity for comparisons between runs (drift): `systemPermission:ModifyAllData`,
   * `objectAccess:Account`, `fieldAccess:Contact`, `permissionSet:PermissionSetGroup:Sales_Ops`, `appAccess:Acme_Sync`
   */
  key: string;
  /** What is held, for people: `Modify All Data (ModifyAllData)`, `Account: Modify All, View All, Delete` */
  item: string;
  tier: RiskTier;
  /** Why this tier, in one sentence */
  reason: string;
  /** Where Salesforce documents it (see src/salesforce/riskTiers.ts) */
  reference: string;
  /** What grants it: the profile, permission sets and groups (`via` names a group's member, or `session-based`) */
  sources: GrantSource[];
  /**
   * Required items this excess grant currently meets because it implies them (for example Modify All
   * Data meeting `Account: read` when no object permission grants it): a narrower grant must replace it
   * before it is removed.
   */
  meetsRequired?: string[];
  /** systemPermission: the API name */
  permission?: string;
  /** objectAccess / fieldAccess: the object */
  object?: string;
  /** objectAccess: the accesses held beyond the manifest, riskiest first */
  access?: ObjectAccess[];
  /**
   * fieldAccess: fields (`Field`, without the object) held beyond the manifest: `read` = readable only,
   * `edit` = editable where editing is not required (read may be required)
   */
  fields?: { read: string[]; edit: string[] };
  /** permissionSet: the set or group */
  permissionSet?: { kind: 'PermissionSet' | 'PermissionSetGroup'; name: string; id: string };
  /** appAccess: the app */
  app?: { id: string; name: string };
};

export type TierCounts = Record<RiskTier, number>;

export type UserExcess = {
  /** Riskiest first, then by kind and name */
  items: ExcessItem[];
  counts: TierCounts;
  /** The riskiest tier present (absent when there is no excess) */
  highest?: RiskTier;
};

/** Over all users of a check: excess items by tier, and the --fail-on-excess gate when given. */
export type ExcessSummary = {
  counts: TierCounts;
  /** --fail-on-excess TIER */
  failOn?: RiskTier;
  /** Items at or above failOn (all users) */
  atOrAboveFailOn?: number;
};
