/*
 * Findings: the verdict on one requirement item for one user. Plain data, rendered as a table,
 * JSON, JUnit or Markdown.
 */
import type { UserExcess } from '../excess/types.js';

export type FindingStatus = 'pass' | 'fail' | 'warn' | 'skip' | 'error';

export type FindingKind =
  | 'org'
  | 'license'
  | 'permissionSetLicense'
  | 'permissionSet'
  | 'userStatus'
  | 'systemPermission'
  | 'customPermission'
  | 'forbiddenPermission'
  | 'overGrant'
  | 'object'
  | 'visibility'
  | 'field'
  | 'oauth';

export type GrantSource = {
  kind: 'Profile' | 'PermissionSet' | 'PermissionSetGroup' | 'Org';
  name: string;
  /** For a group: the member set that carries it; for implied access: what implies it */
  via?: string;
};

export type Finding = {
  /**
   * Stable id `<kind>.<outcome>` (outcome: met | missing | impossible | warning | skipped), e.g.
   * `systemPermission.missing`: key on this, not on the English message. Set on every finding a check returns.
   */
  id?: string;
  kind: FindingKind;
  /** Human-readable requirement, e.g. `Contact: read`, `Contact.Email: read`, `ApiEnabled` */
  requirement: string;
  /** Manifest path of the requirement, e.g. `objects.Contact.access[0]` */
  path: string;
  status: FindingStatus;
  /** What grants it (empty when nothing does) */
  grantedBy: GrantSource[];
  /** For anyOf: the member that is granted (or the suggested one) */
  chosen?: string;
  message: string;
  /** A concrete fix when status is fail / warn / error */
  fix?: string;
  feature?: string;
  /** Salesforce's own verdict on this item (UserEntityAccess / UserFieldAccess), when the check read it */
  crossCheck?: { source: 'UserEntityAccess' | 'UserFieldAccess'; salesforce: boolean; agrees: boolean };
};

export type UserVerdict = {
  username: string;
  id: string;
  passed: boolean;
  findings: Finding[];
  /**
   * The cross-check against Salesforce's UserEntityAccess / UserFieldAccess: how many object and field
   * items were compared and how many disagree (each a warning), or why it was not done
   */
  crossCheck?: { status: 'done' | 'notDone'; reason?: string; compared: number; disagreements: number };
  /** With --excess: everything the user holds beyond the manifest, with source and risk tier (src/excess) */
  excess?: UserExcess;
};

export type Summary = { passed: number; failed: number; warnings: number; skipped: number; errors: number };
