/*
 * Compiles an OrgState into Salesforce tables (User, Profile, PermissionSet, ObjectPermissions, …)
 * with stable generated Ids. Deterministic: the same state gives the same Ids, because Ids are
 * requested in the same order every time (the order of the steps below matters).
 */
import type {
  ConnectedAppState,
  FieldAccessName,
  ObjectAccessName,
  OrgState,
  PermissionBundle,
  PermissionSetGroupState,
  ProfileState,
  UserState,
} from './orgState.js';
import { OBJECT_ACCESS_REQUIRES, SYSTEM_PERMISSION_REQUIRES } from './rules.js';
import { ECA_KEY_PREFIX, ECA_SCOPE_COLUMNS, type DescribeCatalog, type SObjectDescribe } from './describes.js';
import { IdFactory, KEY_PREFIX } from './ids.js';
import { SETUP_TABLE_BY_NAME } from './schema.js';
import { ecaIpRelaxation, ecaPermittedUsers, ecaRefreshTokenPolicy, isExternalClientApp } from './metadata/readMetadata.js';
import { Db, FIXED_DATE, PERMS, SOURCE, type Lookup, type Row, type RowSource, type Table } from './db.js';
import { type CustomPermissionHolder, customPermissionHolders, splitCustomPermissionName } from './customPermissions.js';

