/*
 * Compiles an OrgState into Salesforce tables (User, Profile, PermissionSet, ObjectPermissions, …)
 * with stable generated Ids, indexed for the SOQL engine.
 */
import type { FieldAccessName, ObjectAccessName, OrgState, PermissionBundle } from './orgState.js';
import { OBJECT_ACCESS_REQUIRES, SYSTEM_PERMISSION_REQUIRES } from './rules.js';
import type { DescribeCatalog } from './describes.js';
import { IdFactory, idKey, KEY_PREFIX } from './ids.js';
import { SETUP_TABLE_BY_NAME, type ApiSurface } from './schema.js';
import { ECA_KEY_PREFIX, ECA_SCOPE_COLUMNS } from './describes.js';
import { ecaIpRelaxation, ecaPermittedUsers, ecaRefreshTokenPolicy, isExternalClientApp } from './metadata/readMetadata.js';

export type Row = Record<string, unknown>;

export type Lookup = {
  /** the Id column, canonical spelling */
  column: string;
  relationshipName: string;
  /** target tables; when several, the Id's key prefix picks one */
  targets: string[];
};

export type Table = {
  name: string;
  api: ApiSurface;
  keyPrefix: string | null;
  keyColumn: string;
  /** lower-case column name -> canonical */
  columns: Map<string, string>;
  /** canonical column -> describe type */
  types: Map<string, string>;
  /** lower-case relationship name -> lookup */
  relationships: Map<string, Lookup>;
  rows: Row[];
  /** values of columns a row does not carry itself (audit dates, …) */
  defaults: Row;
  /** rows carry a Set of granted system permission names under PERMS */
  permissionColumns: boolean;
};

/** Where a PermissionSet / MutingPermissionSet row keeps its granted system permissions. */
export const PERMS = '__perms';
/** Where a row keeps the state name it was compiled from (for write-backs). */
export const SOURCE = '__source';

export type RowSource =
  | { kind: 'profile'; name: string }
  | { kind: 'permissionSet'; name: string }
  | { kind: 'group'; name: string }
  | { kind: 'muting'; name: string; group: string }
  | { kind: 'user'; name: string }
  | { kind: 'psl'; name: string }
  | { kind: 'app'; name: string };

export const FIXED_DATE = '2024-01-15T10:00:00.000+0000';

const ID_TYPES = new Set(['id', 'reference']);

/** A normalised key for equality and indexes: Ids by their 15-character form, strings case-insensitive. */
export const valueKey = (type: string | undefined, value: unknown): string => {
  if (value === null || value === undefined) return '\u0000null';
  if (typeof value === 'string') return type && ID_TYPES.has(type) ? `s:${idKey(value)}` : `s:${value.toLowerCase()}`;
  if (typeof value === 'boolean') return `b:${String(value)}`;
  if (typeof value === 'number') return `n:${value}`;
  return `x:${JSON.stringify(value)}`;
};

export class Db {
  public readonly tables = new Map<string, Table>();
  public readonly orgId: string;
  private readonly indexes = new Map<Table, Map<string, Map<string, Row[]>>>();
  private readonly prefixToTable = new Map<string, Table>();

  public constructor(orgId: string, tables: Table[]) {
    this.orgId = orgId;
    for (const t of tables) {
      this.tables.set(t.name.toLowerCase(), t);
      if (t.keyPrefix && t.keyPrefix !== '000' && !this.prefixToTable.has(t.keyPrefix)) this.prefixToTable.set(t.keyPrefix, t);
    }
  }

  public table(name: string): Table | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The table whose key prefix an Id carries. */
  public tableForId(id: string): Table | undefined {
    return this.prefixToTable.get(id.slice(0, 3));
  }

  /** A column value of a row (computed Permissions<Name> columns and defaults included). */
  public value(table: Table, row: Row, column: string): unknown {
    if (Object.prototype.hasOwnProperty.call(row, column)) return row[column];
    if (table.permissionColumns && column.startsWith('Permissions')) {
      const perms = row[PERMS] as ReadonlySet<string> | undefined;
      return perms ? perms.has(column.slice('Permissions'.length)) : false;
    }
    if (Object.prototype.hasOwnProperty.call(table.defaults, column)) return table.defaults[column];
    return table.types.get(column) === 'boolean' ? false : null;
  }

