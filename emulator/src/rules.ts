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

/** Objects that have no ObjectPermissions rows (access follows other rules). */
export const OBJECTS_WITHOUT_OBJECT_PERMISSIONS = new Set(['Task', 'Event', 'User', 'CaseComment']);

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

/** CRM objects a Salesforce Platform licence cannot hold. */
export const PLATFORM_FORBIDDEN_OBJECTS = new Set(['Lead', 'Opportunity', 'Campaign', 'Forecast', 'Contract', 'Quote']);

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
  if (userLicense === 'Salesforce Platform' && PLATFORM_FORBIDDEN_OBJECTS.has(object)) {
    return `The user license doesn't allow the permission: ${verb} ${object}`;
  }
  if (userLicense === INTEGRATION_LICENSE && !permissionSetLicenses.includes(API_INTEGRATION_PSL)) {
    return `The user license doesn't allow the permission: ${verb} ${object}`;
  }
  return undefined;
};
