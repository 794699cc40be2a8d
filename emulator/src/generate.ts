/*
 * A large-org generator for benchmarks and scale tests: thousands of users, thousands of permission
 * sets, hundreds of thousands of FieldPermissions rows, permission set groups with muting sets.
 *
 * Deterministic (a seeded PRNG; the same options give the same state, byte for byte), valid under
 * the emulator's save rules (validateState), and built on the real describes: every field permission
 * names a permissionable field that exists (the fixture describes plus generated custom objects).
 *
 * `fieldPermissionRows` is the number of FieldPermissions rows the emulator compiles — profiles,
 * permission sets, muting sets and the groups' aggregate sets together — exactly.
 */
import type { FieldAccessName, ObjectAccessName, ObjectExtra, OrgState, PermissionSetGroupState, PermissionSetState, ProfileState, UserState } from './orgState.js';
import { buildDescribes } from './describes.js';
import { OBJECTS_WITHOUT_OBJECT_PERMISSIONS, SYSTEM_PERMISSION_REQUIRES } from './rules.js';

export type LargeOrgOptions = {
  /** users, the administrator included (at least 2) */
  users: number;
  /** custom permission sets (not counting profiles' and groups' own sets) */
  permissionSets: number;
  /** FieldPermissions rows the emulator compiles, all parents together */
  fieldPermissionRows: number;
  /** permission set groups */
  groups: number;
  /** PRNG seed (default 1) */
  seed?: number;
  /** generated custom objects (default 20) and permissionable fields on each (default 25) */
  customObjects?: number;
  fieldsPerCustomObject?: number;
};

/** The org's administrator: the emulator's session user (System Administrator profile). */
export const LARGE_ORG_ADMIN = 'admin@large-org.example';
/** A user with several permission sets and two groups (one with a muting set): the one to check. */
export const LARGE_ORG_PROBE_USER = 'user00001@large-org.example';

/** The username of generated user n (1-based; n = 0 is the administrator). */
export const largeOrgUsername = (n: number): string => (n === 0 ? LARGE_ORG_ADMIN : `user${String(n).padStart(5, '0')}@large-org.example`);