  /** Rows whose column equals the value (built on first use, then cached). */
  public lookup(table: Table, column: string, value: unknown): Row[] {
    return this.index(table, column).get(valueKey(table.types.get(column), value)) ?? [];
  }

  public index(table: Table, column: string): Map<string, Row[]> {
    let perTable = this.indexes.get(table);
    if (!perTable) {
      perTable = new Map();
      this.indexes.set(table, perTable);
    }
    let idx = perTable.get(column);
    if (!idx) {
      idx = new Map();
      const type = table.types.get(column);
      for (const row of table.rows) {
        const k = valueKey(type, this.value(table, row, column));
        const list = idx.get(k);
        if (list) list.push(row);
        else idx.set(k, [row]);
      }
      perTable.set(column, idx);
    }
    return idx;
  }

  /** Follows a lookup from a row: the target table and row, or undefined when empty/unknown. */
  public follow(lookup: Lookup, value: unknown): { table: Table; row: Row } | undefined {
    if (typeof value !== 'string' || value.length === 0) return undefined;
    const candidates = lookup.targets.map((t) => this.table(t)).filter((t): t is Table => t !== undefined);
    let targets = candidates;
    if (candidates.length > 1) {
      const byPrefix = candidates.filter((t) => t.keyPrefix === value.slice(0, 3));
      if (byPrefix.length > 0) targets = byPrefix;
    }
    for (const t of targets) {
      const rows = this.lookup(t, t.keyColumn, value);
      if (rows.length > 0) return { table: t, row: rows[0] };
    }
    return undefined;
  }

  /** A row by its Id in any table. */
  public rowById(id: string): { table: Table; row: Row } | undefined {
    const t = this.tableForId(id);
    if (!t) return undefined;
    const rows = this.lookup(t, 'Id', id);
    return rows.length > 0 ? { table: t, row: rows[0] } : undefined;
  }
}

type CanonicalBundle = {
  perms: Set<string>;
  objects: Map<string, Set<ObjectAccessName>>;
  fields: Map<string, FieldAccessName>;
};

const LICENSE_KEYS: Record<string, string> = {
  Salesforce: 'SFDC',
  'Salesforce Platform': 'AUL',
  'Salesforce Integration': 'SFDC_INTEGRATION',
  'Chatter Free': 'PID_Chatter',
  'Chatter External': 'PID_Chatter_External',
  'Identity': 'PID_Identity',
};

const sharingDefault = (object: string): string => (object === 'Contact' ? 'ControlledByParent' : 'ReadWrite');

const splitName = (username: string): { first: string; last: string } => {
  const local = username.split('@')[0];
  const parts = local.split(/[._-]+/).filter(Boolean);
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  if (parts.length >= 2) return { first: cap(parts[0]), last: parts.slice(1).map(cap).join(' ') };
  return { first: '', last: cap(local) };
};

/** The refresh-token policy columns of ConnectedApplication for a manifest-style policy. */
const refreshColumns = (policy: string | undefined): { metric: boolean; period: number | null } => {
  if (!policy || policy === 'infinite') return { metric: false, period: null };
  if (policy === 'zero') return { metric: true, period: 0 };
  const m = /^specific_lifetime:(\d+):/i.exec(policy);
  if (m) return { metric: true, period: Number(m[1]) };
  return { metric: false, period: null };
};

/**
 * Compiles a (validated) state into tables. Deterministic: the same state gives the same Ids.
 */