/** A permission bundle with canonical object and field names. */
export type CanonicalBundle = {
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

const labelOf = (name: string, label: string | undefined): string => label ?? name.replace(/_/g, ' ');

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

/** Drops the accesses whose dependencies are gone (Delete without Edit, …), until nothing changes. */
const dropUnsupported = (set: Set<ObjectAccessName>): void => {
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
};

/** What a muting permission set takes away from a group's total. */
const subtractMuting = (total: CanonicalBundle, muting: CanonicalBundle): void => {
  for (const p of muting.perms) total.perms.delete(p);
  for (const [o, acc] of muting.objects) {
    const set = total.objects.get(o);
    if (!set) continue;
    for (const a of acc) set.delete(a);
    dropUnsupported(set);
    if (set.size === 0) total.objects.delete(o);
  }
  for (const [f, a] of muting.fields) {
    const held = total.fields.get(f);
    if (!held) continue;
    if (a === 'read') total.fields.delete(f);
    else if (held === 'edit') total.fields.set(f, 'read');
  }
};

/** Union of the members minus what the muting set removes (dependent accesses go with it). */
export const aggregateBundle = (members: CanonicalBundle[], muting?: CanonicalBundle): CanonicalBundle => {
  const total: CanonicalBundle = { perms: new Set(), objects: new Map(), fields: new Map() };
  for (const m of members) {
    for (const p of m.perms) total.perms.add(p);
    for (const [o, acc] of m.objects) {
      const set = total.objects.get(o) ?? new Set<ObjectAccessName>();
      for (const a of acc) set.add(a);
      total.objects.set(o, set);
    }
    for (const [f, a] of m.fields) total.fields.set(f, total.fields.get(f) === 'edit' || a === 'edit' ? 'edit' : 'read');
  }
  if (muting) subtractMuting(total, muting);
  return total;
};

/** A table's columns, types and relationships, read from its describe. */
const tableShape = (d: SObjectDescribe): Pick<Table, 'columns' | 'types' | 'relationships'> => {
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
  return { columns, types, relationships };
};

/** The columns of a PermissionSet row that differ between profile, regular, session and group sets. */
type PermissionSetRow = {
  Id: string;
  Name: string;
  Label: string;
  Description?: string | null;
  Type: 'Profile' | 'Regular' | 'Session' | 'Group';
  IsOwnedByProfile?: boolean;
  ProfileId?: string;
  PermissionSetGroupId?: string;
  LicenseId?: string | null;
  HasActivationRequired?: boolean;
  perms: Set<string>;
  source: RowSource;
};

/** One compile of one state: the rows of every table, and the Ids handed out so far by name. */
class StateCompiler {
  private readonly ids = new IdFactory();
  private readonly rowsOf = new Map<string, Row[]>();
  private readonly profileByName: Map<string, ProfileState>;
  private readonly licenceIds = new Map<string, string>();
  private readonly pslIds = new Map<string, string>();
  private readonly profileIds = new Map<string, string>();
  private readonly ownedSetIds = new Map<string, string>();
  private readonly setIds = new Map<string, string>();
  private readonly setBundles = new Map<string, CanonicalBundle>();
  private readonly groupIds = new Map<string, string>();
  private readonly aggregateIds = new Map<string, string>();
  private readonly mutingIds = new Map<string, string>();
  private readonly userIds = new Map<string, string>();
  private orgId = '';

  public constructor(private readonly state: OrgState, private readonly describes: DescribeCatalog) {
    this.profileByName = new Map((state.profiles ?? []).map((p) => [p.name, p]));
  }

  public compile(): Db {
    this.addOrganization();
    this.addUserLicences();
    this.addPermissionSetLicences();
    for (const p of this.state.profiles ?? []) this.addProfile(p);
    for (const s of this.state.permissionSets ?? []) this.addPermissionSet(s);
    for (const g of this.state.permissionSetGroups ?? []) this.addGroup(g);
    for (const u of this.state.users ?? []) this.addUser(u);
    for (const app of this.state.connectedApps ?? []) this.addApp(app);
    this.addCustomPermissions();
    this.addDefinitions();
    this.addPermissionDependencies();
    return new Db(this.orgId, this.tables());
  }

  private push(table: string, row: Row): Row {
    let list = this.rowsOf.get(table);
    if (!list) {
      list = [];
      this.rowsOf.set(table, list);
    }
    list.push(row);
    return row;
  }

  private canonObject(name: string): string {
    return this.describes.get(name)?.name ?? name;
  }

  private canonField(qualified: string): string {
    const [o, f] = qualified.split('.');
    const obj = this.canonObject(o);
    return `${obj}.${this.describes.field(obj, f)?.name ?? f}`;
  }

  private canon(b: PermissionBundle): CanonicalBundle {
    const objects = new Map<string, Set<ObjectAccessName>>();
    for (const [o, acc] of Object.entries(b.objectPermissions ?? {})) {
      const key = this.canonObject(o);
      const set = objects.get(key) ?? new Set<ObjectAccessName>();
      for (const a of acc) set.add(a);
      objects.set(key, set);
    }
    const fields = new Map<string, FieldAccessName>();
    for (const [f, a] of Object.entries(b.fieldPermissions ?? {})) {
      const key = this.canonField(f);
      fields.set(key, fields.get(key) === 'edit' || a === 'edit' ? 'edit' : 'read');
    }
    return { perms: new Set(b.systemPermissions ?? []), objects, fields };
  }

  // ---------------------------------------------------------------- organization and licences

  private addOrganization(): void {
    const state = this.state;
    const orgName = state.name ?? 'Acme Corporation';
    this.orgId = this.ids.id(KEY_PREFIX.Organization, 'Organization', orgName);
    this.push('Organization', {
      Id: this.orgId,
      Name: orgName,
      OrganizationType: `${state.edition ?? 'Enterprise'} Edition`,
      IsSandbox: state.isSandbox === true,
      InstanceName: state.isSandbox === true ? 'CS42' : 'NA135',
      NamespacePrefix: null,
      TrialExpirationDate: null,
      Country: 'US',
      LanguageLocaleKey: 'en_US',
      DefaultLocaleSidKey: 'en_US',
      TimeZoneSidKey: 'America/Los_Angeles',
    });
  }

  private addUserLicences(): void {
    const licenceNames = new Set(['Salesforce', 'Salesforce Platform', 'Salesforce Integration']);
    for (const p of this.state.profiles ?? []) licenceNames.add(p.userLicense);
    const usersPerLicence = new Map<string, number>();
    for (const u of this.state.users ?? []) {
      const l = this.profileByName.get(u.profile)?.userLicense;
      if (l && u.isActive !== false) usersPerLicence.set(l, (usersPerLicence.get(l) ?? 0) + 1);
    }
    for (const name of licenceNames) {
      const id = this.ids.id(KEY_PREFIX.UserLicense, 'UserLicense', name);
      this.licenceIds.set(name, id);
      this.push('UserLicense', {
        Id: id,
        Name: name,
        MasterLabel: name,
        LicenseDefinitionKey: LICENSE_KEYS[name] ?? name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
        Status: 'Active',
        TotalLicenses: 100,
        UsedLicenses: usersPerLicence.get(name) ?? 0,
      });
    }
  }

  private addPermissionSetLicences(): void {
    for (const l of this.state.permissionSetLicenses ?? []) {
      const id = this.ids.id(KEY_PREFIX.PermissionSetLicense, 'PermissionSetLicense', l.developerName);
      this.pslIds.set(l.developerName, id);
      const used = (this.state.users ?? []).filter((u) => (u.permissionSetLicenses ?? []).includes(l.developerName)).length;
      this.push('PermissionSetLicense', {
        Id: id,
        DeveloperName: l.developerName,
        MasterLabel: l.label ?? l.developerName,
        Status: 'Active',
        TotalLicenses: 50,
        UsedLicenses: used,
        [SOURCE]: { kind: 'psl', name: l.developerName } satisfies RowSource,
      });
    }
  }

  // ---------------------------------------------------------------- permission sets

  /** A permission set row; the columns not given are those of a custom, non-profile, non-group set. */
  private pushPermissionSet(ps: PermissionSetRow): void {
    this.push('PermissionSet', {
      Id: ps.Id,
      Name: ps.Name,
      Label: ps.Label,
      Description: ps.Description ?? null,
      Type: ps.Type,
      IsOwnedByProfile: ps.IsOwnedByProfile ?? false,
      ProfileId: ps.ProfileId ?? null,
      PermissionSetGroupId: ps.PermissionSetGroupId ?? null,
      LicenseId: ps.LicenseId ?? null,
      HasActivationRequired: ps.HasActivationRequired ?? false,
      IsCustom: true,
      NamespacePrefix: null,
      [PERMS]: ps.perms,
      [SOURCE]: ps.source,
    });
  }

  /** The ObjectPermissions and FieldPermissions rows of a bundle. */
  private addBundleRows(parentId: string, parentKey: string, b: CanonicalBundle): void {
    for (const [object, access] of b.objects) {
      this.push('ObjectPermissions', {
        Id: this.ids.id(KEY_PREFIX.ObjectPermissions, 'ObjectPermissions', `${parentKey}\u0000${object}`),
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
      this.push('FieldPermissions', {
        Id: this.ids.id(KEY_PREFIX.FieldPermissions, 'FieldPermissions', `${parentKey}\u0000${field}`),
        ParentId: parentId,
        SobjectType: field.slice(0, field.indexOf('.')),
        Field: field,
        PermissionsRead: true,
        PermissionsEdit: access === 'edit',
      });
    }
  }

  /** The profile and the permission set it owns. */
  private addProfile(p: ProfileState): void {
    const id = this.ids.id(KEY_PREFIX.Profile, 'Profile', p.name);
    this.profileIds.set(p.name, id);
    const source = { kind: 'profile', name: p.name } satisfies RowSource;
    this.push('Profile', {
      Id: id,
      Name: p.name,
      UserLicenseId: this.licenceIds.get(p.userLicense) ?? null,
      UserType: 'Standard',
      Description: null,
      [SOURCE]: source,
    });
    const psId = this.ids.id(KEY_PREFIX.PermissionSet, 'ProfilePermissionSet', p.name);
    this.ownedSetIds.set(p.name, psId);
    const b = this.canon(p);
    this.pushPermissionSet({
      Id: psId,
      Name: `X${id.slice(0, 15)}`,
      Label: p.name,
      Type: 'Profile',
      IsOwnedByProfile: true,
      ProfileId: id,
      LicenseId: this.licenceIds.get(p.userLicense) ?? null,
      perms: b.perms,
      source: { ...source },
    });
    this.addBundleRows(psId, `profile:${p.name}`, b);
  }

  private addPermissionSet(s: NonNullable<OrgState['permissionSets']>[number]): void {
    const id = this.ids.id(KEY_PREFIX.PermissionSet, 'PermissionSet', s.name);
    this.setIds.set(s.name, id);
    const b = this.canon(s);
    this.setBundles.set(s.name, b);
    this.pushPermissionSet({
      Id: id,
      Name: s.name,
      Label: labelOf(s.name, s.label),
      Description: s.description ?? null,
      Type: s.sessionBased === true ? 'Session' : 'Regular',
      LicenseId: s.license ? this.pslIds.get(s.license) ?? null : null,
      HasActivationRequired: s.sessionBased === true,
      perms: b.perms,
      source: { kind: 'permissionSet', name: s.name },
    });
    this.addBundleRows(id, `set:${s.name}`, b);
  }

  private addGroupComponent(groupName: string, key: string, groupId: string, setId: string): void {
    this.push('PermissionSetGroupComponent', {
      Id: this.ids.id(KEY_PREFIX.PermissionSetGroupComponent, 'PermissionSetGroupComponent', `${groupName}\u0000${key}`),
      PermissionSetGroupId: groupId,
      PermissionSetId: setId,
    });
  }

  /** The group's muting permission set (its row, component and permission rows); its bundle. */
  private addMutingSet(g: PermissionSetGroupState, groupId: string): CanonicalBundle | undefined {
    const m = g.mutingPermissionSet;
    if (!m) return undefined;
    const mId = this.ids.id(KEY_PREFIX.MutingPermissionSet, 'MutingPermissionSet', m.name);
    const muting = this.canon(m);
    this.mutingIds.set(m.name, mId);
    this.push('MutingPermissionSet', {
      Id: mId,
      DeveloperName: m.name,
      MasterLabel: labelOf(m.name, m.label),
      Description: null,
      NamespacePrefix: null,
      Language: 'en_US',
      [PERMS]: muting.perms,
      [SOURCE]: { kind: 'muting', name: m.name, group: g.name } satisfies RowSource,
    });
    this.addGroupComponent(g.name, `muting:${m.name}`, groupId, mId);
    this.addBundleRows(mId, `muting:${m.name}`, muting);
    return muting;
  }

  /** Permission set group: its row, member components, muting set and aggregate permission set. */
  private addGroup(g: PermissionSetGroupState): void {
    const id = this.ids.id(KEY_PREFIX.PermissionSetGroup, 'PermissionSetGroup', g.name);
    this.groupIds.set(g.name, id);
    this.push('PermissionSetGroup', {
      Id: id,
      DeveloperName: g.name,
      MasterLabel: labelOf(g.name, g.label),
      Description: null,
      Status: 'Updated',
      NamespacePrefix: null,
      [SOURCE]: { kind: 'group', name: g.name } satisfies RowSource,
    });
    for (const m of g.members ?? []) {
      const memberId = this.setIds.get(m);
      if (memberId) this.addGroupComponent(g.name, m, id, memberId);
    }
    const muting = this.addMutingSet(g, id);
    const members = (g.members ?? []).map((m) => this.setBundles.get(m)).filter((b): b is CanonicalBundle => b !== undefined);
    const aggregate = aggregateBundle(members, muting);
    const aggId = this.ids.id(KEY_PREFIX.PermissionSet, 'GroupPermissionSet', g.name);
    this.aggregateIds.set(g.name, aggId);
    this.pushPermissionSet({
      Id: aggId,
      Name: `${g.name}_aggregate`.slice(0, 80),
      Label: labelOf(g.name, g.label),
      Type: 'Group',
      PermissionSetGroupId: id,
      perms: aggregate.perms,
      source: { kind: 'group', name: g.name },
    });
    this.addBundleRows(aggId, `group:${g.name}`, aggregate);
  }

  // ---------------------------------------------------------------- users

  /** The user, the login row and the assignments (profile set, permission sets, groups' aggregates, licences). */
  private addUser(u: UserState): void {
    const id = this.ids.id(KEY_PREFIX.User, 'User', u.username);
    this.userIds.set(u.username, id);
    const guess = splitName(u.username);
    const first = u.firstName ?? guess.first;
    const last = u.lastName ?? guess.last;
    this.push('User', {
      Id: id,
      Username: u.username,
      Email: u.email ?? u.username,
      FirstName: first || null,
      LastName: last,
      Name: first ? `${first} ${last}` : last,
      Alias: (first.charAt(0) + last).toLowerCase().slice(0, 8),
      CommunityNickname: u.username.split('@')[0],
      IsActive: u.isActive !== false,
      ProfileId: this.profileIds.get(u.profile) ?? null,
      UserType: this.profileByName.get(u.profile)?.userLicense === 'Chatter Free' ? 'CsnOnly' : 'Standard',
      TimeZoneSidKey: 'America/Los_Angeles',
      LocaleSidKey: 'en_US',
      LanguageLocaleKey: 'en_US',
      EmailEncodingKey: 'UTF-8',
      [SOURCE]: { kind: 'user', name: u.username } satisfies RowSource,
    });
    this.push('UserLogin', {
      Id: this.ids.id(KEY_PREFIX.UserLogin, 'UserLogin', u.username),
      UserId: id,
      IsFrozen: u.isFrozen === true,
      IsPasswordLocked: false,
    });
    this.addAssignments(u, id);
    for (const l of u.permissionSetLicenses ?? []) {
      const lId = this.pslIds.get(l);
      if (!lId) continue;
      this.push('PermissionSetLicenseAssign', {
        Id: this.ids.id(KEY_PREFIX.PermissionSetLicenseAssign, 'PermissionSetLicenseAssign', `${u.username}\u0000${l}`),
        AssigneeId: id,
        PermissionSetLicenseId: lId,
      });
    }
  }

  private pushAssignment(username: string, key: string, assigneeId: string, setId: string, groupId: string | null): void {
    this.push('PermissionSetAssignment', {
      Id: this.ids.id(KEY_PREFIX.PermissionSetAssignment, 'PermissionSetAssignment', `${username}\u0000${key}`),
      AssigneeId: assigneeId,
      PermissionSetId: setId,
      PermissionSetGroupId: groupId,
      IsActive: true,
      ExpirationDate: null,
    });
  }

  private addAssignments(u: UserState, userId: string): void {
    const owned = this.ownedSetIds.get(u.profile);
    if (owned) this.pushAssignment(u.username, 'profile', userId, owned, null);
    for (const s of u.permissionSets ?? []) {
      const psId = this.setIds.get(s);
      if (psId) this.pushAssignment(u.username, `set:${s}`, userId, psId, null);
    }
    for (const g of u.permissionSetGroups ?? []) {
      const gId = this.groupIds.get(g);
      const aggId = this.aggregateIds.get(g);
      if (gId && aggId) this.pushAssignment(u.username, `group:${g}`, userId, aggId, gId);
    }
  }

  // ---------------------------------------------------------------- connected apps and external client apps

  private addApp(app: ConnectedAppState): void {
    if (app.kind === 'externalClientApp') {
      // An External Client App exists in an org only once created or installed there
      if (!isExternalClientApp(app)) return;
      this.addExternalClientApp(app);
    } else if (app.installed !== false) {
      this.addConnectedApp(app);
    }
    for (const username of app.authorizedUsers ?? []) {
      const uId = this.userIds.get(username);
      if (!uId) continue;
      this.push('OauthToken', {
        Id: this.ids.id(KEY_PREFIX.OauthToken, 'OauthToken', `${app.name}\u0000${username}`),
        AppName: app.label ?? app.name,
        UserId: uId,
        LastUsedDate: FIXED_DATE,
        UseCount: 42,
        CreatedDate: FIXED_DATE,
        AppMenuItemId: null,
      });
    }
  }

  /** CustomPermission rows, and a SetupEntityAccess row (type CustomPermission) per set that enables one. */
  private addCustomPermissions(): void {
    const ids = new Map<string, string>();
    for (const c of this.state.customPermissions ?? []) {
      const { namespace, developerName } = splitCustomPermissionName(c.name);
      const id = this.ids.id(KEY_PREFIX.CustomPermission, 'CustomPermission', c.name);
      ids.set(c.name.toLowerCase(), id);
      this.push('CustomPermission', {
        Id: id,
        DeveloperName: developerName,
        MasterLabel: c.label ?? developerName.replace(/_/g, ' '),
        Description: null,
        NamespacePrefix: namespace,
        IsLicensed: false,
      });
    }
    const parentOf = (h: CustomPermissionHolder): string | undefined => {
      if (h.kind === 'profile') return this.ownedSetIds.get(h.name);
      if (h.kind === 'permissionSet') return this.setIds.get(h.name);
      if (h.kind === 'group') return this.aggregateIds.get(h.name);
      return this.mutingIds.get(h.name);
    };
    for (const h of customPermissionHolders(this.state)) {
      const parentId = parentOf(h);
      for (const name of h.names) {
        const entityId = ids.get(name.toLowerCase());
        if (!parentId || !entityId) continue;
        this.push('SetupEntityAccess', {
          Id: this.ids.id(KEY_PREFIX.SetupEntityAccess, 'SetupEntityAccess', `customPermission\u0000${h.key}\u0000${name.toLowerCase()}`),
          ParentId: parentId,
          SetupEntityId: entityId,
          SetupEntityType: 'CustomPermission',
        });
      }
    }
  }

  /** SetupEntityAccess rows: the profiles and permission sets that pre-authorize users of an app. */
  private addAppAccess(app: ConnectedAppState, appId: string, type: string): void {
    const grant = (parentId: string | undefined, key: string): void => {
      if (!parentId) return;
      this.push('SetupEntityAccess', {
        Id: this.ids.id(KEY_PREFIX.SetupEntityAccess, 'SetupEntityAccess', `${app.name}\u0000${key}`),
        ParentId: parentId,
        SetupEntityId: appId,
        SetupEntityType: type,
      });
    };
    for (const p of app.profiles ?? []) grant(this.ownedSetIds.get(p), `profile:${p}`);
    for (const s of app.permissionSets ?? []) grant(this.setIds.get(s), `set:${s}`);
  }

  private addConnectedApp(app: ConnectedAppState): void {
    const appId = this.ids.id(KEY_PREFIX.ConnectedApplication, 'ConnectedApplication', app.name);
    const refresh = refreshColumns(app.refreshTokenPolicy);
    this.push('ConnectedApplication', {
      Id: appId,
      Name: app.name,
      OptionsAllowAdminApprovedUsersOnly: app.permittedUsers === 'adminApproved',
      OptionsRefreshTokenValidityMetric: refresh.metric,
      RefreshTokenValidityPeriod: refresh.period,
      OptionsIsInternal: false,
      [SOURCE]: { kind: 'app', name: app.name } satisfies RowSource,
    });
    this.addAppAccess(app, appId, 'ConnectedApplication');
  }

  /** The app header, its OAuth settings (a boolean column per scope) and its OAuth policies, plus its SetupEntityAccess rows. */
  private addExternalClientApp(app: ConnectedAppState): void {
    const label = app.label ?? app.name;
    const ecaId = this.ids.id(ECA_KEY_PREFIX.ExternalClientApplication, 'ExternalClientApplication', app.name);
    const header = { NamespacePrefix: null, Language: 'en_US', IsDeleted: false };
    this.push('ExternalClientApplication', {
      Id: ecaId,
      DeveloperName: app.name,
      MasterLabel: label,
      ...header,
      ContactEmail: 'admin@example.com',
      DistributionState: 'Local',
      ManagedType: 'Local',
      OrgScopedExternalApp: `${this.orgId.slice(0, 15)}:${app.name}`,
      [SOURCE]: { kind: 'app', name: app.name } satisfies RowSource,
    });
    const scopes = new Set((app.scopes ?? []).map((x) => x.toLowerCase()));
    const settingsId = this.ids.id(ECA_KEY_PREFIX.ExtlClntAppOauthSettings, 'ExtlClntAppOauthSettings', app.name);
    const settings: Row = {
      Id: settingsId,
      DeveloperName: `${app.name}_oauth`,
      MasterLabel: `${label} OAuth settings`,
      ...header,
      ExternalClientApplicationId: ecaId,
      ExtlClntAppOauthOptionsFirstPartyAppEnabled: false,
      OauthLink: null,
      SingleLogoutUrl: null,
      ClientAssertionCertificate: null,
    };
    for (const [scope, column] of ECA_SCOPE_COLUMNS) settings[column] = scopes.has(scope);
    this.push('ExtlClntAppOauthSettings', settings);
    const refresh = ecaRefreshTokenPolicy(app.refreshTokenPolicy);
    this.push('ExtlClntAppOauthPlcyCnfg', {
      Id: this.ids.id(ECA_KEY_PREFIX.ExtlClntAppOauthPlcyCnfg, 'ExtlClntAppOauthPlcyCnfg', app.name),
      DeveloperName: `${app.name}_oauthPlcy`,
      MasterLabel: `${label} OAuth policies`,
      ...header,
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
    this.addAppAccess(app, ecaId, 'ExternalClientApplication');
  }

  // ---------------------------------------------------------------- definitions and dependencies

  /** EntityDefinition / EntityParticle / FieldDefinition rows of the data model (and PermissionSet). */
  private addDefinitions(): void {
    const owdLower = new Map(Object.entries(this.state.orgWideDefaults ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
    // PermissionSet too: clients read which Permissions… columns exist from its EntityParticle rows
    for (const name of [...this.describes.dataObjectNames(), 'PermissionSet']) {
      const d = this.describes.get(name);
      if (!d) continue;
      const sharing = owdLower.get(name.toLowerCase()) ?? sharingDefault(name);
      this.push('EntityDefinition', {
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
        const row = particleRow(name, f);
        this.push('EntityParticle', row);
        this.push('FieldDefinition', { ...row });
      }
    }
  }

  private addPermissionDependencies(): void {
    for (const [perm, requires] of Object.entries(SYSTEM_PERMISSION_REQUIRES)) {
      for (const r of requires) {
        this.push('PermissionDependency', {
          Id: this.ids.id(KEY_PREFIX.PermissionDependency, 'PermissionDependency', `${perm}\u0000${r}`),
          Permission: perm,
          PermissionType: 'User Permission',
          RequiredPermission: r,
          RequiredPermissionType: 'User Permission',
        });
      }
    }
  }

  /** Every table the describes name, with its rows (audit columns default to the first admin and a fixed date). */
  private tables(): Table[] {
    const users = this.state.users ?? [];
    const admin = users.find((u) => u.profile === 'System Administrator') ?? users[0];
    const adminId = admin ? this.userIds.get(admin.username) ?? null : null;
    const tables: Table[] = [];
    for (const name of this.describes.allNames()) {
      const d = this.describes.get(name);
      if (!d) continue;
      const shape = tableShape(d);
      const schema = SETUP_TABLE_BY_NAME.get(d.name);
      const defaults: Row = {};
      for (const c of ['CreatedDate', 'LastModifiedDate', 'SystemModstamp']) if (shape.columns.has(c.toLowerCase())) defaults[c] = FIXED_DATE;
      for (const c of ['CreatedById', 'LastModifiedById']) if (shape.columns.has(c.toLowerCase())) defaults[c] = adminId;
      tables.push({
        name: d.name,
        api: this.describes.api(d.name),
        keyPrefix: d.keyPrefix,
        keyColumn: schema?.keyColumn ?? 'Id',
        ...shape,
        rows: this.rowsOf.get(d.name) ?? [],
        defaults,
        permissionColumns: schema?.permissionColumns === true,
      });
    }
    return tables;
  }
}

/** An EntityParticle / FieldDefinition row for a describe field. */
const particleRow = (object: string, f: SObjectDescribe['fields'][number]): Row => ({
  Id: '000000000000000AAA',
  DurableId: `${object}.${f.name}`,
  EntityDefinitionId: object,
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
  IsCompound: f.type === 'address' || f.type === 'location' || (f.name === 'Name' && ['Contact', 'Lead', 'User'].includes(object)),
});

/**
 * The columns clients filter on (`=`, `IN`, semi-joins): indexed when the tables are compiled, so that
 * no query of a 200,000-row org pays for building an index. Other columns get one on first use.
 */
const INDEXED_COLUMNS: Record<string, readonly string[]> = {
  User: ['Id', 'Username', 'Email', 'ProfileId'],
  UserLogin: ['UserId'],
  PermissionSet: ['Id', 'ProfileId', 'PermissionSetGroupId', 'Name'],
  PermissionSetAssignment: ['AssigneeId', 'PermissionSetId', 'PermissionSetGroupId'],
  PermissionSetGroup: ['Id', 'DeveloperName'],
  PermissionSetGroupComponent: ['PermissionSetGroupId', 'PermissionSetId'],
  PermissionSetLicenseAssign: ['AssigneeId'],
  MutingPermissionSet: ['Id'],
  ObjectPermissions: ['ParentId', 'SobjectType'],
  FieldPermissions: ['ParentId', 'SobjectType', 'Field'],
  SetupEntityAccess: ['ParentId', 'SetupEntityId'],
  OauthToken: ['UserId'],
  Profile: ['Id', 'Name'],
  EntityDefinition: ['QualifiedApiName', 'DurableId'],
  EntityParticle: ['EntityDefinitionId'],
  CustomPermission: ['DeveloperName'],
  FieldDefinition: ['EntityDefinitionId'],
};

/** Compiles a (validated) state into tables. Deterministic: the same state gives the same Ids. */
export const compileTables = (state: OrgState, describes: DescribeCatalog): Db => {
  const db = new StateCompiler(state, describes).compile();
  for (const [name, columns] of Object.entries(INDEXED_COLUMNS)) {
    const table = db.table(name);
    if (table) db.buildIndexes(table, columns);
  }
  return db;
};