/** mulberry32: a small, fast, well-distributed 32-bit PRNG. */
const prng = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return (): number => {
    a = (a + 0x6d_2b_79_f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** k distinct integers from [0, n), in a deterministic order (Floyd's algorithm, then sorted). */
const sample = (rand: () => number, n: number, k: number): number[] => {
  const take = Math.min(k, n);
  const chosen = new Set<number>();
  for (let j = n - take; j < n; j++) {
    const t = Math.floor(rand() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
};

/** Adds what each permission needs (rules.ts), so a bundle always saves. */
const withDependencies = (perms: string[], available: Set<string>): string[] => {
  const out = new Set<string>();
  const visit = (p: string): void => {
    if (out.has(p) || !available.has(p)) return;
    out.add(p);
    for (const r of SYSTEM_PERMISSION_REQUIRES[p] ?? []) visit(r);
  };
  for (const p of perms) visit(p);
  return [...out].sort();
};

const ADMIN_PERMISSIONS = [
  'ApiEnabled', 'ModifyAllData', 'ViewAllData', 'ViewSetup', 'CustomizeApplication', 'ManageUsers', 'ViewRoles', 'ViewAllUsers',
  'ManageRemoteAccess', 'ModifyMetadata', 'AssignPermissionSets', 'AuthorApex', 'EditEvent', 'EditTask', 'CanApproveUninstalledApps',
  'RunReports', 'TransferAnyLead', 'TransferAnyEntity',
];
/** What generated permission sets draw their system permissions from. */
const SET_PERMISSIONS = [
  'ApiEnabled', 'RunReports', 'ExportReport', 'EditTask', 'EditEvent', 'ConvertLeads', 'ImportLeads', 'TransferAnyLead',
  'ViewSetup', 'ViewRoles', 'ViewAllUsers', 'EditCaseComments', 'ManageCases', 'CreateDashboardFolders', 'CanApproveUninstalledApps',
];
/** Object access patterns that satisfy the dependency rules. */
const ACCESS_PATTERNS: ObjectAccessName[][] = [
  ['read'],
  ['read'],
  ['read', 'edit'],
  ['read', 'create', 'edit'],
  ['read', 'create', 'edit', 'delete'],
  ['read', 'viewAll'],
];
const CUSTOM_FIELD_TYPES = ['string', 'double', 'date', 'picklist', 'email', 'phone', 'boolean', 'textarea'];

type Field = { object: string; name: string; qualified: string };
type GeneratedSet = PermissionSetState & { fieldPermissions: Record<string, FieldAccessName> };
type Rng = { rand: () => number; int: (n: number) => number; pick: <T>(list: readonly T[]) => T };
type DataModel = { base: OrgState; fields: Field[]; standardCount: number; available: Set<string> };

const rng = (seed: number): Rng => {
  const rand = prng(seed);
  const int = (n: number): number => Math.floor(rand() * n);
  return { rand, int, pick: <T>(list: readonly T[]): T => list[int(list.length)] };
};

const checkOptions = (o: Required<LargeOrgOptions>): void => {
  for (const [k, v] of Object.entries(o))
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${k} must be a non-negative integer (got ${String(v)})`);
  if (o.users < 2) throw new RangeError('users must be at least 2 (the administrator and one more)');
  if (o.groups > 0 && o.permissionSets < 2) throw new RangeError('groups need at least 2 permission sets to draw members from');
};

const hasObjectPermissions = (object: string): boolean => !OBJECTS_WITHOUT_OBJECT_PERMISSIONS.has(object);
const objectsOf = (list: Field[]): string[] => [...new Set(list.map((f) => f.object))].filter(hasObjectPermissions).sort();

/** The org's data model: the fixture objects plus generated custom objects, and every permissionable field. */
const dataModel = (o: Required<LargeOrgOptions>): DataModel => {
  const extra: ObjectExtra[] = [];
  for (let n = 1; n <= o.customObjects; n++) {
    const object = `Large_Object_${pad(n, 3)}__c`;
    extra.push({ object, label: `Large Object ${n}` });
    for (let f = 1; f <= o.fieldsPerCustomObject; f++)
      extra.push({ object, field: `Field_${pad(f, 3)}__c`, type: CUSTOM_FIELD_TYPES[(n + f) % CUSTOM_FIELD_TYPES.length], permissionable: true });
  }
  const base: OrgState = {
    name: `Large Org ${o.seed}`,
    edition: 'Unlimited',
    isSandbox: false,
    apiEnabledForOrg: true,
    personAccounts: false,
    apiAccessControl: false,
    dailyApiRequests: { max: 5_000_000, used: 12_345 },
    orgWideDefaults: { Account: 'Private', Contact: 'ControlledByParent', Lead: 'ReadWrite', Opportunity: 'Private', Case: 'Private' },
    objects: { extra },
    permissionSetLicenses: [{ developerName: 'SalesforceAPIIntegrationPsl', label: 'Salesforce API Integration' }],
  };
  const describes = buildDescribes(base);
  const fields: Field[] = [];
  for (const object of describes.dataObjectNames()) {
    for (const f of describes.get(object)?.fields ?? []) {
      if (f.permissionable === true) fields.push({ object, name: f.name, qualified: `${object}.${f.name}` });
    }
  }
  // the fixture objects come first: standard fields are fields[0 .. standardCount)
  const standardCount = fields.filter((f) => !f.object.endsWith('__c')).length;
  return { base, fields, standardCount, available: describes.availablePermissions };
};

const buildProfiles = (m: DataModel): ProfileState[] => {
  const standard = m.fields.slice(0, m.standardCount);
  const perms = (names: string[]): string[] => withDependencies(names, m.available);
  const fls = (list: Field[], access: FieldAccessName): Record<string, FieldAccessName> => Object.fromEntries(list.map((f) => [f.qualified, access]));
  const all: ObjectAccessName[] = ['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll'];
  const rce: ObjectAccessName[] = ['read', 'create', 'edit'];
  return [
    {
      name: 'System Administrator',
      userLicense: 'Salesforce',
      systemPermissions: perms(ADMIN_PERMISSIONS),
      objectPermissions: Object.fromEntries(objectsOf(m.fields).map((o) => [o, all])),
      fieldPermissions: fls(standard, 'edit'),
    },
    {
      name: 'Standard User',
      userLicense: 'Salesforce',
      systemPermissions: perms(['ApiEnabled', 'EditTask', 'EditEvent', 'RunReports']),
      objectPermissions: { Account: rce, Contact: rce, Opportunity: rce, Lead: rce },
      fieldPermissions: fls(standard.filter((_, i) => i % 3 === 0), 'read'),
    },
    {
      name: 'Sales Agent',
      userLicense: 'Salesforce',
      systemPermissions: perms(['ApiEnabled', 'EditTask']),
      objectPermissions: { Account: ['read'], Contact: ['read', 'edit'], Lead: ['read', 'edit'], Opportunity: ['read'] },
      fieldPermissions: fls(standard.filter((_, i) => i % 5 === 1), 'read'),
    },
    { name: 'Read Only', userLicense: 'Salesforce', systemPermissions: perms(['ApiEnabled', 'RunReports']), objectPermissions: { Account: ['read'], Contact: ['read'] } },
    { name: 'Marketing User', userLicense: 'Salesforce', systemPermissions: perms(['ApiEnabled', 'ImportLeads']), objectPermissions: { Lead: rce } },
  ];
};

/** k fields for one set, two thirds from the standard objects, sorted by name. */
const pickFields = (r: Rng, m: DataModel, count: number): Field[] => {
  const want = Math.min(count, m.fields.length);
  const chosen = new Map<string, Field>();
  for (const i of sample(r.rand, m.standardCount, Math.min(m.standardCount, Math.round((want * 2) / 3)))) chosen.set(m.fields[i].qualified, m.fields[i]);
  for (let guard = 0; chosen.size < want && guard < want * 20; guard++) {
    const f = m.fields[r.int(m.fields.length)];
    chosen.set(f.qualified, f);
  }
  for (const f of m.fields) if (chosen.size < want) chosen.set(f.qualified, f);
  return [...chosen.values()].sort((a, b) => (a.qualified < b.qualified ? -1 : a.qualified > b.qualified ? 1 : 0));
};

/** Field permissions (40 % edit) and object access on the objects of those fields. */
const bundleFor = (r: Rng, m: DataModel, count: number): Pick<GeneratedSet, 'fieldPermissions' | 'objectPermissions'> => {
  const chosen = pickFields(r, m, count);
  const fieldPermissions = Object.fromEntries(chosen.map((f) => [f.qualified, (r.rand() < 0.4 ? 'edit' : 'read') as FieldAccessName]));
  const objectPermissions = Object.fromEntries(objectsOf(chosen).map((object) => [object, r.pick(ACCESS_PATTERNS)]));
  return { fieldPermissions, objectPermissions };
};

const setName = (i: number): string => `Large_PS_${pad(i + 1, 5)}`;

/** A group over its members; even-numbered groups mute up to 3 of the aggregate's fields and a permission. Returns the rows it compiles to. */
const buildGroup = (r: Rng, g: number, members: number[], sets: GeneratedSet[]): { group: PermissionSetGroupState; rows: number } => {
  const union = new Set<string>();
  const perms = new Set<string>();
  for (const i of members) {
    for (const f of Object.keys(sets[i].fieldPermissions)) union.add(f);
    for (const p of sets[i].systemPermissions ?? []) perms.add(p);
  }
  const name = `Large_Group_${pad(g + 1, 3)}`;
  const group: PermissionSetGroupState = { name, label: `Large Group ${g + 1}`, members: members.map(setName) };
  if (g % 2 !== 0 || union.size < 2) return { group, rows: union.size };
  const keys = [...union];
  const muted = sample(r.rand, keys.length, Math.min(3, keys.length - 1)).map((i) => keys[i]);
  const required = new Set(Object.values(SYSTEM_PERMISSION_REQUIRES).flat());
  group.mutingPermissionSet = {
    name: `${name}_Muting`,
    systemPermissions: [...perms].filter((p) => !required.has(p)).slice(0, 1),
    fieldPermissions: Object.fromEntries(muted.map((f) => [f, 'read' as FieldAccessName])),
  };
  // a muted read removes the field from the aggregate set, and the muting set holds a row for it instead
  return { group, rows: union.size };
};

const USER_PROFILES = ['Standard User', 'Standard User', 'Sales Agent', 'Sales Agent', 'Read Only', 'Marketing User'];

const buildUsers = (r: Rng, o: Required<LargeOrgOptions>, groups: PermissionSetGroupState[], memberPool: number): UserState[] => {
  const users: UserState[] = [{ username: LARGE_ORG_ADMIN, email: LARGE_ORG_ADMIN, firstName: 'Ada', lastName: 'Admin', profile: 'System Administrator' }];
  for (let n = 1; n < o.users; n++) {
    const username = largeOrgUsername(n);
    const probe = n === 1;
    const user: UserState = {
      username,
      email: n % 50 === 0 ? 'shared-mailbox@large-org.example' : username,
      firstName: `First${n}`,
      lastName: `Last${n}`,
      profile: probe ? 'Sales Agent' : r.pick(USER_PROFILES),
    };
    if (!probe && n % 40 === 0) user.isActive = false;
    if (!probe && n % 97 === 0) user.isFrozen = true;
    // the probe holds four sets outside any group and the first two groups (the first one mutes)
    const setPicks = probe ? [0, 1, 2, 3].map((k) => Math.min(o.permissionSets - 1, memberPool + k)) : sample(r.rand, o.permissionSets, r.int(5));
    if (o.permissionSets > 0) user.permissionSets = [...new Set(setPicks)].map(setName);
    const groupPicks = o.groups === 0 ? [] : probe ? [0, Math.min(1, o.groups - 1)] : r.rand() < 0.4 ? sample(r.rand, o.groups, 1 + r.int(2)) : [];
    if (groupPicks.length > 0) user.permissionSetGroups = [...new Set(groupPicks)].map((g) => groups[g].name);
    users.push(user);
  }
  return users;
};

/** Builds a deterministic large org. Throws RangeError when the row target cannot be met with these counts. */
export const generateLargeOrg = (options: LargeOrgOptions): OrgState => {
  const o: Required<LargeOrgOptions> = { seed: 1, customObjects: 20, fieldsPerCustomObject: 25, ...options };
  checkOptions(o);
  const r = rng(o.seed);
  const m = dataModel(o);
  const profiles = buildProfiles(m);
  const profileRows = profiles.reduce((n, p) => n + Object.keys(p.fieldPermissions ?? {}).length, 0);

  // groups' members are decided first: they carry the average row count, the other sets absorb the rest
  const memberPool = Math.max(2, Math.min(o.permissionSets, o.groups * 4));
  const groupMembers = Array.from({ length: o.groups }, () => sample(r.rand, memberPool, 2 + r.int(5)));
  const isMember = new Set(groupMembers.flat());
  const perSet = Math.max(1, Math.floor(Math.max(0, o.fieldPermissionRows - profileRows) / Math.max(1, o.permissionSets + o.groups * 3.5)));
  const sets: GeneratedSet[] = [];
  for (let i = 0; i < o.permissionSets; i++) {
    const perms = sample(r.rand, SET_PERMISSIONS.length, r.int(4)).map((j) => SET_PERMISSIONS[j]);
    const set: GeneratedSet = {
      name: setName(i),
      label: `Large PS ${i + 1}`,
      description: `Generated permission set ${i + 1}`,
      systemPermissions: withDependencies(perms, m.available),
      objectPermissions: {},
      fieldPermissions: {},
    };
    if (isMember.has(i)) Object.assign(set, bundleFor(r, m, Math.max(1, perSet + r.int(7) - 3)));
    sets.push(set);
  }
  const built = groupMembers.map((members, g) => buildGroup(r, g, members, sets));
  const groups = built.map((b) => b.group);
  const groupRows = built.reduce((n, b) => n + b.rows, 0);

  // the remaining rows go to the sets outside groups, as evenly as they fit
  const memberRows = sets.reduce((n, s, i) => n + (isMember.has(i) ? Object.keys(s.fieldPermissions).length : 0), 0);
  let remaining = o.fieldPermissionRows - profileRows - groupRows - memberRows;
  const others = sets.map((_, i) => i).filter((i) => !isMember.has(i));
  if (remaining < 0 || remaining > others.length * m.fields.length)
    throw new RangeError(
      `cannot compile exactly ${o.fieldPermissionRows} FieldPermissions rows with ${o.permissionSets} permission sets and ${o.groups} groups ` +
        `(profiles ${profileRows}, groups ${groupRows}, group members ${memberRows}, ${m.fields.length} permissionable fields)`
    );
  others.forEach((i, k) => {
    const share = Math.floor(remaining / (others.length - k));
    Object.assign(sets[i], bundleFor(r, m, share));
    remaining -= share;
  });

  const users = buildUsers(r, o, groups, memberPool);
  return {
    ...m.base,
    profiles,
    permissionSets: sets,
    permissionSetGroups: groups,
    users,
    connectedApps: [
      {
        name: 'Large_Sync',
        label: 'Large Sync',
        installed: true,
        kind: 'connectedApp',
        scopes: ['api', 'refresh_token', 'id'],
        refreshTokenPolicy: 'infinite',
        ipRelaxation: 'enforce',
        permittedUsers: 'adminApproved',
        profiles: ['System Administrator'],
        permissionSets: o.permissionSets > 0 ? [setName(0)] : [],
        authorizedUsers: users.slice(0, Math.min(users.length, 20)).map((u) => u.username),
      },
    ],
  };
};

/** What a generated state holds, counted the way the emulator compiles it (for reports and tests). */
export const largeOrgCounts = (state: OrgState): { users: number; permissionSets: number; groups: number; assignments: number } => ({
  users: (state.users ?? []).length,
  permissionSets: (state.permissionSets ?? []).length,
  groups: (state.permissionSetGroups ?? []).length,
  assignments: (state.users ?? []).reduce((n, u) => n + 1 + (u.permissionSets ?? []).length + (u.permissionSetGroups ?? []).length, 0),
});
