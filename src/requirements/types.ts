/*
 * Normalised requirements: what a manifest or preset says, after validation and with every
 * name turned into its API name. Produced by the requirements module, consumed by evaluation
 * and grant planning. Every item carries the path of the manifest entry it came from, so a
 * finding can point back at the line that asked for it.
 */

export const OBJECT_ACCESS = ['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll', 'viewAllFields'] as const;
export type ObjectAccess = (typeof OBJECT_ACCESS)[number];

/** A name, or alternatives of which one is enough (`anyOf`). A single name has names.length === 1. */
export type NameItem = {
  names: string[];
  /** Where it came from in the manifest, e.g. `systemPermissions[1]` or `features.subscribe.systemPermissions[0]` */
  path: string;
  /** Feature that contributed the item, if any */
  feature?: string;
};

export type FieldRequirement = {
  object: string;
  field: string;
  access: 'read' | 'edit';
  /** Written `Field?`: only required when the field exists in the org */
  optional: boolean;
  path: string;
  feature?: string;
};

export type ObjectAccessRequirement = {
  access: ObjectAccess;
  path: string;
  feature?: string;
};

export type ObjectRequirement = {
  object: string;
  access: ObjectAccessRequirement[];
  /** `all`: every record must be visible, not just shared ones */
  visibility?: { level: 'all'; path: string; feature?: string };
  fields: FieldRequirement[];
  path: string;
};

export type RefreshTokenPolicy = string; // infinite | zero | specific_lifetime:N:UNIT | …
export type IpRelaxation = 'enforce' | 'relaxed' | 'relaxedRefresh';
export type PermittedUsers = 'any' | 'adminApproved';

export type OAuthRequirement = {
  /** Connected app / external client app name (can be overridden by --app) */
  app?: string;
  /** Normalised scope names: refresh_token and offline_access both become refresh_token */
  scopes: NameItem[];
  refreshTokenPolicy?: { value: RefreshTokenPolicy; path: string };
  ipRelaxation?: { value: IpRelaxation; path: string };
  permittedUsers?: { value: PermittedUsers; path: string };
  path: string;
};

export type UserRequirement = {
  /** Any of these user licences (names as Setup shows them, e.g. `Salesforce`) */
  licenses: NameItem[];
  /** All of these permission set licences (developer names) */
  permissionSetLicenses: NameItem[];
  /** Permission sets that must be assigned (API names) */
  permissionSets: NameItem[];
  /** System permissions the user must NOT hold */
  forbiddenPermissions: NameItem[];
};

/** The part of a manifest that a feature can also hold. */
export type RequirementBody = {
  user: UserRequirement;
  oauth?: OAuthRequirement;
  systemPermissions: NameItem[];
  /**
   * Custom permissions the user must hold (API names, `ns__Name` for a package's). Granted by SetupEntityAccess
   * rows of type CustomPermission on the profile, a permission set or a group's aggregate set. Optional so that
   * requirement sets built before the kind existed stay valid; loaded manifests always carry the list.
   */
  customPermissions?: NameItem[];
  objects: ObjectRequirement[];
};

export type FeatureDefinition = {
  name: string;
  description?: string;
  body: RequirementBody;
};

/** A loaded manifest, features not yet applied. */
export type Manifest = RequirementBody & {
  name: string;
  label: string;
  source?: string;
  description?: string;
  /** `preset:crankwheel` or the manifest file path */
  origin: string;
  features: Record<string, FeatureDefinition>;
};

/** What `check` and `grant` work from: a manifest with the chosen features merged in. */
export type Requirements = RequirementBody & {
  name: string;
  label: string;
  source?: string;
  description?: string;
  origin: string;
  /** Features merged into this requirement set */
  features: string[];
};
