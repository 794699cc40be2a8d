/*
 * The Salesforce rules the emulator enforces when it loads a state file, applies a deploy or
 * inserts an assignment — the way a real org refuses such saves. Shared by the state compiler,
 * the REST writes and the Metadata API deploy.
 */
import type { ObjectAccessName } from './orgState.js';

/** What each object access needs alongside it (Salesforce refuses a row without them). */
export const OBJECT_ACCESS_REQUIRES: Record<ObjectAccessName, ObjectAccessName[]> = {
  read: [],
  create: ['read'],
  edit: ['read'],
  delete: ['read', 'edit'],
  viewAll: ['read'],
  modifyAll: ['read', 'edit', 'delete', 'viewAll'],
  viewAllFields: ['read'],
};

/** The access names a row lacks, e.g. ['read'] for ['edit']. Empty when the row is consistent. */
export const missingObjectDependencies = (access: readonly ObjectAccessName[]): ObjectAccessName[] => {
  const held = new Set(access);
  const missing = new Set<ObjectAccessName>();
  for (const a of access) for (const need of OBJECT_ACCESS_REQUIRES[a] ?? []) if (!held.has(need)) missing.add(need);
  return [...missing];
};

/** Objects that have no ObjectPermissions rows (access follows other rules; see entityVerdict). */
export const OBJECTS_WITHOUT_OBJECT_PERMISSIONS = new Set(['Task', 'Event', 'User', 'CaseComment', 'PermissionSet']);

/**
 * System permissions a permission set holding Modify All Data always holds: Salesforce enables them
 * with it (its deploy-time dependencies; "Modify All Data ... Edit Events, Run Reports, Transfer Record,
 * View Setup"). States need not list them.
 */
export const BROUGHT_BY_MODIFY_ALL_DATA = new Set(['ViewAllData', 'ViewSetup', 'EditTask', 'EditEvent', 'RunReports', 'TransferAnyEntity']);

/** Whether merged system permissions hold `name`, directly or through Modify All Data. */
export const holdsPermission = (perms: ReadonlySet<string>, name: string): boolean =>
  perms.has(name) || (perms.has('ModifyAllData') && BROUGHT_BY_MODIFY_ALL_DATA.has(name));

/** One object's merged ObjectPermissions flags. */
export type ObjectGrant = Record<ObjectAccessName, boolean>;

/** What UserEntityAccess reports for one object. */
export type EntityVerdict = { read: boolean; create: boolean; edit: boolean; delete: boolean };

/**
 * Object access as Salesforce computes it: ObjectPermissions (a row's flags are dependency-closed, so
 * Modify All carries Edit and Delete but never Create) plus View All Data (read) and Modify All Data
 * (everything); the objects without object permissions by their own rules: activities are read through
 * the related records and changed with Edit Tasks / Edit Events; users are readable (sharing), created
 * and edited with Manage Users, never deleted; a case comment follows its case (edit also with Edit Case
 * Comments); permission sets are read with View Setup and Configuration and changed with Manage Profiles
 * and Permission Sets.
 */
export const entityVerdict = (perms: ReadonlySet<string>, grantOf: (lowerObject: string) => ObjectGrant | undefined, object: string): EntityVerdict => {
  const lower = object.toLowerCase();
  const has = (p: string): boolean => holdsPermission(perms, p);
  if (lower === 'task' || lower === 'event') {
    const edit = has(lower === 'task' ? 'EditTask' : 'EditEvent');
    return { read: true, create: edit, edit, delete: edit };
  }
  if (lower === 'user') return { read: true, create: has('ManageUsers'), edit: has('ManageUsers'), delete: false };
  if (lower === 'casecomment') {
    const parent = entityVerdict(perms, grantOf, 'Case');
    const edit = parent.edit || has('EditCaseComments');
    return { read: parent.read, create: edit, edit, delete: edit };
  }
  if (lower === 'permissionset') {
    const manage = has('ManageProfilesPermissionsets');
    return { read: has('ViewSetup'), create: manage, edit: manage, delete: manage };
  }
  const g = grantOf(lower);
  const modifyAllData = has('ModifyAllData');
  return {
    read: g?.read === true || modifyAllData || has('ViewAllData'),
    create: g?.create === true || modifyAllData,
    edit: g?.edit === true || modifyAllData,
    delete: g?.delete === true || modifyAllData,
  };
};

export type FieldFacts = { permissionable: boolean; createable: boolean; updateable: boolean };

/**
 * What UserFieldAccess reports: object access and field-level security; View All Fields grants read;
 * View All Data / Modify All Data grant no field access.
 */
export const fieldVerdict = (
  object: EntityVerdict,
  fls: 'read' | 'edit' | undefined,
  viewAllFields: boolean,
  f: FieldFacts
): { accessible: boolean; updatable: boolean; creatable: boolean } => {
  const readable = !f.permissionable || fls !== undefined || viewAllFields;
  const writable = !f.permissionable || fls === 'edit';
  return {
    accessible: object.read && readable,
    updatable: object.edit && f.updateable && writable,
    creatable: object.create && f.createable && writable,
  };
};

/**
 * System permission dependencies enforced on save (a small, documented subset):
 * "Permission X depends on permission(s): Y". Served by the Tooling PermissionDependency object.
 */
export const SYSTEM_PERMISSION_REQUIRES: Record<string, string[]> = {
  CustomizeApplication: ['ViewSetup'],
  ManageUsers: ['ViewRoles', 'ViewSetup'],
  ModifyMetadata: ['ViewSetup'],
  ManageRemoteAccess: ['ViewSetup'],
  ModifyAllData: ['ViewAllData'],
  ViewAllData: ['ViewSetup'],
  AuthorApex: ['ViewSetup', 'ModifyAllData'],
  ManageCustomPermissions: ['ViewSetup'],
  ViewAllUsers: ['ViewSetup'],
  TransferAnyEntity: ['TransferAnyLead'],
};

/** CRM objects a Salesforce Platform licence cannot hold (and the forecasting objects, Forecast…). */
export const PLATFORM_FORBIDDEN_OBJECTS = new Set([
  'Lead',
  'Opportunity',
  'OpportunityLineItem',
  'OpportunityContactRole',
  'Campaign',
  'CampaignMember',
  'Contract',
  'Quote',
  'QuoteLineItem',
  'Forecast',
]);

export const platformForbidsObject = (object: string): boolean => PLATFORM_FORBIDDEN_OBJECTS.has(object) || object.startsWith('Forecast');

export const INTEGRATION_LICENSE = 'Salesforce Integration';
export const API_INTEGRATION_PSL = 'SalesforceAPIIntegrationPsl';

/**
 * Whether a user with this licence (and these permission set licences) may hold object access.
 * Returns the reason when not, in Salesforce's words.
 */
export const licenseObjectViolation = (
  userLicense: string,
  permissionSetLicenses: readonly string[],
  object: string,
  access: ObjectAccessName
): string | undefined => {
  const verb = access === 'read' ? 'Read' : access === 'viewAllFields' ? 'View All Fields' : access.charAt(0).toUpperCase() + access.slice(1);
  if (userLicense === 'Salesforce Platform' && platformForbidsObject(object)) {
    return `The user license doesn't allow the permission: ${verb} ${object}`;
  }
  if (userLicense === INTEGRATION_LICENSE && !permissionSetLicenses.includes(API_INTEGRATION_PSL)) {
    return `The user license doesn't allow the permission: ${verb} ${object}`;
  }
  return undefined;
};
