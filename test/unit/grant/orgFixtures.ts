/*
 * Test inputs for the grant planner built from the real describe fixtures in
 * test/fixtures/salesforce/describe (REST sObject describe bodies), plus small builders for
 * snapshots, users, permission sets and requirements.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NameItem, ObjectRequirement, Requirements } from '../../../src/requirements/types.js';
import type { FieldDescribe, ObjectDescribe, OrgSnapshot, PermissionSource, UserAccess } from '../../../src/snapshot/types.js';
import { SALESFORCE_FIXTURES } from './xsd.js';

type RawField = {
  name: string;
  type: string;
  permissionable: boolean | null;
  nillable: boolean | null;
  createable: boolean | null;
  updateable: boolean | null;
};
type RawDescribe = { name: string; label: string; fields: RawField[] };

const cache = new Map<string, RawDescribe>();

export function rawDescribe(object: string): RawDescribe {
  let raw = cache.get(object);
  if (raw === undefined) {
    raw = JSON.parse(readFileSync(join(SALESFORCE_FIXTURES, 'describe', `${object}.json`), 'utf8')) as RawDescribe;
    cache.set(object, raw);
  }
  return raw;
}

/**
 * The describe fixture as the snapshot reader would hand it over. In the constructed Task/User files
 * `null` means "not known": permissionable null is taken as not permissionable, as the org emulator
 * does (it refuses field permissions on such fields), so plans never carry a field nobody vouched for.
 */
export function describeFixture(object: string, sharingModel?: string): ObjectDescribe {
  const raw = rawDescribe(object);
  const fields: Record<string, FieldDescribe> = {};
  for (const field of raw.fields) {
    fields[field.name] = {
      name: field.name,
      type: field.type,
      permissionable: field.permissionable === true,
      nillable: field.nillable === true,
      createable: field.createable === true,
      updateable: field.updateable === true,
    };
  }
  const describe: ObjectDescribe = { name: raw.name, label: raw.label, fields };
  if (sharingModel !== undefined) describe.sharingModel = sharingModel;
  return describe;
}

/** Field names of a fixture describe with the given `permissionable` value. */
export function fixtureFields(object: string, permissionable: boolean): string[] {
  return rawDescribe(object).fields.filter((field) => (field.permissionable === true) === permissionable).map((field) => field.name);
}

export const USER_PERMISSION_NAMES: string[] = readFileSync(join(SALESFORCE_FIXTURES, 'user-permissions.txt'), 'utf8')
  .split('\n')
  .filter((line) => line !== '');

export function permissionSource(partial: Partial<PermissionSource> & Pick<PermissionSource, 'id' | 'name'>): PermissionSource {
  return {
    kind: 'PermissionSet',
    label: partial.name,
    type: 'Regular',
    sessionBased: false,
    systemPermissions: [],
    objectPermissions: {},
    fieldPermissions: {},
    appAccess: [],
    ...partial,
  };
}

export function user(partial: Partial<UserAccess> & Pick<UserAccess, 'username'>): UserAccess {
  return {
    id: `005${partial.username.length.toString().padStart(15, '0')}`,
    email: partial.username,
    name: partial.username,
    isActive: true,
    isFrozen: false,
    profileName: 'Custom Integration',
    userLicense: 'Salesforce',
    permissionSetIds: [],
    permissionSetLicenses: [],
    oauthTokens: [],
    requestedAs: partial.username,
    ...partial,
  };
}

/** An Enterprise org holding the describe fixtures, every known permission, no users. */
export function snapshot(partial: Partial<OrgSnapshot> = {}): OrgSnapshot {
  return {
    org: {
      id: '00D000000000001AAA',
      name: 'Acme',
      edition: 'Enterprise Edition',
      isSandbox: false,
      instanceUrl: 'https://acme.my.salesforce.com',
      apiVersion: '66.0',
    },
    users: [],
    unresolvedUsers: [],
    permissionSets: {},
    availablePermissions: USER_PERMISSION_NAMES,
    objects: Object.fromEntries(
      ['Account', 'Case', 'Contact', 'Event', 'Lead', 'Opportunity', 'Task', 'User'].map((object) => [object, describeFixture(object)])
    ),
    permissionSetLicenses: { SalesforceAPIIntegrationPsl: 'Salesforce API Integration' },
    permissionDependencies: {},
    ...partial,
  };
}

export function names(path: string, ...items: string[]): NameItem {
  return { names: items, path };
}

/** An object requirement written the way a manifest says it: `fields: { read: [...], edit: [...] }`. */
export function objectRequirement(
  object: string,
  spec: { access?: Array<ObjectRequirement['access'][number]['access']>; read?: string[]; edit?: string[]; visibility?: 'all' }
): ObjectRequirement {
  const path = `objects.${object}`;
  const fields = (['read', 'edit'] as const).flatMap((access) =>
    (spec[access] ?? []).map((written, index) => ({
      object,
      field: written.replace(/\?$/, ''),
      access,
      optional: written.endsWith('?'),
      path: `${path}.fields.${access}[${index}]`,
    }))
  );
  const requirement: ObjectRequirement = {
    object,
    access: (spec.access ?? []).map((access, index) => ({ access, path: `${path}.access[${index}]` })),
    fields,
    path,
  };
  if (spec.visibility) requirement.visibility = { level: 'all', path: `${path}.visibility` };
  return requirement;
}

export function requirements(partial: Partial<Requirements> = {}): Requirements {
  return {
    name: 'crankwheel',
    label: 'CrankWheel',
    origin: 'preset:crankwheel',
    features: [],
    user: { licenses: [], permissionSetLicenses: [], permissionSets: [], forbiddenPermissions: [] },
    systemPermissions: [],
    objects: [],
    ...partial,
  };
}
