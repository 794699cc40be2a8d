/*
 * Normalised requirements: what a manifest or preset says, after validation and with every
 * name turned into its API name. Produced by the requirements module, consumed by evaluation
 * and grant planning. Every item carries the path of the manifest entry it came from, so a
 * finding can point back at the line that asked for it.
 *
 * The raw shape (what a manifest file parses to) is not written here: it is generated from the
 * JSON Schema into manifest.generated.ts (scripts/build/manifest-types.cjs) and re-exported. The
 * model below differs from it on purpose (names become NameItems with paths, the object map a
 * list, field lists one entry per field, policies carry their path, features are resolved), so it
 * stays hand-written; its value types come from the raw ones, and the compile-time checks at the
 * end fail when the schema gains a section the model has no place for.
 */
import type { RawFeature, RawManifest, RawObjectRequirement, RawOauth, RawUser } from './manifest.generated.js';

export type * from './manifest.generated.js';

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

/** The field lists of an object requirement: `read` and `edit`. */
export type FieldAccess = keyof NonNullable<RawObjectRequirement['fields']>;

export type FieldRequirement = {
  object: string;
  field: string;
  access: FieldAccess;
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
  visibility?: { level: Extract<RawObjectRequirement['visibility'], 'all'>; path: string; feature?: string };
  fields: FieldRequirement[];
  path: string;
};

/*
 * The policy values are spelled out (not derived with NonNullable<RawOauth[…]>) because the generator of
 * schemas/commands (the --json contract) cannot follow an indexed access type and would document them as empty
 * objects; ModelMatchesSchema below makes tsc fail if they ever differ from what the manifest's JSON Schema generates.
 */
/** infinite | zero | specific_lifetime:N:UNIT | … (normalised by vocabulary.ts) */
export type RefreshTokenPolicy = string;
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

// ------------------------------------------------------------ the model against the schema (compile time)

/** `true` when A and B are the same set of keys. */
type SameKeys<A extends PropertyKey, B extends PropertyKey> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;
/** `true` when A and B are the same type. */
type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;

/**
 * Compile-time checks, not used at run time: each fails to compile when the schema (through the generated raw types)
 * and the model disagree on the sections a manifest, a feature, `user`, `oauth` or an object requirement has.
 * `$schema` is the one key the plugin ignores.
 */
export type ModelMatchesSchema = [
  Assert<SameKeys<keyof RequirementBody | 'description', keyof RawFeature>>,
  Assert<SameKeys<Exclude<keyof Manifest, 'origin'>, Exclude<keyof RawManifest, '$schema'>>>,
  Assert<SameKeys<keyof UserRequirement, keyof RawUser>>,
  Assert<SameKeys<keyof OAuthRequirement, keyof RawOauth | 'path'>>,
  Assert<SameKeys<keyof ObjectRequirement, keyof RawObjectRequirement | 'object' | 'path'>>,
  Assert<SameType<RefreshTokenPolicy, NonNullable<RawOauth['refreshTokenPolicy']>>>,
  Assert<SameType<IpRelaxation, NonNullable<RawOauth['ipRelaxation']>>>,
  Assert<SameType<PermittedUsers, NonNullable<RawOauth['permittedUsers']>>>
];
