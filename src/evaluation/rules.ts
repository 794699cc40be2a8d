/*
 * Salesforce knowledge the evaluation depends on, kept as small documented tables so each rule can be
 * read, tested and corrected in one place. Sources: /work/shared/salesforce-reference.md and the
 * corrections in the evaluation brief (View All Data / Modify All Data never grant field access; an
 * object's Modify All does not include Create).
 */
import type { ObjectAccess } from '../requirements/types.js';

/* ------------------------------------------------------------------------------------------------
 * System permissions
 * ---------------------------------------------------------------------------------------------- */

export const MODIFY_ALL_DATA = 'ModifyAllData';
export const VIEW_ALL_DATA = 'ViewAllData';
export const CAN_APPROVE_UNINSTALLED_APPS = 'CanApproveUninstalledApps';
export const USE_ANY_API_CLIENT = 'UseAnyApiClient';

/**
 * System permissions that Modify All Data brings along. Salesforce enables them with Modify All Data
 * (Help: "Modify All Data" … "also grants" / its permission dependencies); a set holding Modify All
 * Data is treated as holding these even when the snapshot does not list them.
 * Deliberately small: only permissions whose dependency on Modify All Data is documented.
 */
export const IMPLIED_BY_MODIFY_ALL_DATA: readonly string[] = [
  'ViewAllData',
  'ViewSetup',
  'EditTask',
  'EditEvent',
  'RunReports',
  'TransferAnyEntity',
];

/**
 * Powerful permissions: never suggested before a narrower alternative in an `anyOf`, and reported as
 * over-granting (warning) when held but not required.
 */
export const POWERFUL_PERMISSIONS: readonly string[] = ['ModifyAllData', 'ViewAllData', 'CustomizeApplication', 'AuthorApex'];

/** The subset of POWERFUL_PERMISSIONS that is reported as over-granting. */
export const OVER_GRANT_PERMISSIONS: readonly string[] = ['ModifyAllData', 'ViewAllData', 'CustomizeApplication', 'AuthorApex'];

/**
 * Setup labels for the permissions the evaluation itself names, from
 * fixtures/salesforce/user-permission-labels.tsv (Field Reference v67.0). `UseAnyApiClient` is the
 * name Salesforce Help uses. A caller can pass a fuller lookup (EvaluateOptions.permissionLabel).
 */
export const BUILTIN_PERMISSION_LABELS: Readonly<Record<string, string>> = {
  ApiEnabled: 'API Enabled',
  ApiUserOnly: 'API Only User',
  AuthorApex: 'Author Apex',
  CanApproveUninstalledApps: 'Approve Uninstalled Connected Apps',
  CustomizeApplication: 'Customize Application',
  EditCaseComments: 'Edit Case Comments',
  EditEvent: 'Edit Events',
  EditTask: 'Edit Tasks',
  ManageRemoteAccess: 'Manage Connected Apps',
  ManageUsers: 'Manage Users',
  ModifyAllData: 'Modify All Data',
  ModifyMetadata: 'Modify Metadata Through Metadata API Functions',
  RunReports: 'Run Reports',
  TransferAnyEntity: 'Transfer Record',
  TransferAnyLead: 'Transfer Leads',
  UseAnyApiClient: 'Use Any API Client',
  ViewAllActivities: 'View All Activities',
  ViewAllData: 'View All Data',
  ViewAllUsers: 'View All Users',
  ViewRoles: 'View Roles and Role Hierarchy',
  ViewSetup: 'View Setup and Configuration',
};

/**
 * Order alternatives for a suggestion: as listed, except that powerful permissions go after the
 * narrower ones (a stable sort keeps the manifest order within each group).
 */
export const leastPowerfulFirst = (names: readonly string[]): string[] => {
  const rank = (n: string): number => {
    const i = POWERFUL_PERMISSIONS.indexOf(n);
    return i < 0 ? 0 : 1 + i;
  };
  return names
    .map((name, index) => ({ name, index }))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.index - b.index)
    .map((x) => x.name);
};

/* ------------------------------------------------------------------------------------------------
 * Object permissions
 * ---------------------------------------------------------------------------------------------- */

