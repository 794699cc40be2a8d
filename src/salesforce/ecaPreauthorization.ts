/*
 * How an External Client App (ECA) pre-authorizes users, and the pure helpers check and grant use for it.
 *
 * What the sources say (read 2026-12-06 with the project's `search` tool):
 *  - Salesforce Help "Preauthorize User App Access Through External Client App Policies"
 *    (xcloud.preauth_user_app_access_through_eca.htm): with Permitted Users = "Admin approved users are
 *    pre-authorized", "only users with the associated profile or permission set can access the app";
 *    the admin selects them in Setup > External Client App Manager > app > Edit Policies (the ECA's
 *    policies), not on the permission set. The same article: a user with Use Any API Client "can access
 *    any external client app—even if its Permitted Users setting is set to Admin-approved users are
 *    preauthorized".
 *  - Metadata API Developer Guide, ExtlClntAppOauthConfigurablePolicies (API 59.0+, file suffix
 *    .ecaOauthPlcy, folder extlClntAppOauthPolicies): commaSeparatedPermissionSet "Permission set IDs in a
 *    comma-separated list. This field or commaSeparatedProfile is used when permittedUsersPolicyType is set
 *    to AdminApprovedPreAuthorized"; commaSeparatedProfile likewise for profiles. Editing it needs "View
 *    all External Client Apps, view their settings, and edit their policies".
 *  - Names or Ids: the reference says "IDs", but the reference's own sample definition writes a name
 *    (<commaSeparatedPermissionSet>PermSetExample</commaSeparatedPermissionSet>), and files retrieved
 *    from real orgs in public repositories carry API names (permission sets) and profile names
 *    ("System Administrator"). So an entry is matched against both the name and the Id, and grant
 *    writes the permission set's API name, as the sample does. UNVERIFIED against a live org: whether a
 *    deploy accepts names, Ids or both (`sf integration doctor` reports it: src/doctor/shapes.ts).
 *  - Object Reference, SetupEntityAccess: SetupEntityType "In API version 60.0 and later,
 *    ExternalClientApplication for external client apps" (listed in the v256.0 reference; the older
 *    lists name only ConnectedApplication). So the org also records a set's ECA access as a
 *    SetupEntityAccess row; the ECA's policies are where an admin (or a deploy) sets it.
 *  - The ExtlClntAppOauthPlcyCnfg sObject has no column for the lists: its fields (from org describes
 *    published as SFDX / Illuminated Cloud typings) are PermittedUsersPolicyType, IpRelaxationPolicyType,
 *    RefreshTokenPolicyType…, DeveloperName, ExternalClientApplicationId, and no permission set or
 *    profile field. The lists are read with readMetadata of the policies component, whose fullName is the
 *    ExtlClntAppOauthPlcyCnfg.DeveloperName (UNVERIFIED: equality of the two names; doctor probes it).
 */
import { SOURCES, type Sourced } from './sources.js';
import { text } from './texts.generated.js';

export const ECA_POLICIES_TYPE = 'ExtlClntAppOauthConfigurablePolicies';
export const ECA_POLICIES_FOLDER = 'extlClntAppOauthPolicies';
export const ECA_POLICIES_SUFFIX = 'ecaOauthPlcy';

export const ECA_PREAUTHORIZATION: Readonly<Record<'setup' | 'metadata' | 'setupEntityAccess' | 'useAnyApiClient', Sourced>> = {
  setup: { source: SOURCES.HELP_ECA_PREAUTHORIZE },
  metadata: { source: SOURCES.METADATA_ECA_OAUTH_POLICIES },
  setupEntityAccess: { source: SOURCES.OBJECT_REFERENCE_SETUP_ENTITY_ACCESS },
  useAnyApiClient: { source: SOURCES.HELP_ECA_PREAUTHORIZE },
};