export const compileTables = (state: OrgState, describes: DescribeCatalog): Db => {
  const ids = new IdFactory();
  const rowsOf = new Map<string, Row[]>();
  const push = (table: string, row: Row): Row => {
    let list = rowsOf.get(table);
    if (!list) {
      list = [];
      rowsOf.set(table, list);
    }
    list.push(row);
    return row;
  };

  const canonObject = (name: string): string => describes.get(name)?.name ?? name;
  const canonField = (qualified: string): string => {
    const [o, f] = qualified.split('.');
    const obj = canonObject(o);
    return `${obj}.${describes.field(obj, f)?.name ?? f}`;
  };
  const canon = (b: PermissionBundle): CanonicalBundle => {
    const objects = new Map<string, Set<ObjectAccessName>>();
    for (const [o, acc] of Object.entries(b.objectPermissions ?? {})) {
      const key = canonObject(o);
      const set = objects.get(key) ?? new Set<ObjectAccessName>();
      for (const a of acc) set.add(a);
      objects.set(key, set);
    }
    const fields = new Map<string, FieldAccessName>();
    for (const [f, a] of Object.entries(b.fieldPermissions ?? {})) {
      const key = canonField(f);
      fields.set(key, fields.get(key) === 'edit' || a === 'edit' ? 'edit' : 'read');
    }
    return { perms: new Set(b.systemPermissions ?? []), objects, fields };
  };

  const orgName = state.name ?? 'Acme Corporation';
  const orgId = ids.id(KEY_PREFIX.Organization, 'Organization', orgName);
  const edition = state.edition ?? 'Enterprise';
  push('Organization', {
    Id: orgId,
    Name: orgName,
    OrganizationType: `${edition} Edition`,
    IsSandbox: state.isSandbox === true,
    InstanceName: state.isSandbox === true ? 'CS42' : 'NA135',
    NamespacePrefix: null,
    TrialExpirationDate: null,
    Country: 'US',
    LanguageLocaleKey: 'en_US',
    DefaultLocaleSidKey: 'en_US',
    TimeZoneSidKey: 'America/Los_Angeles',
  });

  // licences
  const licenceIds = new Map<string, string>();
  const licenceNames = new Set(['Salesforce', 'Salesforce Platform', 'Salesforce Integration']);
  for (const p of state.profiles ?? []) licenceNames.add(p.userLicense);
  const usersPerLicence = new Map<string, number>();
  const profileByName = new Map((state.profiles ?? []).map((p) => [p.name, p]));
  for (const u of state.users ?? []) {
    const l = profileByName.get(u.profile)?.userLicense;
    if (l && u.isActive !== false) usersPerLicence.set(l, (usersPerLicence.get(l) ?? 0) + 1);
  }
  for (const name of licenceNames) {
    const id = ids.id(KEY_PREFIX.UserLicense, 'UserLicense', name);
    licenceIds.set(name, id);
    push('UserLicense', {
      Id: id,
      Name: name,
      MasterLabel: name,
      LicenseDefinitionKey: LICENSE_KEYS[name] ?? name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
      Status: 'Active',
      TotalLicenses: 100,
      UsedLicenses: usersPerLicence.get(name) ?? 0,
    });
  }
  const pslIds = new Map<string, string>();
  for (const l of state.permissionSetLicenses ?? []) {
    const id = ids.id(KEY_PREFIX.PermissionSetLicense, 'PermissionSetLicense', l.developerName);
    pslIds.set(l.developerName, id);
    const used = (state.users ?? []).filter((u) => (u.permissionSetLicenses ?? []).includes(l.developerName)).length;
    push('PermissionSetLicense', {
      Id: id,
      DeveloperName: l.developerName,
      MasterLabel: l.label ?? l.developerName,
      Status: 'Active',
      TotalLicenses: 50,
      UsedLicenses: used,
      [SOURCE]: { kind: 'psl', name: l.developerName } satisfies RowSource,
    });
  }

  const addBundleRows = (parentId: string, parentKey: string, b: CanonicalBundle): void => {
    for (const [object, access] of b.objects) {
      push('ObjectPermissions', {
        Id: ids.id(KEY_PREFIX.ObjectPermissions, 'ObjectPermissions', `${parentKey}\u0000${object}`),
        ParentId: parentId,
        SobjectType: object,
        PermissionsRead: access.has('read'),
        PermissionsCreate: access.has('create'),
        PermissionsEdit: access.has('edit'),
        PermissionsDelete: access.has('delete'),
        PermissionsViewAllRecords: access.has('viewAll'),
        PermissionsModifyAllRecords: access.has('modifyAll'),
        PermissionsViewAllFields: access.has('viewAllFields'),
      });
    }
    for (const [field, access] of b.fields) {
      push('FieldPermissions', {
        Id: ids.id(KEY_PREFIX.FieldPermissions, 'FieldPermissions', `${parentKey}\u0000${field}`),
        ParentId: parentId,
        SobjectType: field.slice(0, field.indexOf('.')),
        Field: field,
        PermissionsRead: true,
        PermissionsEdit: access === 'edit',
      });
    }
  };

  // profiles and their owned permission sets
  const profileIds = new Map<string, string>();
  const ownedSetIds = new Map<string, string>();
  for (const p of state.profiles ?? []) {
    const id = ids.id(KEY_PREFIX.Profile, 'Profile', p.name);
    profileIds.set(p.name, id);
    push('Profile', {
      Id: id,
      Name: p.name,
      UserLicenseId: licenceIds.get(p.userLicense) ?? null,
      UserType: 'Standard',
      Description: null,
      [SOURCE]: { kind: 'profile', name: p.name } satisfies RowSource,
    });
    const psId = ids.id(KEY_PREFIX.PermissionSet, 'ProfilePermissionSet', p.name);
    ownedSetIds.set(p.name, psId);
    const b = canon(p);
    push('PermissionSet', {
      Id: psId,
      Name: `X${id.slice(0, 15)}`,
      Label: p.name,
      Description: null,
      Type: 'Profile',
      IsOwnedByProfile: true,
      ProfileId: id,
      PermissionSetGroupId: null,
      LicenseId: licenceIds.get(p.userLicense) ?? null,
      HasActivationRequired: false,
      IsCustom: true,
      NamespacePrefix: null,
      [PERMS]: b.perms,
      [SOURCE]: { kind: 'profile', name: p.name } satisfies RowSource,
    });
    addBundleRows(psId, `profile:${p.name}`, b);
  }

  // permission sets
  const setIds = new Map<string, string>();
  const setBundles = new Map<string, CanonicalBundle>();
  for (const s of state.permissionSets ?? []) {
    const id = ids.id(KEY_PREFIX.PermissionSet, 'PermissionSet', s.name);
    setIds.set(s.name, id);
    const b = canon(s);
    setBundles.set(s.name, b);
    push('PermissionSet', {
      Id: id,
      Name: s.name,
      Label: s.label ?? s.name.replace(/_/g, ' '),
      Description: s.description ?? null,
      Type: s.sessionBased === true ? 'Session' : 'Regular',
      IsOwnedByProfile: false,
      ProfileId: null,
      PermissionSetGroupId: null,
      LicenseId: s.license ? pslIds.get(s.license) ?? null : null,
      HasActivationRequired: s.sessionBased === true,
      IsCustom: true,
      NamespacePrefix: null,
      [PERMS]: b.perms,
      [SOURCE]: { kind: 'permissionSet', name: s.name } satisfies RowSource,
    });
    addBundleRows(id, `set:${s.name}`, b);
  }

  // permission set groups: group row, aggregate set, muting set, components
  const groupIds = new Map<string, string>();
  const aggregateIds = new Map<string, string>();
  for (const g of state.permissionSetGroups ?? []) {
    const id = ids.id(KEY_PREFIX.PermissionSetGroup, 'PermissionSetGroup', g.name);
    groupIds.set(g.name, id);
    push('PermissionSetGroup', {
      Id: id,
      DeveloperName: g.name,
      MasterLabel: g.label ?? g.name.replace(/_/g, ' '),
      Description: null,
      Status: 'Updated',
      NamespacePrefix: null,
      [SOURCE]: { kind: 'group', name: g.name } satisfies RowSource,
    });
    for (const m of g.members ?? []) {
      const memberId = setIds.get(m);
      if (!memberId) continue;
      push('PermissionSetGroupComponent', {
        Id: ids.id(KEY_PREFIX.PermissionSetGroupComponent, 'PermissionSetGroupComponent', `${g.name}\u0000${m}`),
        PermissionSetGroupId: id,
        PermissionSetId: memberId,
      });
    }
    let muting: CanonicalBundle | undefined;
    if (g.mutingPermissionSet) {
      const m = g.mutingPermissionSet;
      const mId = ids.id(KEY_PREFIX.MutingPermissionSet, 'MutingPermissionSet', m.name);
      muting = canon(m);
      push('MutingPermissionSet', {
        Id: mId,
        DeveloperName: m.name,
        MasterLabel: m.label ?? m.name.replace(/_/g, ' '),
        Description: null,
        NamespacePrefix: null,
        Language: 'en_US',
        [PERMS]: muting.perms,
        [SOURCE]: { kind: 'muting', name: m.name, group: g.name } satisfies RowSource,
      });
      push('PermissionSetGroupComponent', {
        Id: ids.id(KEY_PREFIX.PermissionSetGroupComponent, 'PermissionSetGroupComponent', `${g.name}\u0000muting:${m.name}`),
        PermissionSetGroupId: id,
        PermissionSetId: mId,
      });
      addBundleRows(mId, `muting:${m.name}`, muting);
    }
    const aggregate = aggregateBundle(
      (g.members ?? []).map((m) => setBundles.get(m)).filter((b): b is CanonicalBundle => b !== undefined),
      muting
    );
    const aggId = ids.id(KEY_PREFIX.PermissionSet, 'GroupPermissionSet', g.name);
    aggregateIds.set(g.name, aggId);
    push('PermissionSet', {
      Id: aggId,
      Name: `${g.name}_aggregate`.slice(0, 80),
      Label: g.label ?? g.name.replace(/_/g, ' '),
      Description: null,
      Type: 'Group',
      IsOwnedByProfile: false,
      ProfileId: null,
      PermissionSetGroupId: id,
      LicenseId: null,
      HasActivationRequired: false,
      IsCustom: true,
      NamespacePrefix: null,
      [PERMS]: aggregate.perms,
      [SOURCE]: { kind: 'group', name: g.name } satisfies RowSource,
    });
    addBundleRows(aggId, `group:${g.name}`, aggregate);
  }

  // users, logins, assignments
  const userIds = new Map<string, string>();
  for (const u of state.users ?? []) {
    const id = ids.id(KEY_PREFIX.User, 'User', u.username);
    userIds.set(u.username, id);
    const guess = splitName(u.username);
    const first = u.firstName ?? guess.first;
    const last = u.lastName ?? guess.last;
    const profile = profileByName.get(u.profile);
    push('User', {
      Id: id,
      Username: u.username,
      Email: u.email ?? u.username,
      FirstName: first || null,
      LastName: last,
      Name: first ? `${first} ${last}` : last,
      Alias: (first.charAt(0) + last).toLowerCase().slice(0, 8),
      CommunityNickname: u.username.split('@')[0],
      IsActive: u.isActive !== false,
      ProfileId: profileIds.get(u.profile) ?? null,
      UserType: profile?.userLicense === 'Chatter Free' ? 'CsnOnly' : 'Standard',
      TimeZoneSidKey: 'America/Los_Angeles',
      LocaleSidKey: 'en_US',
      LanguageLocaleKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      [SOURCE]: { kind: 'user', name: u.username } satisfies RowSource,
    });
    push('UserLogin', {
      Id: ids.id(KEY_PREFIX.UserLogin, 'UserLogin', u.username),
      UserId: id,
      IsFrozen: u.isFrozen === true,
      IsPasswordLocked: false,
    });
    const owned = ownedSetIds.get(u.profile);
    if (owned)
      push('PermissionSetAssignment', {
        Id: ids.id(KEY_PREFIX.PermissionSetAssignment, 'PermissionSetAssignment', `${u.username}\u0000profile`),
        AssigneeId: id,
        PermissionSetId: owned,
        PermissionSetGroupId: null,
        IsActive: true,
        ExpirationDate: null,
      });
    for (const s of u.permissionSets ?? []) {
      const psId = setIds.get(s);
      if (!psId) continue;
      push('PermissionSetAssignment', {
        Id: ids.id(KEY_PREFIX.PermissionSetAssignment, 'PermissionSetAssignment', `${u.username}\u0000set:${s}`),
        AssigneeId: id,
        PermissionSetId: psId,
        PermissionSetGroupId: null,
        IsActive: true,
        ExpirationDate: null,
      });
    }
    for (const g of u.permissionSetGroups ?? []) {
      const gId = groupIds.get(g);
      const aggId = aggregateIds.get(g);
      if (!gId || !aggId) continue;
      push('PermissionSetAssignment', {
        Id: ids.id(KEY_PREFIX.PermissionSetAssignment, 'PermissionSetAssignment', `${u.username}\u0000group:${g}`),
        AssigneeId: id,
        PermissionSetId: aggId,
        PermissionSetGroupId: gId,
        IsActive: true,
        ExpirationDate: null,
      });
    }
    for (const l of u.permissionSetLicenses ?? []) {
      const lId = pslIds.get(l);
      if (!lId) continue;
      push('PermissionSetLicenseAssign', {
        Id: ids.id(KEY_PREFIX.PermissionSetLicenseAssign, 'PermissionSetLicenseAssign', `${u.username}\u0000${l}`),
        AssigneeId: id,
        PermissionSetLicenseId: lId,
      });
    }
  }

  // connected apps and external client apps
  for (const app of state.connectedApps ?? []) {
    const installed = app.installed !== false;
    if (app.kind === 'externalClientApp') {
      // An External Client App exists in an org only once created or installed there: the header,
      // its OAuth settings (a boolean column per scope) and its OAuth policies, plus a SetupEntityAccess
      // row per pre-authorizing profile / permission set.
      if (!isExternalClientApp(app)) continue;
      const label = app.label ?? app.name;
      const ecaId = ids.id(ECA_KEY_PREFIX.ExternalClientApplication, 'ExternalClientApplication', app.name);
      push('ExternalClientApplication', {
        Id: ecaId,
        DeveloperName: app.name,
        MasterLabel: label,
        NamespacePrefix: null,
        Language: 'en_US',
        IsDeleted: false,
        ContactEmail: 'admin@example.com',
        DistributionState: 'Local',
        ManagedType: 'Local',
        OrgScopedExternalApp: `${orgId.slice(0, 15)}:${app.name}`,
        [SOURCE]: { kind: 'app', name: app.name } satisfies RowSource,
      });
      const scopes = new Set((app.scopes ?? []).map((x) => x.toLowerCase()));
      const settingsId = ids.id(ECA_KEY_PREFIX.ExtlClntAppOauthSettings, 'ExtlClntAppOauthSettings', app.name);
      const settings: Row = {
        Id: settingsId,
        DeveloperName: `${app.name}_oauth`,
        MasterLabel: `${label} OAuth settings`,
        NamespacePrefix: null,
        Language: 'en_US',
        IsDeleted: false,
        ExternalClientApplicationId: ecaId,
        ExtlClntAppOauthOptionsFirstPartyAppEnabled: false,
        OauthLink: null,
        SingleLogoutUrl: null,
        ClientAssertionCertificate: null,
      };
      for (const [scope, column] of ECA_SCOPE_COLUMNS) settings[column] = scopes.has(scope);
      push('ExtlClntAppOauthSettings', settings);
      const refresh = ecaRefreshTokenPolicy(app.refreshTokenPolicy);
      push('ExtlClntAppOauthPlcyCnfg', {
        Id: ids.id(ECA_KEY_PREFIX.ExtlClntAppOauthPlcyCnfg, 'ExtlClntAppOauthPlcyCnfg', app.name),
        DeveloperName: `${app.name}_oauthPlcy`,
        MasterLabel: `${label} OAuth policies`,
        NamespacePrefix: null,
        Language: 'en_US',
        IsDeleted: false,
        ExternalClientApplicationId: ecaId,
        ExtlClntAppOauthSettingsId: settingsId,
        PermittedUsersPolicyType: ecaPermittedUsers(app.permittedUsers),
        IpRelaxationPolicyType: ecaIpRelaxation(app.ipRelaxation),
        RefreshTokenPolicyType: refresh.type,
        RefreshTokenValidityPeriod: refresh.period ?? null,
        RefreshTokenValidityUnit: refresh.unit ?? null,
        SessionTimeoutInMinutes: null,
        PolicyAction: null,
        RequiredSessionLevel: null,
        IsClientCredentialsFlowEnabled: false,
        ClientCredentialsFlowUser: null,
        IsTokenExchangeFlowEnabled: false,
        StartUrl: null,
      });
      const grantEca = (parentId: string | undefined, key: string): void => {
        if (!parentId) return;
        push('SetupEntityAccess', {
          Id: ids.id(KEY_PREFIX.SetupEntityAccess, 'SetupEntityAccess', `${app.name}\u0000${key}`),
          ParentId: parentId,
          SetupEntityId: ecaId,
          SetupEntityType: 'ExternalClientApplication',
        });
      };
      for (const p of app.profiles ?? []) grantEca(ownedSetIds.get(p), `profile:${p}`);
      for (const ps of app.permissionSets ?? []) grantEca(setIds.get(ps), `set:${ps}`);
    } else if (installed) {
      const appId = ids.id(KEY_PREFIX.ConnectedApplication, 'ConnectedApplication', app.name);
      const refresh = refreshColumns(app.refreshTokenPolicy);
      push('ConnectedApplication', {
        Id: appId,
        Name: app.name,
        OptionsAllowAdminApprovedUsersOnly: app.permittedUsers === 'adminApproved',
        OptionsRefreshTokenValidityMetric: refresh.metric,
        RefreshTokenValidityPeriod: refresh.period,
        OptionsIsInternal: false,
        [SOURCE]: { kind: 'app', name: app.name } satisfies RowSource,
      });
      const grant = (parentId: string | undefined, key: string): void => {
        if (!parentId) return;
        push('SetupEntityAccess', {
          Id: ids.id(KEY_PREFIX.SetupEntityAccess, 'SetupEntityAccess', `${app.name}\u0000${key}`),
          ParentId: parentId,
          SetupEntityId: appId,
          SetupEntityType: 'ConnectedApplication',
        });
      };
      for (const p of app.profiles ?? []) grant(ownedSetIds.get(p), `profile:${p}`);
      for (const s of app.permissionSets ?? []) grant(setIds.get(s), `set:${s}`);
    }
    if (app.kind === 'externalClientApp' && !isExternalClientApp(app)) continue;
    for (const username of app.authorizedUsers ?? []) {
      const uId = userIds.get(username);
      if (!uId) continue;
      push('OauthToken', {
        Id: ids.id(KEY_PREFIX.OauthToken, 'OauthToken', `${app.name}\u0000${username}`),
        AppName: app.label ?? app.name,
        UserId: uId,
        LastUsedDate: FIXED_DATE,
        UseCount: 42,
        CreatedDate: FIXED_DATE,
        AppMenuItemId: null,
      });
    }
  }

  // entity and field definitions of the data model
  const owd = state.orgWideDefaults ?? {};
  const owdLower = new Map(Object.entries(owd).map(([k, v]) => [k.toLowerCase(), v]));
  // PermissionSet too: clients read which Permissions… columns exist from its EntityParticle rows
  for (const name of [...describes.dataObjectNames(), 'PermissionSet']) {
    const d = describes.get(name);
    if (!d) continue;
    const sharing = owdLower.get(name.toLowerCase()) ?? sharingDefault(name);
    push('EntityDefinition', {
      Id: '000000000000000AAA',
      DurableId: name,
      QualifiedApiName: name,
      DeveloperName: name.replace(/__c$/, ''),
      Label: d.label,
      KeyPrefix: d.keyPrefix,
      InternalSharingModel: sharing,
      ExternalSharingModel: sharing === 'ControlledByParent' ? 'ControlledByParent' : 'Private',
      IsCustomizable: true,
      IsQueryable: true,
    });
    for (const f of d.fields) {
      const row: Row = {
        Id: '000000000000000AAA',
        DurableId: `${name}.${f.name}`,
        EntityDefinitionId: name,
        QualifiedApiName: f.name,
        DeveloperName: f.name.replace(/__c$/, ''),
        Label: f.label,
        DataType: f.type,
        ValueTypeId: f.type,
        IsPermissionable: f.permissionable === true,
        IsNillable: f.nillable === true,
        IsCreatable: f.createable === true,
        IsUpdatable: f.updateable === true,
        IsCalculated: f.calculated === true,
        IsCompound: f.type === 'address' || f.type === 'location' || (f.name === 'Name' && ['Contact', 'Lead', 'User'].includes(name)),
      };
      push('EntityParticle', row);
      push('FieldDefinition', { ...row });
    }
  }

  for (const [perm, requires] of Object.entries(SYSTEM_PERMISSION_REQUIRES)) {
    for (const r of requires) {
      push('PermissionDependency', {
        Id: ids.id(KEY_PREFIX.PermissionDependency, 'PermissionDependency', `${perm}\u0000${r}`),
        Permission: perm,
        PermissionType: 'User Permission',
        RequiredPermission: r,
        RequiredPermissionType: 'User Permission',
      });
    }
  }

  // tables from the describes: columns, types, relationships
  const adminId = firstAdminId(state, userIds);
  const tables: Table[] = [];
  for (const name of describes.allNames()) {
    const d = describes.get(name);
    if (!d) continue;
    const columns = new Map<string, string>();
    const types = new Map<string, string>();
    const relationships = new Map<string, Lookup>();
    for (const f of d.fields) {
      columns.set(f.name.toLowerCase(), f.name);
      types.set(f.name, f.type);
      if (f.relationshipName && f.type === 'reference') {
        relationships.set(f.relationshipName.toLowerCase(), {
          column: f.name,
          relationshipName: f.relationshipName,
          targets: f.referenceTo && f.referenceTo.length > 0 ? f.referenceTo : [],
        });
      }
    }
    const schema = SETUP_TABLE_BY_NAME.get(d.name);
    const defaults: Row = {};
    for (const c of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) if (columns.has(c.toLowerCase())) defaults[c] = FIXED_DATE;
    for (const c of ['CreatedById', 'LastModifiedById']) if (columns.has(c.toLowerCase())) defaults[c] = adminId;
    tables.push({
      name: d.name,
      api: describes.api(d.name),
      keyPrefix: d.keyPrefix,
      keyColumn: schema?.keyColumn ?? 'Id',
      columns,
      types,
      relationships,
      rows: rowsOf.get(d.name) ?? [],
      defaults,
      permissionColumns: schema?.permissionColumns === true,
    });
  }
  return new Db(orgId, tables);
};