export const OBJECT_ACCESS_LABELS: Readonly<Record<ObjectAccess, string>> = {
  read: 'Read',
  create: 'Create',
  edit: 'Edit',
  delete: 'Delete',
  viewAll: 'View All',
  modifyAll: 'Modify All',
  viewAllFields: 'View All Fields',
};

/**
 * What an object access flag implies on the same object (the flag itself is not listed):
 * Modify All ⇒ Read, Edit, Delete, View All (NOT Create); View All ⇒ Read; Delete ⇒ Edit, Read;
 * Create/Edit ⇒ Read; View All Fields ⇒ Read. Used as "access X is granted when flag Y is set".
 */
export const OBJECT_FLAG_IMPLIES: Readonly<Record<ObjectAccess, readonly ObjectAccess[]>> = {
  read: [],
  create: ['read'],
  edit: ['read'],
  delete: ['edit', 'read'],
  viewAll: ['read'],
  modifyAll: ['read', 'edit', 'delete', 'viewAll'],
  viewAllFields: ['read'],
};

/** Object accesses that View All Data / Modify All Data imply on every object (never field access). */
export const OBJECT_ACCESS_IMPLIED_BY: Readonly<Record<ObjectAccess, readonly string[]>> = {
  read: ['ViewAllData', 'ModifyAllData'],
  viewAll: ['ViewAllData', 'ModifyAllData'],
  create: ['ModifyAllData'],
  edit: ['ModifyAllData'],
  delete: ['ModifyAllData'],
  modifyAll: ['ModifyAllData'],
  // View All Fields grants field read, which neither View All Data nor Modify All Data does.
  viewAllFields: [],
};

/**
 * How access to an object without object permissions is decided.
 * - `implicit`: met without any permission (message says why)
 * - `systemPermission`: met when any of `names` is held (or, when `object` is set, that object access)
 * - `impossible`: no permission can grant it (status error)
 */
export type SpecialAccessRule =
  | { kind: 'implicit'; message: string }
  | { kind: 'systemPermission'; names: string[]; object?: { object: string; access: ObjectAccess }; message: string }
  | { kind: 'impossible'; message: string };

/** Objects that have no ObjectPermissions rows; access follows the rules in specialObjectAccess. */
export const OBJECTS_WITHOUT_OBJECT_PERMISSIONS: readonly string[] = ['Task', 'Event', 'User', 'CaseComment'];

export const hasNoObjectPermissions = (object: string): boolean =>
  OBJECTS_WITHOUT_OBJECT_PERMISSIONS.some((o) => o.toLowerCase() === object.toLowerCase());

const canonicalSpecial = (object: string): string | undefined =>
  OBJECTS_WITHOUT_OBJECT_PERMISSIONS.find((o) => o.toLowerCase() === object.toLowerCase());

const noViewAllFields = (name: string): SpecialAccessRule => ({
  kind: 'impossible',
  message: `${name} has no object permissions: View All Fields does not exist for it; grant field permissions instead`,
});

/** Task/Event: reading follows the related records; writing needs Edit Tasks / Edit Events. */
const activityAccess = (name: 'Task' | 'Event', access: ObjectAccess): SpecialAccessRule => {
  const editPermission = name === 'Task' ? 'EditTask' : 'EditEvent';
  switch (access) {
    case 'read':
      return { kind: 'implicit', message: `${name} has no object permissions: reading follows access to related records` };
    case 'viewAll':
      return {
        kind: 'systemPermission',
        names: ['ViewAllActivities', 'ViewAllData'],
        message: `${name} has no object permissions: seeing every activity needs View All Activities or View All Data`,
      };
    case 'modifyAll':
      return { kind: 'systemPermission', names: ['ModifyAllData'], message: `${name} has no object permissions: modifying every activity needs Modify All Data` };
    case 'viewAllFields':
      return noViewAllFields(name);
    default:
      return {
        kind: 'systemPermission',
        names: [editPermission],
        message: `${name} has no object permissions: ${access} needs the system permission ${editPermission}`,
      };
  }
};

