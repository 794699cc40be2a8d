/*
 * The setup tables the emulator serves (PermissionSet, ObjectPermissions, …): their columns,
 * key prefixes, lookups and which API (REST data / Tooling) exposes them. The describes of these
 * objects and the SOQL tables are both built from this one list.
 */
import { KEY_PREFIX } from './ids.js';

export type ColumnType =
  | 'id'
  | 'reference'
  | 'string'
  | 'boolean'
  | 'int'
  | 'double'
  | 'datetime'
  | 'date'
  | 'picklist'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'address'
  | 'currency'
  | 'percent'
  | 'multipicklist'
  | 'combobox'
  | 'location'
  | 'base64'
  | 'anyType'
  | 'time'
  | 'encryptedstring'
  | 'complexvalue';

export type SetupColumn = {
  name: string;
  type: ColumnType;
  label?: string;
  /** reference columns: the tables an Id may point to (resolved by key prefix when several) */
  referenceTo?: string[];
  /** reference columns: the relationship name used in SOQL paths (e.g. Assignee) */
  relationshipName?: string;
  nillable?: boolean;
};

export type ApiSurface = 'data' | 'tooling' | 'both';

export type SetupTableSchema = {
  name: string;
  label: string;
  keyPrefix: string | null;
  api: ApiSurface;
  columns: SetupColumn[];
  /** carries one boolean Permissions<Name> column per system permission of the org */
  permissionColumns?: boolean;
  /** the column a lookup to this table matches (default Id) */
  keyColumn?: string;
  /** rows can be inserted/deleted over REST */
  createable?: boolean;
};

const id: SetupColumn = { name: 'Id', type: 'id', nillable: false };
const str = (name: string, label?: string): SetupColumn => ({ name, type: 'string', label });
const bool = (name: string, label?: string): SetupColumn => ({ name, type: 'boolean', label, nillable: false });
const int = (name: string): SetupColumn => ({ name, type: 'int' });
const dt = (name: string): SetupColumn => ({ name, type: 'datetime' });
const pick = (name: string): SetupColumn => ({ name, type: 'picklist' });
const ref = (name: string, referenceTo: string[], relationshipName?: string): SetupColumn => ({
  name,
  type: 'reference',
  referenceTo,
  relationshipName,
});

const audit: SetupColumn[] = [
  dt('CreatedDate'),
  ref('CreatedById', ['User'], 'CreatedBy'),
  dt('LastModifiedDate'),
  ref('LastModifiedById', ['User'], 'LastModifiedBy'),
  dt('SystemModstamp'),
];

export const OBJECT_PERMISSION_COLUMNS = [
  'PermissionsRead',
  'PermissionsCreate',
  'PermissionsEdit',
  'PermissionsDelete',
  'PermissionsViewAllRecords',
  'PermissionsModifyAllRecords',
  'PermissionsViewAllFields',
] as const;