/** The pre-authorization lists of an ECA's OAuth policies, as read from its policies component. */
export type EcaPolicyLists = {
  /** The policies component's fullName */
  policyName: string;
  /** commaSeparatedPermissionSet entries as written (names or Ids) */
  permissionSets: string[];
  /** commaSeparatedProfile entries as written (names or Ids) */
  profiles: string[];
};

/** "A, B,,C " → ['A', 'B', 'C'] */
export const splitCommaSeparated = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s.length > 0)
    : [];

/** The lists of a readMetadata record of ExtlClntAppOauthConfigurablePolicies. */
export const policyListsOf = (record: Record<string, unknown>): EcaPolicyLists => ({
  policyName: typeof record.fullName === 'string' ? record.fullName : '',
  permissionSets: splitCommaSeparated(record.commaSeparatedPermissionSet),
  profiles: splitCommaSeparated(record.commaSeparatedProfile),
});

const sameId = (a: string, b: string): boolean => /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(a) && a.length >= 15 && b.length >= 15 && a.slice(0, 15) === b.slice(0, 15);

/** Whether a list entry names this set or profile: by API name (case-insensitive) or by Id (15 or 18 characters). */
export const listNames = (entries: string[], candidate: { name: string; ids: Array<string | undefined> }): string | undefined =>
  entries.find((e) => e.toLowerCase() === candidate.name.toLowerCase() || candidate.ids.some((id) => id !== undefined && sameId(e, id)));

/**
 * The permission set list with `name` added; every existing entry kept as written, in its order. Returns
 * undefined when the list already names the set (by name or by one of `ids`).
 */
export const withPermissionSet = (existing: unknown, name: string, ids: Array<string | undefined> = []): string | undefined => {
  const entries = splitCommaSeparated(existing);
  if (listNames(entries, { name, ids }) !== undefined) return undefined;
  return [...entries, name].join(',');
};

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const elementXml = (key: string, value: unknown, indent: string): string[] => {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((v) => elementXml(key, v, indent));
  if (typeof value === 'object') {
    const inner = Object.entries(value as Record<string, unknown>)
      .filter(([k]) => k !== '$' && !k.startsWith('@'))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .flatMap(([k, v]) => elementXml(k, v, `${indent}    `));
    return [`${indent}<${key}>`, ...inner, `${indent}</${key}>`];
  }
  return [`${indent}<${key}>${xmlEscape(String(value))}</${key}>`];
};

/**
 * The source file (.ecaOauthPlcy-meta.xml) of a policies record read with readMetadata: every field the
 * org returned is written back (elements in alphabetical order, as retrieved files have them), so a
 * deploy changes only what the caller changed. `fullName` is the file name, not an element.
 */
export const policiesXml = (record: Record<string, unknown>): string => {
  const body = Object.entries(record)
    .filter(([k]) => k !== 'fullName' && k !== '$' && !k.startsWith('@'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([k, v]) => elementXml(k, v, '    '));
  return ['<?xml version="1.0" encoding="UTF-8"?>', `<${ECA_POLICIES_TYPE} xmlns="http://soap.sforce.com/2006/04/metadata">`, ...body, `</${ECA_POLICIES_TYPE}>`, ''].join('\n');
};

/** Where an admin pre-authorizes a permission set or profile for an ECA, and the metadata field behind it. */
export const ecaPreauthorizationFix = (app: string, policyName: string | undefined, what: { set?: string; profile?: string }): string => {
  const field = what.profile !== undefined && what.set === undefined ? 'commaSeparatedProfile' : 'commaSeparatedPermissionSet';
  const who =
    what.set !== undefined
      ? text('eca.preauthorize.permissionSet', what.set)
      : what.profile !== undefined
        ? text('eca.preauthorize.profile', what.profile)
        : text('eca.preauthorize.anyOfTheUser');
  const component = policyName ? `${ECA_POLICIES_TYPE} ${policyName}` : ECA_POLICIES_TYPE;
  return text('eca.preauthorize.fix', who, app, field, component);
};