/** User: readable subject to the User sharing model; Manage Users edits; View All Users sees all; never deleted. */
const userAccess = (access: ObjectAccess): SpecialAccessRule => {
  switch (access) {
    case 'read':
      return { kind: 'implicit', message: 'User has no object permissions: users are readable subject to the User sharing model' };
    case 'viewAll':
      return { kind: 'systemPermission', names: ['ViewAllUsers'], message: 'User has no object permissions: seeing every user needs View All Users' };
    case 'delete':
      return { kind: 'impossible', message: 'Users cannot be deleted in Salesforce (they are deactivated); no permission grants Delete on User' };
    case 'viewAllFields':
      return noViewAllFields('User');
    default:
      return { kind: 'systemPermission', names: ['ManageUsers'], message: `User has no object permissions: ${access} needs Manage Users` };
  }
};

/** CaseComment: follows its parent Case; writing needs Edit Case Comments or Edit on the Case. */
const caseCommentAccess = (access: ObjectAccess): SpecialAccessRule => {
  switch (access) {
    case 'read':
      return { kind: 'implicit', message: 'CaseComment has no object permissions: reading follows access to the parent Case' };
    case 'viewAll':
    case 'modifyAll':
      return {
        kind: 'systemPermission',
        names: [],
        object: { object: 'Case', access },
        message: `CaseComment has no object permissions: it follows its parent Case (${access === 'viewAll' ? 'View All' : 'Modify All'} on Case)`,
      };
    case 'viewAllFields':
      return noViewAllFields('CaseComment');
    default:
      return {
        kind: 'systemPermission',
        names: ['EditCaseComments'],
        object: { object: 'Case', access: 'edit' },
        message: `CaseComment has no object permissions: ${access} needs Edit Case Comments or Edit on the parent Case`,
      };
  }
};

/**
 * The rule for one access on an object without object permissions, or undefined for ordinary objects.
 * Task/Event: reading follows the related records; create/edit/delete need Edit Tasks / Edit Events;
 * View All needs View All Activities or View All Data. User: reading follows the User sharing model;
 * create/edit need Manage Users; View All needs View All Users; users are never deleted (deactivated).
 * CaseComment: follows its parent Case; writing needs Edit Case Comments or Edit on Case (verify).
 */
export const specialObjectAccess = (object: string, access: ObjectAccess): SpecialAccessRule | undefined => {
  const name = canonicalSpecial(object);
  if (name === 'Task' || name === 'Event') return activityAccess(name, access);
  if (name === 'User') return userAccess(access);
  if (name === 'CaseComment') return caseCommentAccess(access);
  return undefined;
};

/** Field permission keys to look up for an object's field: Task and Event share the Activity fields' FLS. */
export const fieldPermissionKeys = (object: string, field: string): string[] => {
  const keys = [`${object}.${field}`];
  const lower = object.toLowerCase();
  if (lower === 'task' || lower === 'event') keys.push(`Activity.${field}`);
  return keys;
};

/* ------------------------------------------------------------------------------------------------
 * Sharing (visibility)
 * ---------------------------------------------------------------------------------------------- */

/** Internal sharing models under which every record is at least readable. */
const PUBLIC_SHARING_MODELS = new Set(
  ['Read', 'ReadWrite', 'ReadWriteTransfer', 'FullAccess', 'PublicRead', 'PublicReadOnly', 'PublicReadWrite', 'PublicReadWriteTransfer', 'PublicFullAccess', 'Edit', 'All'].map(
    (m) => m.toLowerCase()
  )
);

export const isPublicSharingModel = (model: string | undefined): boolean =>
  model !== undefined && PUBLIC_SHARING_MODELS.has(model.toLowerCase());

export const isControlledByParent = (model: string | undefined): boolean =>
  model !== undefined && model.toLowerCase() === 'controlledbyparent';

/** Parent object whose sharing a ControlledByParent object follows. */
export const SHARING_PARENT: Readonly<Record<string, string>> = {
  Contact: 'Account',
  Order: 'Account',
  Asset: 'Account',
  Contract: 'Account',
  CaseComment: 'Case',
  OpportunityLineItem: 'Opportunity',
};