export const SETUP_TABLES: SetupTableSchema[] = [
  {
    name: 'Organization',
    label: 'Organization',
    keyPrefix: KEY_PREFIX.Organization,
    api: 'both',
    columns: [
      id,
      str('Name'),
      pick('OrganizationType'),
      bool('IsSandbox'),
      str('InstanceName'),
      str('NamespacePrefix'),
      dt('TrialExpirationDate'),
      str('Country'),
      pick('LanguageLocaleKey'),
      pick('DefaultLocaleSidKey'),
      pick('TimeZoneSidKey'),
      ...audit,
    ],
  },
  {
    name: 'Profile',
    label: 'Profile',
    keyPrefix: KEY_PREFIX.Profile,
    api: 'both',
    columns: [id, str('Name'), ref('UserLicenseId', ['UserLicense'], 'UserLicense'), pick('UserType'), str('Description'), ...audit],
  },
  {
    name: 'UserLicense',
    label: 'User License',
    keyPrefix: KEY_PREFIX.UserLicense,
    api: 'both',
    columns: [id, str('Name'), str('MasterLabel'), str('LicenseDefinitionKey'), pick('Status'), int('TotalLicenses'), int('UsedLicenses'), ...audit],
  },
  {
    name: 'UserLogin',
    label: 'User Login',
    keyPrefix: KEY_PREFIX.UserLogin,
    api: 'both',
    columns: [id, ref('UserId', ['User'], 'User'), bool('IsFrozen'), bool('IsPasswordLocked'), dt('LastModifiedDate')],
  },
  {
    name: 'PermissionSet',
    label: 'Permission Set',
    keyPrefix: KEY_PREFIX.PermissionSet,
    api: 'both',
    permissionColumns: true,
    columns: [
      id,
      str('Name'),
      str('Label'),
      { name: 'Description', type: 'textarea' },
      pick('Type'),
      bool('IsOwnedByProfile'),
      ref('ProfileId', ['Profile'], 'Profile'),
      ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup'),
      ref('LicenseId', ['PermissionSetLicense', 'UserLicense'], 'License'),
      bool('HasActivationRequired'),
      bool('IsCustom'),
      str('NamespacePrefix'),
      ...audit,
    ],
  },
  {
    name: 'MutingPermissionSet',
    label: 'Muting Permission Set',
    keyPrefix: KEY_PREFIX.MutingPermissionSet,
    api: 'both',
    permissionColumns: true,
    columns: [id, str('DeveloperName'), str('MasterLabel'), { name: 'Description', type: 'textarea' }, str('NamespacePrefix'), pick('Language'), ...audit],
  },
  {
    // Object Reference, CustomPermission: DeveloperName, MasterLabel, NamespacePrefix, IsLicensed (API 31.0+)
    name: 'CustomPermission',
    label: 'Custom Permission',
    keyPrefix: KEY_PREFIX.CustomPermission,
    api: 'both',
    columns: [id, str('DeveloperName'), str('MasterLabel'), { name: 'Description', type: 'textarea' }, str('NamespacePrefix'), bool('IsLicensed'), ...audit],
  },
  {
    name: 'PermissionSetGroup',
    label: 'Permission Set Group',
    keyPrefix: KEY_PREFIX.PermissionSetGroup,
    api: 'both',
    columns: [id, str('DeveloperName'), str('MasterLabel'), { name: 'Description', type: 'textarea' }, pick('Status'), str('NamespacePrefix'), ...audit],
  },
  {
    name: 'PermissionSetGroupComponent',
    label: 'Permission Set Group Component',
    keyPrefix: KEY_PREFIX.PermissionSetGroupComponent,
    api: 'both',
    columns: [
      id,
      ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup'),
      ref('PermissionSetId', ['PermissionSet', 'MutingPermissionSet'], 'PermissionSet'),
      ...audit,
    ],
  },
  {
    name: 'PermissionSetAssignment',
    label: 'Permission Set Assignment',
    keyPrefix: KEY_PREFIX.PermissionSetAssignment,
    api: 'both',
    createable: true,
    columns: [
      id,
      ref('AssigneeId', ['User'], 'Assignee'),
      ref('PermissionSetId', ['PermissionSet'], 'PermissionSet'),
      ref('PermissionSetGroupId', ['PermissionSetGroup'], 'PermissionSetGroup'),
      bool('IsActive'),
      dt('ExpirationDate'),
      dt('SystemModstamp'),
    ],
  },
  {
    name: 'ObjectPermissions',
    label: 'Object Permissions',
    keyPrefix: KEY_PREFIX.ObjectPermissions,
    api: 'both',
    columns: [
      id,
      ref('ParentId', ['PermissionSet', 'MutingPermissionSet'], 'Parent'),
      pick('SobjectType'),
      ...OBJECT_PERMISSION_COLUMNS.map((c) => bool(c)),
      ...audit,
    ],
  },
  {
    name: 'FieldPermissions',
    label: 'Field Permissions',
    keyPrefix: KEY_PREFIX.FieldPermissions,
    api: 'both',
    columns: [
      id,
      ref('ParentId', ['PermissionSet', 'MutingPermissionSet'], 'Parent'),
      pick('SobjectType'),
      pick('Field'),
      bool('PermissionsRead'),
      bool('PermissionsEdit'),
      ...audit,
    ],
  },
  {
    name: 'PermissionSetLicense',
    label: 'Permission Set License',
    keyPrefix: KEY_PREFIX.PermissionSetLicense,
    api: 'both',
    columns: [id, str('DeveloperName'), str('MasterLabel'), pick('Status'), int('TotalLicenses'), int('UsedLicenses'), ...audit],
  },
  {
    name: 'PermissionSetLicenseAssign',
    label: 'Permission Set License Assignment',
    keyPrefix: KEY_PREFIX.PermissionSetLicenseAssign,
    api: 'both',
    createable: true,
    columns: [
      id,
      ref('AssigneeId', ['User'], 'Assignee'),
      ref('PermissionSetLicenseId', ['PermissionSetLicense'], 'PermissionSetLicense'),
      ...audit,
    ],
  },
  {
    name: 'ConnectedApplication',
    label: 'Connected App',
    keyPrefix: KEY_PREFIX.ConnectedApplication,
    api: 'both',
    columns: [
      id,
      str('Name'),
      bool('OptionsAllowAdminApprovedUsersOnly'),
      bool('OptionsRefreshTokenValidityMetric'),
      int('RefreshTokenValidityPeriod'),
      bool('OptionsIsInternal'),
      ...audit,
    ],
  },
  {
    name: 'SetupEntityAccess',
    label: 'Setup Entity Access',
    keyPrefix: KEY_PREFIX.SetupEntityAccess,
    api: 'both',
    createable: true,
    columns: [
      id,
      ref('ParentId', ['PermissionSet'], 'Parent'),
      ref('SetupEntityId', ['ConnectedApplication', 'CustomPermission']),
      pick('SetupEntityType'),
      ...audit,
    ],
  },
  {
    name: 'OauthToken',
    label: 'OAuth Token',
    keyPrefix: KEY_PREFIX.OauthToken,
    api: 'both',
    columns: [id, str('AppName'), ref('UserId', ['User'], 'User'), dt('LastUsedDate'), int('UseCount'), dt('CreatedDate'), str('AppMenuItemId')],
  },
  {
    name: 'EntityDefinition',
    label: 'Entity Definition',
    keyPrefix: null,
    api: 'both',
    keyColumn: 'DurableId',
    columns: [
      id,
      str('DurableId'),
      str('QualifiedApiName'),
      str('DeveloperName'),
      str('Label'),
      str('KeyPrefix'),
      pick('InternalSharingModel'),
      pick('ExternalSharingModel'),
      bool('IsCustomizable'),
      bool('IsQueryable'),
    ],
  },
  ...['EntityParticle', 'FieldDefinition'].map(
    (name): SetupTableSchema => ({
      name,
      label: name === 'EntityParticle' ? 'Entity Particle' : 'Field Definition',
      keyPrefix: null,
      api: 'both',
      keyColumn: 'DurableId',
      columns: [
        id,
        str('DurableId'),
        ref('EntityDefinitionId', ['EntityDefinition'], 'EntityDefinition'),
        str('QualifiedApiName'),
        str('DeveloperName'),
        str('Label'),
        str('DataType'),
        pick('ValueTypeId'),
        bool('IsPermissionable'),
        bool('IsNillable'),
        bool('IsCreatable'),
        bool('IsUpdatable'),
        bool('IsCalculated'),
        bool('IsCompound'),
      ],
    })
  ),
  // computed per query for the one user the filter names (see userAccess.ts): no stored rows
  {
    name: 'UserEntityAccess',
    label: 'User Entity Access',
    keyPrefix: null,
    api: 'both',
    keyColumn: 'DurableId',
    columns: [
      id,
      str('DurableId'),
      ref('EntityDefinitionId', ['EntityDefinition'], 'EntityDefinition'),
      ref('UserId', ['User'], 'User'),
      bool('IsReadable'),
      bool('IsCreatable'),
      bool('IsEditable'),
      bool('IsDeletable'),
      bool('IsUndeletable'),
      bool('IsMergeable'),
    ],
  },
  {
    name: 'UserFieldAccess',
    label: 'User Field Access',
    keyPrefix: null,
    api: 'both',
    keyColumn: 'DurableId',
    columns: [
      id,
      str('DurableId'),
      ref('EntityDefinitionId', ['EntityDefinition'], 'EntityDefinition'),
      ref('UserId', ['User'], 'User'),
      bool('IsAccessible'),
      bool('IsUpdatable'),
      bool('IsCreatable'),
    ],
  },
  {
    name: 'PermissionDependency',
    label: 'Permission Dependency',
    keyPrefix: KEY_PREFIX.PermissionDependency,
    api: 'tooling',
    columns: [id, str('Permission'), pick('PermissionType'), str('RequiredPermission'), pick('RequiredPermissionType')],
  },
  {
    name: 'SandboxProcess',
    label: 'Sandbox',
    keyPrefix: '0GR',
    api: 'both',
    columns: [id, str('SandboxName'), pick('Status'), pick('LicenseType'), str('SandboxOrganization'), dt('EndDate'), ...audit],
  },
];

export const SETUP_TABLE_BY_NAME = new Map(SETUP_TABLES.map((t) => [t.name, t]));
