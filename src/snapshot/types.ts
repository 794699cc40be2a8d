/*
 * The org snapshot: everything the evaluation and the grant planner need to know about an org
 * and its users, read in a few batched requests by the snapshot reader. Plain data: no
 * connection, no promises. Evaluation and planning are pure functions of (requirements, snapshot).
 */

export type ObjectPermissionFlags = {
  read: boolean;
  create: boolean;
  edit: boolean;
  delete: boolean;
  viewAll: boolean;
  modifyAll: boolean;
  viewAllFields: boolean;
};

export type FieldPermissionFlags = { read: boolean; edit: boolean };

/** Where a grant can come from. */
export type PermissionSourceKind = 'Profile' | 'PermissionSet' | 'PermissionSetGroup' | 'MutingPermissionSet';

/**
 * A profile (its hidden permission set), a permission set, a permission set group (its aggregate
 * set, already net of muting), or a muting permission set.
 */
export type PermissionSource = {
  /** The PermissionSet Id (for a profile: the profile's owned permission set) */
  id: string;
  kind: PermissionSourceKind;
  /** API name: profile name, permission set Name, group DeveloperName */
  name: string;
  label: string;
  /** PermissionSet.Type: Regular | Profile | Group | Session | Integration | Standard | Muting */
  type: string;
  /** Counts only while activated in a session */
  sessionBased: boolean;
  /** PermissionSetLicense developer name the set requires, if any */
  license?: string;
  description?: string;
  /** For a profile: its Id (Profile.Id) */
  profileId?: string;
  /** For a group aggregate set: PermissionSetGroup.Id, member set ids and the muting set id */
  group?: { groupId: string; memberIds: string[]; mutingId?: string };
  /** System permission API names that are true (e.g. ApiEnabled) */
  systemPermissions: string[];
  /** Object API name -> flags (absence of a key: no row, no access) */
  objectPermissions: Record<string, ObjectPermissionFlags>;
  /** 'Object.Field' -> flags */
  fieldPermissions: Record<string, FieldPermissionFlags>;
  /** Ids of connected apps this set grants access to (SetupEntityAccess) */
  appAccess: string[];
  /**
   * Custom permissions this set grants (SetupEntityAccess rows of type CustomPermission), as qualified API
   * names (`Name`, or `ns__Name` for a package's); only those a manifest asks for are read
   */
  customPermissions?: string[];
};

export type OAuthTokenInfo = { appName: string; lastUsedDate?: string; useCount: number };

export type UserAccess = {
  id: string;
  username: string;
  email: string;
  name: string;
  isActive: boolean;
  isFrozen: boolean;
  profileName: string;
  /** User licence name, e.g. `Salesforce`, `Salesforce Platform`, `Salesforce Integration` */
  userLicense: string;
  /** Assigned PermissionSet Ids: the profile's set, regular sets and group aggregate sets */
  permissionSetIds: string[];
  /** Developer names of assigned permission set licences */
  permissionSetLicenses: string[];
  /** OauthToken rows for the app under check (empty when no app or never authorized) */
  oauthTokens: OAuthTokenInfo[];
  /** How the user was asked for (--user value or email) */
  requestedAs: string;
  /** Salesforce's own verdicts (UserEntityAccess / UserFieldAccess), to cross-check the computed ones */
  crossCheck?: CrossCheck;
};

/** UserEntityAccess of one object for one user. */
export type SalesforceObjectVerdict = { read: boolean; create: boolean; edit: boolean; delete: boolean };
/** UserFieldAccess of one field for one user. */
export type SalesforceFieldVerdict = { read: boolean; edit: boolean; create: boolean };

/**
 * The cross-check against Salesforce's effective-access objects: `done` with their verdicts per object
 * (API name) and per field (`Object.Field`), or why it was not done (too many users, the org does not
 * offer the objects, the query was refused).
 */
export type CrossCheck =
  | { status: 'done'; objects: Record<string, SalesforceObjectVerdict>; fields: Record<string, SalesforceFieldVerdict> }
  | { status: 'notDone'; reason: string };

export type UnresolvedUser = {
  input: string;
  reason: 'notFound' | 'ambiguous' | 'inactive';
  /** Usernames that matched, for ambiguous emails */
  candidates: string[];
};

export type FieldDescribe = {
  name: string;
  type: string;
  permissionable: boolean;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
};

export type ObjectDescribe = {
  name: string;
  label: string;
  /** Org-wide default (internal sharing model): Private, Read, ReadWrite, ControlledByParent, ... */
  sharingModel?: string;
  /** Field API name -> facts */
  fields: Record<string, FieldDescribe>;
};

export type AppPolicies = {
  name: string;
  id?: string;
  kind: 'connectedApp' | 'externalClientApp';
  /** false: the app exists in the vendor's org only (uninstalled) */
  installed: boolean;
  /** Normalised OAuth scope names (refresh_token for RefreshToken/OfflineAccess) */
  scopes: string[];
  refreshTokenPolicy?: string;
  ipRelaxation?: 'enforce' | 'relaxed' | 'relaxedRefresh';
  permittedUsers?: 'any' | 'adminApproved';
  /**
   * An external client app's pre-authorized permission sets and profiles, as its OAuth policies list them
   * (ExtlClntAppOauthConfigurablePolicies.commaSeparatedPermissionSet / commaSeparatedProfile, names or Ids)
   */
  preAuthorized?: { policyName: string; permissionSets: string[]; profiles: string[] };
};

export type OrgInfo = {
  id: string;
  name: string;
  /** Organization.OrganizationType, e.g. Enterprise Edition, Developer Edition */
  edition: string;
  isSandbox: boolean;
  instanceUrl: string;
  apiVersion: string;
  /** From Sforce-Limit-Info / limits, when known */
  dailyApiRequests?: { max: number; remaining: number };
};

export type OrgSnapshot = {
  org: OrgInfo;
  users: UserAccess[];
  unresolvedUsers: UnresolvedUser[];
  /** PermissionSet Id -> source; includes group members and muting sets */
  permissionSets: Record<string, PermissionSource>;
  /** System permission API names that exist in this org (Permissions… columns of PermissionSet) */
  availablePermissions: string[];
  /** Object API name -> describe; `null` when the object does not exist in the org */
  objects: Record<string, ObjectDescribe | null>;
  /** Permission set licences that exist in the org (developer name -> label) */
  permissionSetLicenses: Record<string, string>;
  /** System permission dependencies: permission -> required permissions */
  permissionDependencies: Record<string, string[]>;
  /**
   * Custom permissions the requirements name that exist in the org (qualified API name -> Id and label);
   * undefined when none were asked for
   */
  customPermissions?: Record<string, { id: string; label: string }>;
  /** The app named by --app / oauth.app: `null` when named but not found, undefined when none named */
  app?: AppPolicies | null;
  /**
   * Read with `excess: true` (check --excess): the users' sets carry every system permission, object, field
   * and app access they grant, not only what the manifest names
   */
  fullAccess?: boolean;
  /** With `excess: true`: connected apps and external client apps of the org, Id -> name (to name app access) */
  appNames?: Record<string, string>;
  /** With `probeSetName` (grant): whether the org has a permission set of that name */
  probedSet?: { name: string; exists: boolean };
};
