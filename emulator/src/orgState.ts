/*
 * The org state file format (emulator/STATE-FORMAT.md): an org described by names, not Ids.
 * The emulator compiles it into Salesforce tables with stable generated Ids.
 * This file is the contract between the emulator's parts (loader, SOQL tables, metadata deploy).
 */

/** read create edit delete viewAll modifyAll viewAllFields */
export type ObjectAccessName = 'read' | 'create' | 'edit' | 'delete' | 'viewAll' | 'modifyAll' | 'viewAllFields';
/** edit = read + edit */
export type FieldAccessName = 'read' | 'edit';

export type PermissionBundle = {
  /** System permission API names, e.g. ApiEnabled */
  systemPermissions?: string[];
  /** Object API name -> access list */
  objectPermissions?: Record<string, ObjectAccessName[]>;
  /** 'Object.Field' -> read | edit */
  fieldPermissions?: Record<string, FieldAccessName>;
  /** Custom permission API names (`Name`, or `ns__Name` for a package's) this bundle enables */
  customPermissions?: string[];
};

/** A custom permission defined in the org (Setup > Custom Permissions, or installed with a package). */
export type CustomPermissionState = {
  /** API name: `Name`, or `ns__Name` for a managed package's */
  name: string;
  label?: string;
};

export type ProfileState = PermissionBundle & {
  name: string;
  /** Salesforce | Salesforce Platform | Salesforce Integration | ... */
  userLicense: string;
};

export type PermissionSetState = PermissionBundle & {
  /** API name */
  name: string;
  label?: string;
  description?: string;
  /** PermissionSetLicense developer name; only users holding it may be assigned */
  license?: string;
  sessionBased?: boolean;
};

export type MutingPermissionSetState = PermissionBundle & { name: string; label?: string };

export type PermissionSetGroupState = {
  name: string;
  label?: string;
  members: string[];
  mutingPermissionSet?: MutingPermissionSetState;
};

export type UserState = {
  username: string;
  email?: string;
  firstName?: string;
  lastName?: string;
  isActive?: boolean;
  isFrozen?: boolean;
  profile: string;
  permissionSets?: string[];
  permissionSetGroups?: string[];
  permissionSetLicenses?: string[];
};

export type ConnectedAppState = {
  name: string;
  label?: string;
  /** false: a vendor's app not installed here */
  installed?: boolean;
  kind?: 'connectedApp' | 'externalClientApp';
  /** OAuth scope names as in a manifest: api, refresh_token, offline_access, id, web, ... */
  scopes?: string[];
  /** infinite | zero | specific_lifetime:N:UNIT | ... (manifest vocabulary) */
  refreshTokenPolicy?: string;
  /** enforce | relaxed | relaxedRefresh */
  ipRelaxation?: string;
  /** any | adminApproved */
  permittedUsers?: string;
  /** SetupEntityAccess: profiles and permission sets that pre-authorize users */
  profiles?: string[];
  permissionSets?: string[];
  /** OauthToken rows: usernames who have authorized it */
  authorizedUsers?: string[];
};

export type ObjectExtra = {
  object: string;
  /** absent: the object itself (minimal standard fields) */
  field?: string;
  type?: string;
  permissionable?: boolean;
  nillable?: boolean;
  label?: string;
};

export type OrgState = {
  /** Enterprise | Unlimited | Performance | Developer | Professional | Essentials | Group | ... */
  edition?: string;
  name?: string;
  isSandbox?: boolean;
  apiEnabledForOrg?: boolean;
  /** true adds the Person* fields to Account */
  personAccounts?: boolean;
  /** API Access Control on: UseAnyApiClient exists */
  apiAccessControl?: boolean;
  /** Daily API request limit and how many are used */
  dailyApiRequests?: { max: number; used?: number };
  orgWideDefaults?: Record<string, string>;
  objects?: { extra?: ObjectExtra[]; absent?: string[] };
  /** System permission names this org does not have at all (no Permissions... column) */
  absentPermissions?: string[];
  permissionSetLicenses?: Array<{ developerName: string; label?: string }>;
  /** Custom permissions that exist in the org */
  customPermissions?: CustomPermissionState[];
  profiles?: ProfileState[];
  permissionSets?: PermissionSetState[];
  permissionSetGroups?: PermissionSetGroupState[];
  users?: UserState[];
  connectedApps?: ConnectedAppState[];
};
