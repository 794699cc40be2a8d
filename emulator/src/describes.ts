/*
 * Object describes: the real fixtures in emulator/fixtures/describe/ adjusted by the
 * org state (person accounts, extra objects/fields, absent ones), plus synthesized describes of the
 * setup objects the emulator serves (PermissionSet with one Permissions<Name> field per system
 * permission this org has, …).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjectExtra, OrgState } from './orgState.js';
import { SETUP_TABLES, type ApiSurface, type ColumnType, type SetupTableSchema } from './schema.js';

export type DescribeField = {
  [key: string]: unknown;
  name: string;
  type: string;
  label: string;
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  permissionable: boolean;
  custom: boolean;
  referenceTo: string[] | null;
  relationshipName: string | null;
};

export type SObjectDescribe = {
  [key: string]: unknown;
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string | null;
  custom: boolean;
  queryable: boolean;
  createable: boolean;
  updateable: boolean;
  deletable: boolean;
  fields: DescribeField[];
  urls: Record<string, string>;
};

export type DescribeCatalog = {
  /** system permission names that exist in this org */
  availablePermissions: Set<string>;
  /** case-insensitive look-up of any object (data or setup) */
  get(name: string): SObjectDescribe | undefined;
  /** the objects of the org's data model (fixtures + extra − absent), canonical names */
  dataObjectNames(): string[];
  /** every object name (data and setup) */
  allNames(): string[];
  /** which API serves the object */
  api(name: string): ApiSurface;
  /** a field of an object, case-insensitive */
  field(objectName: string, fieldName: string): DescribeField | undefined;
};

export const FIXTURE_OBJECTS = ['Account', 'Contact', 'Lead', 'Opportunity', 'Case', 'Event', 'Task', 'User'] as const;
export const API_VERSION = '62.0';

/** The repository root (two levels above emulator/src or emulator/lib). */
export const repoRoot = (): string => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Salesforce fixtures vendored in this repository (emulator/fixtures; provenance in its README.md). */
export const fixturesDir = (): string => path.resolve(repoRoot(), 'emulator', 'fixtures');

/** A fixture file (relative path) in fixturesDir(). */
export const fixtureFile = (relative: string): string => path.join(fixturesDir(), relative);

const fixtureCache = new Map<string, unknown>();
const cached = <T>(key: string, load: () => T): T => {
  const dir = fixturesDir();
  const k = `${dir}\u0000${key}`;
  if (!fixtureCache.has(k)) fixtureCache.set(k, load());
  return fixtureCache.get(k) as T;
};

const loadFixtureDescribe = (name: string): SObjectDescribe =>
  cached(`describe:${name}`, () => JSON.parse(readFileSync(fixtureFile(path.join('describe', `${name}.json`)), 'utf8')) as SObjectDescribe);

/** Every system permission name known to the API version of the fixtures (user-permissions.txt). */
export const allUserPermissions = (): string[] =>
  cached('perms', () =>
    readFileSync(fixtureFile('user-permissions.txt'), 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l.length > 0)
  );

/** Permission name -> label admins see (for the names that have one). */
export const userPermissionLabels = (): Map<string, string> =>
  cached('labels', () => {
    const map = new Map<string, string>();
    const file = fixtureFile('user-permission-labels.tsv');
    if (!existsSync(file)) return map;
    const lines = readFileSync(file, 'utf8').split(/\r?\n/);
    for (const line of lines.slice(1)) {
      const [name, label] = line.split('\t');
      if (name && label) map.set(name, label);
    }
    return map;
  });

/** System permissions that exist in an org with this state. */
export const availablePermissionsFor = (state: OrgState): Set<string> => {
  const absent = new Set(state.absentPermissions ?? []);
  const out = new Set<string>();
  for (const p of allUserPermissions()) {
    if (absent.has(p)) continue;
    if (p === 'UseAnyApiClient' && state.apiAccessControl !== true) continue;
    out.add(p);
  }
  return out;
};