export const sharingModelLabel = (model: string): string =>
  (
    ({
      private: 'Private',
      read: 'Public Read Only',
      readwrite: 'Public Read/Write',
      readwritetransfer: 'Public Read/Write/Transfer',
      fullaccess: 'Public Full Access',
      controlledbyparent: 'Controlled by Parent',
    }) as Record<string, string>
  )[model.toLowerCase()] ?? model;

/* ------------------------------------------------------------------------------------------------
 * Licences and editions
 * ---------------------------------------------------------------------------------------------- */

export const PLATFORM_LICENSE = 'Salesforce Platform';
/** CRM objects the Salesforce Platform user licence cannot hold (Case deliberately absent: footnoted in Help). */
export const PLATFORM_FORBIDDEN_OBJECTS: readonly string[] = ['Lead', 'Opportunity', 'Campaign', 'Forecast', 'Contract', 'Quote'];

export const INTEGRATION_LICENSE = 'Salesforce Integration';
export const API_INTEGRATION_PSL = 'SalesforceAPIIntegrationPsl';
export const API_INTEGRATION_PSL_LABEL = 'Salesforce API Integration';

export const platformForbids = (userLicense: string, object: string): boolean =>
  userLicense.toLowerCase() === PLATFORM_LICENSE.toLowerCase() &&
  PLATFORM_FORBIDDEN_OBJECTS.some((o) => o.toLowerCase() === object.toLowerCase());

export type EditionApi = 'included' | 'addOn' | 'none' | 'unknown';

/**
 * API access by edition (Organization.OrganizationType): on for Enterprise, Unlimited, Performance and
 * Developer; Professional needs the API add-on; Group/Team, Essentials, Personal, Contact Manager, Base
 * have none. Anything else is unknown.
 */
export const editionApi = (edition: string): EditionApi => {
  const e = edition.toLowerCase();
  if (/enterprise|unlimited|performance|developer/.test(e)) return 'included';
  if (e.includes('professional')) return 'addOn';
  if (/team|group|essentials|personal|contact manager|base edition|starter/.test(e)) return 'none';
  return 'unknown';
};

/** Warn when fewer than this share of the daily API requests remain. */
export const LOW_API_REQUESTS_RATIO = 0.1;

/* eslint-disable camelcase -- OAuth scope and policy names are Salesforce's spellings */

/* ------------------------------------------------------------------------------------------------
 * OAuth
 * ---------------------------------------------------------------------------------------------- */

/** Scope spellings (metadata enum, manifest aliases) → the normalised scope name. */
const SCOPE_ALIASES: Readonly<Record<string, string>> = {
  offline_access: 'refresh_token',
  refreshtoken: 'refresh_token',
  offlineaccess: 'refresh_token',
  basic: 'id',
  chatter: 'chatter_api',
  customapplications: 'visualforce',
  custompermissions: 'custom_permissions',
  openid: 'openid',
};

export const normalizeScope = (scope: string): string => {
  const s = scope.trim().toLowerCase();
  return SCOPE_ALIASES[s] ?? s;
};

/** The identity-URL scopes: one selection in Setup ("Access the identity URL service"). */
const IDENTITY_SCOPES = ['id', 'profile', 'email', 'address', 'phone'];

/**
 * Which of the app's scopes grants `wanted`: the scope itself; refresh_token ≡ offline_access; any
 * identity scope grants the others of its group; `full` grants every scope except refresh_token
 * (Salesforce: full "doesn't return a refresh token", refresh_token must be selected explicitly).
 * Returns the granting app scope or undefined.
 */
export const scopeGrantedBy = (wanted: string, appScopes: readonly string[]): string | undefined => {
  const w = normalizeScope(wanted);
  const have = appScopes.map(normalizeScope);
  if (have.includes(w)) return w;
  if (IDENTITY_SCOPES.includes(w)) {
    const other = have.find((s) => IDENTITY_SCOPES.includes(s));
    if (other) return other;
  }
  if (w !== 'refresh_token' && have.includes('full')) return 'full';
  return undefined;
};