const firstAdminId = (state: OrgState, userIds: Map<string, string>): string | null => {
  const admin = (state.users ?? []).find((u) => u.profile === 'System Administrator') ?? (state.users ?? [])[0];
  return admin ? userIds.get(admin.username) ?? null : null;
};

/** Union of the members minus what the muting set removes (dependent accesses go with it). */
export const aggregateBundle = (members: CanonicalBundle[], muting?: CanonicalBundle): CanonicalBundle => {
  const perms = new Set<string>();
  const objects = new Map<string, Set<ObjectAccessName>>();
  const fields = new Map<string, FieldAccessName>();
  for (const m of members) {
    for (const p of m.perms) perms.add(p);
    for (const [o, acc] of m.objects) {
      const set = objects.get(o) ?? new Set<ObjectAccessName>();
      for (const a of acc) set.add(a);
      objects.set(o, set);
    }
    for (const [f, a] of m.fields) fields.set(f, fields.get(f) === 'edit' || a === 'edit' ? 'edit' : 'read');
  }
  if (muting) {
    for (const p of muting.perms) perms.delete(p);
    for (const [o, acc] of muting.objects) {
      const set = objects.get(o);
      if (!set) continue;
      for (const a of acc) set.delete(a);
      // drop what no longer has its dependencies
      let changed = true;
      while (changed) {
        changed = false;
        for (const a of [...set]) {
          if (OBJECT_ACCESS_REQUIRES[a].some((need) => !set.has(need))) {
            set.delete(a);
            changed = true;
          }
        }
      }
      if (set.size === 0) objects.delete(o);
    }
    for (const [f, a] of muting.fields) {
      const held = fields.get(f);
      if (!held) continue;
      if (a === 'read') fields.delete(f);
      else if (held === 'edit') fields.set(f, 'read');
    }
  }
  return { perms, objects, fields };
};