const SOAP_TYPE: Record<string, string> = {
  id: 'tns:ID',
  reference: 'tns:ID',
  boolean: 'xsd:boolean',
  int: 'xsd:int',
  double: 'xsd:double',
  currency: 'xsd:double',
  percent: 'xsd:double',
  datetime: 'xsd:dateTime',
  date: 'xsd:date',
  time: 'xsd:time',
  address: 'urn:address',
  location: 'urn:location',
  base64: 'xsd:base64Binary',
  anyType: 'xsd:anyType',
};

export type FieldSpec = {
  name: string;
  type?: string;
  label?: string;
  nillable?: boolean;
  createable?: boolean;
  updateable?: boolean;
  permissionable?: boolean;
  custom?: boolean;
  referenceTo?: string[] | null;
  relationshipName?: string | null;
};

const labelFromName = (name: string): string =>
  name
    .replace(/__c$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();

/** A describe field with the same keys as the real fixtures. */
export const makeField = (spec: FieldSpec): DescribeField => {
  const template = loadFixtureDescribe('Account').fields[0];
  const type = spec.type ?? 'string';
  const isText = ['string', 'textarea', 'email', 'phone', 'url', 'picklist', 'multipicklist', 'combobox', 'encryptedstring'].includes(type);
  const length = type === 'id' || type === 'reference' ? 18 : isText ? (type === 'textarea' ? 32_000 : 255) : 0;
  const field: DescribeField = {
    ...template,
    aggregatable: type !== 'textarea',
    byteLength: length * 3,
    calculated: false,
    createable: spec.createable ?? type !== 'id',
    custom: spec.custom ?? spec.name.endsWith('__c'),
    defaultedOnCreate: type === 'boolean' || type === 'id',
    filterable: type !== 'textarea',
    groupable: type !== 'textarea' && type !== 'double',
    idLookup: type === 'id',
    label: spec.label ?? (type === 'id' ? 'Record ID' : labelFromName(spec.name)),
    length,
    name: spec.name,
    nameField: spec.name === 'Name',
    nillable: spec.nillable ?? (type !== 'id' && type !== 'boolean'),
    permissionable: spec.permissionable ?? false,
    picklistValues: [],
    referenceTo: spec.referenceTo ?? (type === 'reference' ? [] : []),
    relationshipName: spec.relationshipName ?? null,
    soapType: SOAP_TYPE[type] ?? 'xsd:string',
    sortable: type !== 'textarea',
    type,
    unique: false,
    updateable: spec.updateable ?? (type !== 'id'),
  };
  return field;
};

const describeUrls = (name: string, tooling = false): Record<string, string> => {
  const base = `/services/data/v${API_VERSION}/${tooling ? 'tooling/' : ''}sobjects/${name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
};

/** A minimal describe for an object that has no fixture (an `objects.extra` entry without `field`). */
const minimalObject = (name: string, label?: string): SObjectDescribe => {
  const template = loadFixtureDescribe('Account');
  const custom = name.endsWith('__c');
  const fields: DescribeField[] = [
    makeField({ name: 'Id', type: 'id', nillable: false, createable: false, updateable: false }),
    makeField({ name: 'OwnerId', type: 'reference', referenceTo: ['User'], relationshipName: 'Owner', nillable: false }),
    makeField({ name: 'IsDeleted', type: 'boolean', createable: false, updateable: false }),
    makeField({ name: 'Name', type: 'string', nillable: false, label: `${label ?? labelFromName(name)} Name` }),
    makeField({ name: 'CreatedDate', type: 'datetime', nillable: false, createable: false, updateable: false }),
    makeField({ name: 'CreatedById', type: 'reference', referenceTo: ['User'], relationshipName: 'CreatedBy', nillable: false, createable: false, updateable: false }),
    makeField({ name: 'LastModifiedDate', type: 'datetime', nillable: false, createable: false, updateable: false }),
    makeField({ name: 'LastModifiedById', type: 'reference', referenceTo: ['User'], relationshipName: 'LastModifiedBy', nillable: false, createable: false, updateable: false }),
    makeField({ name: 'SystemModstamp', type: 'datetime', nillable: false, createable: false, updateable: false }),
  ];
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  const keyPrefix = `${custom ? 'a0' : '0X'}${'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.charAt(h % 26)}`;
  return {
    ...template,
    name,
    label: label ?? labelFromName(name),
    labelPlural: `${label ?? labelFromName(name)}s`,
    keyPrefix,
    custom,
    childRelationships: [],
    recordTypeInfos: [],
    fields,
    urls: describeUrls(name),
  };
};

const PERSON_ACCOUNT_FIELDS: FieldSpec[] = [
  { name: 'FirstName', type: 'string', label: 'First Name', permissionable: true },
  { name: 'LastName', type: 'string', label: 'Last Name', permissionable: true },
  { name: 'Salutation', type: 'picklist', label: 'Salutation', permissionable: true },
  { name: 'PersonContactId', type: 'reference', label: 'Person Contact ID', referenceTo: ['Contact'], relationshipName: 'PersonContact', permissionable: false, createable: false, updateable: false },
  { name: 'IsPersonAccount', type: 'boolean', label: 'Is Person Account', permissionable: false, createable: false, updateable: false },
  { name: 'PersonMailingStreet', type: 'textarea', label: 'Mailing Street', permissionable: true },
  { name: 'PersonMailingCity', type: 'string', label: 'Mailing City', permissionable: true },
  { name: 'PersonMailingState', type: 'string', label: 'Mailing State/Province', permissionable: true },
  { name: 'PersonMailingPostalCode', type: 'string', label: 'Mailing Zip/Postal Code', permissionable: true },
  { name: 'PersonMailingCountry', type: 'string', label: 'Mailing Country', permissionable: true },
  { name: 'PersonMobilePhone', type: 'phone', label: 'Mobile', permissionable: true },
  { name: 'PersonHomePhone', type: 'phone', label: 'Home Phone', permissionable: true },
  { name: 'PersonOtherPhone', type: 'phone', label: 'Other Phone', permissionable: true },
  { name: 'PersonAssistantPhone', type: 'phone', label: 'Asst. Phone', permissionable: true },
  { name: 'PersonEmail', type: 'email', label: 'Email', permissionable: true },
  { name: 'PersonTitle', type: 'string', label: 'Title', permissionable: true },
  { name: 'PersonDepartment', type: 'string', label: 'Department', permissionable: true },
  { name: 'PersonBirthdate', type: 'date', label: 'Birthdate', permissionable: true },
  { name: 'PersonLeadSource', type: 'picklist', label: 'Lead Source', permissionable: true },
];

const setupDescribe = (schema: SetupTableSchema, perms: Set<string>, labels: Map<string, string>): SObjectDescribe => {
  const template = loadFixtureDescribe('Account');
  const fields: DescribeField[] = schema.columns.map((c) =>
    makeField({
      name: c.name,
      type: c.type,
      label: c.label,
      nillable: c.nillable ?? (c.type !== 'boolean' && c.type !== 'id'),
      referenceTo: c.referenceTo ?? [],
      relationshipName: c.relationshipName ?? null,
      createable: schema.createable === true && c.type !== 'id',
      updateable: false,
      custom: false,
    })
  );
  if (schema.permissionColumns) {
    for (const p of perms) {
      fields.push(
        makeField({ name: `Permissions${p}`, type: 'boolean', label: labels.get(p) ?? labelFromName(p), createable: true, updateable: true, custom: false })
      );
    }
  }
  return {
    ...template,
    name: schema.name,
    label: schema.label,
    labelPlural: `${schema.label}s`,
    keyPrefix: schema.keyPrefix,
    custom: false,
    createable: schema.createable === true,
    updateable: false,
    deletable: schema.createable === true,
    queryable: true,
    layoutable: false,
    searchable: false,
    childRelationships: [],
    recordTypeInfos: [],
    fields,
    urls: describeUrls(schema.name, schema.api === 'tooling'),
  };
};

/**
 * External Client App objects (API 59.0+), queryable through the REST data API and Tooling: the app
 * header, its OAuth settings (one boolean OauthScopes<SCOPE> column per scope) and its OAuth policy
 * configuration. Column names follow the sObjects of a real org (ExternalClientApplication,
 * ExtlClntAppOauthSettings, ExtlClntAppOauthPlcyCnfg); the key prefixes are the emulator's own.
 */
export const ECA_SCOPE_COLUMNS: ReadonlyArray<readonly [scope: string, column: string]> = [
  ['id', 'OauthScopesSSO'],
  ['api', 'OauthScopesAPI'],
  ['web', 'OauthScopesWEB'],
  ['full', 'OauthScopesFULL'],
  ['refresh_token', 'OauthScopesREFRESH_TOKEN'],
  ['offline_access', 'OauthScopesOFFLINE_ACCESS'],
  ['openid', 'OauthScopesOPENID'],
  ['profile', 'OauthScopesPROFILE'],
  ['email', 'OauthScopesEMAIL'],
  ['address', 'OauthScopesADDRESS'],
  ['phone', 'OauthScopesPHONE'],
  ['custom_permissions', 'OauthScopesCUSTOM_PERMISSIONS'],
  ['visualforce', 'OauthScopesVF'],
  ['content', 'OauthScopesCONTENT'],
  ['lightning', 'OauthScopesLIGHTNING'],
  ['chatter_api', 'OauthScopesCHATTER_REST_API'],
  ['wave_api', 'OauthScopesWAVE_REST_API'],
  ['eclair_api', 'OauthScopesECLAIR_REST_API'],
  ['pardot_api', 'OauthScopesPARDOT_API'],
  ['interaction_api', 'OauthScopesINTERACTION_API'],
  ['forgot_password', 'OauthScopesFORGOT_PASSWORD'],
  ['user_registration_api', 'OauthScopesUSER_REGISTRATION_API'],
  ['pwdless_login_api', 'OauthScopesPWDLESS_LOGIN_API'],
  ['einstein_gpt_api', 'OauthScopesEINSTEIN_GPT_API'],
  ['chatbot_api', 'OauthScopesCHATBOT_API'],
  ['sfap_api', 'OauthScopesSFAP_API'],
  ['cdp_api', 'OauthScopesCDP_API'],
  ['cdp_query_api', 'OauthScopesCDP_QUERY_API'],
  ['cdp_profile_api', 'OauthScopesCDP_PROFILE_API'],
  ['cdp_ingest_api', 'OauthScopesCDP_INGEST_API'],
  ['cdp_segment_api', 'OauthScopesCDP_SEGMENT_API'],
  ['cdp_identityresolution_api', 'OauthScopesCDP_IDENTITYRESOLUTION_API'],
  ['cdp_calculated_insight_api', 'OauthScopesCDP_CALCULATED_INSIGHT_API'],
  ['hub_api', 'OauthScopesHUB_API'],
];

export const ECA_KEY_PREFIX = { ExternalClientApplication: '0xI', ExtlClntAppOauthSettings: '0xS', ExtlClntAppOauthPlcyCnfg: '0xP' } as const;

const ecaColumn = (name: string, type: ColumnType, extra: Partial<SetupTableSchema['columns'][number]> = {}): SetupTableSchema['columns'][number] => ({
  name,
  type,
  nillable: type !== 'boolean' && type !== 'id',
  ...extra,
});
const ECA_AUDIT = [
  ecaColumn('CreatedDate', 'datetime'),
  ecaColumn('CreatedById', 'reference', { referenceTo: ['User'], relationshipName: 'CreatedBy' }),
  ecaColumn('LastModifiedDate', 'datetime'),
  ecaColumn('LastModifiedById', 'reference', { referenceTo: ['User'], relationshipName: 'LastModifiedBy' }),
  ecaColumn('SystemModstamp', 'datetime'),
];
const ECA_HEADER = [
  ecaColumn('Id', 'id'),
  ecaColumn('DeveloperName', 'string'),
  ecaColumn('MasterLabel', 'string'),
  ecaColumn('NamespacePrefix', 'string'),
  ecaColumn('Language', 'picklist'),
  ecaColumn('IsDeleted', 'boolean'),
];
const ecaParent = ecaColumn('ExternalClientApplicationId', 'reference', {
  referenceTo: ['ExternalClientApplication'],
  relationshipName: 'ExternalClientApplication',
});

export const ECA_TABLES: SetupTableSchema[] = [
  {
    name: 'ExternalClientApplication',
    label: 'External Client Application',
    keyPrefix: ECA_KEY_PREFIX.ExternalClientApplication,
    api: 'both',
    columns: [
      ...ECA_HEADER,
      ecaColumn('ContactEmail', 'email'),
      ecaColumn('ContactPhone', 'phone'),
      ecaColumn('Description', 'textarea'),
      ecaColumn('DistributionState', 'picklist'),
      ecaColumn('ManagedType', 'picklist'),
      ecaColumn('OrgScopedExternalApp', 'string'),
      ...ECA_AUDIT,
    ],
  },
  {
    name: 'ExtlClntAppOauthSettings',
    label: 'External Client App OAuth Settings',
    keyPrefix: ECA_KEY_PREFIX.ExtlClntAppOauthSettings,
    api: 'both',
    columns: [
      ...ECA_HEADER,
      ecaParent,
      ecaColumn('ExtlClntAppOauthOptionsFirstPartyAppEnabled', 'boolean'),
      ecaColumn('OauthLink', 'string'),
      ecaColumn('SingleLogoutUrl', 'url'),
      ecaColumn('ClientAssertionCertificate', 'string'),
      ...ECA_SCOPE_COLUMNS.map(([, column]) => ecaColumn(column, 'boolean')),
      ...ECA_AUDIT,
    ],
  },
  {
    name: 'ExtlClntAppOauthPlcyCnfg',
    label: 'External Client App OAuth Policy Configuration',
    keyPrefix: ECA_KEY_PREFIX.ExtlClntAppOauthPlcyCnfg,
    api: 'both',
    columns: [
      ...ECA_HEADER,
      ecaParent,
      ecaColumn('ExtlClntAppOauthSettingsId', 'reference', { referenceTo: ['ExtlClntAppOauthSettings'], relationshipName: 'ExtlClntAppOauthSettings' }),
      ecaColumn('PermittedUsersPolicyType', 'picklist'),
      ecaColumn('IpRelaxationPolicyType', 'picklist'),
      ecaColumn('RefreshTokenPolicyType', 'picklist'),
      ecaColumn('RefreshTokenValidityPeriod', 'int'),
      ecaColumn('RefreshTokenValidityUnit', 'picklist'),
      ecaColumn('SessionTimeoutInMinutes', 'int'),
      ecaColumn('PolicyAction', 'picklist'),
      ecaColumn('RequiredSessionLevel', 'picklist'),
      ecaColumn('IsClientCredentialsFlowEnabled', 'boolean'),
      ecaColumn('ClientCredentialsFlowUser', 'string'),
      ecaColumn('IsTokenExchangeFlowEnabled', 'boolean'),
      ecaColumn('StartUrl', 'url'),
      ...ECA_AUDIT,
    ],
  },
];

/** Every setup table the emulator serves: the shared schema list plus the External Client App objects. */
const ALL_SETUP_TABLES: SetupTableSchema[] = [...SETUP_TABLES, ...ECA_TABLES];

const setupCache = new Map<string, Map<string, SObjectDescribe>>();

/** The setup objects' describes for a set of available permissions (cached: they are large). */
const setupDescribes = (perms: Set<string>): Map<string, SObjectDescribe> => {
  const key = `${fixturesDir()}\u0000${[...perms].join(',')}`;
  let setup = setupCache.get(key);
  if (!setup) {
    const labels = userPermissionLabels();
    setup = new Map(ALL_SETUP_TABLES.map((schema) => [schema.name, setupDescribe(schema, perms, labels)]));
    if (setupCache.size > 8) setupCache.clear();
    setupCache.set(key, setup);
  }
  return setup;
};

/** The fixture objects' describes, with the Person Account fields when the org has them. */
const fixtureDataObjects = (state: OrgState): Map<string, SObjectDescribe> => {
  const data = new Map<string, SObjectDescribe>();
  for (const name of FIXTURE_OBJECTS) {
    const base = loadFixtureDescribe(name);
    data.set(name, { ...base, fields: [...base.fields], urls: describeUrls(name) });
  }
  const account = data.get('Account');
  if (state.personAccounts === true && account) {
    const have = new Set(account.fields.map((f) => f.name));
    for (const spec of PERSON_ACCOUNT_FIELDS) if (!have.has(spec.name)) account.fields.push(makeField(spec));
  }
  return data;
};

const findDataObject = (data: Map<string, SObjectDescribe>, name: string): SObjectDescribe | undefined => {
  const lower = name.toLowerCase();
  for (const [k, v] of data) if (k.toLowerCase() === lower) return v;
  return undefined;
};

/** `objects.extra`: objects the org adds (minimal describes) and fields added to or replaced on any object. */
const addExtras = (data: Map<string, SObjectDescribe>, extras: ObjectExtra[]): void => {
  for (const extra of extras) {
    let obj = findDataObject(data, extra.object);
    if (!obj) {
      obj = minimalObject(extra.object, extra.field ? undefined : extra.label);
      data.set(extra.object, obj);
    }
    if (!extra.field) continue;
    const existing = obj.fields.findIndex((f) => f.name.toLowerCase() === extra.field?.toLowerCase());
    const field = makeField({
      name: extra.field,
      type: extra.type ?? 'string',
      label: extra.label,
      permissionable: extra.permissionable ?? true,
      nillable: extra.nillable ?? true,
    });
    if (existing >= 0) obj.fields[existing] = field;
    else obj.fields.push(field);
  }
};

/** `objects.absent`: objects ('Lead') or fields ('Account.Rating') the org does not have. */
const removeAbsent = (data: Map<string, SObjectDescribe>, absent: string[]): void => {
  for (const entry of absent) {
    const [objectName, fieldName] = entry.split('.');
    const obj = findDataObject(data, objectName);
    if (!obj) continue;
    if (fieldName) obj.fields = obj.fields.filter((f) => f.name.toLowerCase() !== fieldName.toLowerCase());
    else data.delete(obj.name);
  }
};

/** Builds the describes of an org with this state. Unknown `objects.absent` entries are ignored. */
export const buildDescribes = (state: OrgState): DescribeCatalog => {
  const data = fixtureDataObjects(state);
  addExtras(data, state.objects?.extra ?? []);
  removeAbsent(data, state.objects?.absent ?? []);

  const availablePermissions = availablePermissionsFor(state);
  const setup = setupDescribes(availablePermissions);
  const surfaces = new Map<string, ApiSurface>();
  for (const schema of ALL_SETUP_TABLES) surfaces.set(schema.name.toLowerCase(), schema.api);
  const byLower = new Map<string, SObjectDescribe>();
  for (const [k, v] of data) {
    byLower.set(k.toLowerCase(), v);
    surfaces.set(k.toLowerCase(), 'data');
  }
  // User is both a data object (fixture describe) and readable from Tooling
  surfaces.set('user', 'both');
  for (const [k, v] of setup) byLower.set(k.toLowerCase(), v);
  const fieldIndex = new Map<string, Map<string, DescribeField>>();

  return {
    availablePermissions,
    get: (name) => byLower.get(name.toLowerCase()),
    dataObjectNames: () => [...data.keys()],
    allNames: () => [...data.keys(), ...setup.keys()],
    api: (name) => surfaces.get(name.toLowerCase()) ?? 'data',
    field(objectName, fieldName): DescribeField | undefined {
      const obj = byLower.get(objectName.toLowerCase());
      if (!obj) return undefined;
      let idx = fieldIndex.get(obj.name);
      if (!idx) {
        idx = new Map(obj.fields.map((f) => [f.name.toLowerCase(), f]));
        fieldIndex.set(obj.name, idx);
      }
      return idx.get(fieldName.toLowerCase());
    },
  };
};

/** The column type of a describe field as the SOQL engine sees it. */
export const columnTypeOf = (f: DescribeField): ColumnType => f.type as ColumnType;