export const SCOPE_LABELS: Readonly<Record<string, string>> = {
  api: 'Manage user data via APIs (api)',
  refresh_token: 'Perform requests at any time (refresh_token, offline_access)',
  web: 'Manage user data via Web browsers (web)',
  full: 'Full access (full)',
  id: 'Access the identity URL service (id, profile, email, address, phone)',
  profile: 'Access the identity URL service (id, profile, email, address, phone)',
  email: 'Access the identity URL service (id, profile, email, address, phone)',
  address: 'Access the identity URL service (id, profile, email, address, phone)',
  phone: 'Access the identity URL service (id, profile, email, address, phone)',
  openid: 'Access unique user identifiers (openid)',
  chatter_api: 'Access Connect REST API resources (chatter_api)',
  custom_permissions: 'Access custom permissions (custom_permissions)',
  visualforce: 'Access Visualforce applications (visualforce)',
  content: 'Access content resources (content)',
  lightning: 'Access Lightning applications (lightning)',
};

/** Normalise a refresh token policy: `Infinite` → `infinite`, `SpecificLifetime` → `specific_lifetime`. */
export const normalizeRefreshTokenPolicy = (value: string): string => {
  const v = value.trim();
  const [head, ...rest] = v.split(':');
  const key = head.replace(/[_\s-]/g, '').toLowerCase();
  const base =
    (
      {
        infinite: 'infinite',
        validuntilrevoked: 'infinite',
        zero: 'zero',
        immediately: 'zero',
        specificlifetime: 'specific_lifetime',
        specificinactivity: 'specific_inactivity',
      } as Record<string, string>
    )[key] ?? head.toLowerCase();
  return [base, ...rest.map((r) => r.toLowerCase())].join(':');
};

const HOURS_PER_UNIT: Readonly<Record<string, number>> = {
  hour: 1,
  hours: 1,
  day: 24,
  days: 24,
  month: 24 * 30,
  months: 24 * 30,
};

const lifetimeHours = (policy: string): number | undefined => {
  const [, n, unit] = policy.split(':');
  const count = Number(n);
  const factor = unit ? HOURS_PER_UNIT[unit.toLowerCase()] : undefined;
  return Number.isFinite(count) && factor !== undefined ? count * factor : undefined;
};

/**
 * Whether the app's refresh token policy satisfies the required one: equal policies; `infinite`
 * satisfies any lifetime; a longer specific lifetime satisfies a shorter one.
 */
export const refreshTokenPolicySatisfies = (required: string, actual: string): boolean => {
  const r = normalizeRefreshTokenPolicy(required);
  const a = normalizeRefreshTokenPolicy(actual);
  if (r === a) return true;
  if (a === 'infinite' && r.startsWith('specific_')) return true;
  if (r.startsWith('specific_lifetime') && a.startsWith('specific_lifetime')) {
    const rh = lifetimeHours(r);
    const ah = lifetimeHours(a);
    return rh !== undefined && ah !== undefined && ah >= rh;
  }
  return false;
};

export const REFRESH_TOKEN_POLICY_LABELS: Readonly<Record<string, string>> = {
  infinite: 'Refresh token is valid until revoked',
  zero: 'Immediately expire refresh token',
  specific_lifetime: 'Expire refresh token after a specific time',
  specific_inactivity: 'Expire refresh token if not used for a specific time',
};

/** How lenient an IP relaxation is: enforce < relaxedRefresh < relaxed. */
export const IP_RELAXATION_RANK: Readonly<Record<string, number>> = { enforce: 0, relaxedRefresh: 1, relaxed: 2 };

export const IP_RELAXATION_LABELS: Readonly<Record<string, string>> = {
  enforce: 'Enforce IP restrictions',
  relaxedRefresh: 'Enforce IP restrictions, but relax for refresh tokens',
  relaxed: 'Relax IP restrictions',
};

export const PERMITTED_USERS_LABELS: Readonly<Record<string, string>> = {
  any: 'All users may self-authorize',
  adminApproved: 'Admin approved users are pre-authorized',
};

/** Where an admin changes an app's policies, by app kind. */
export const appPoliciesPath = (kind: 'connectedApp' | 'externalClientApp', app: string): string =>
  kind === 'externalClientApp'
    ? `Setup > External Client App Manager > ${app} > Edit Policies > OAuth Policies`
    : `Setup > App Manager > ${app} > Manage > Edit Policies`;
