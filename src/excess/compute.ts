/*
 * computeExcess: everything one user holds beyond the manifest and what the manifest's items imply.
 * Pure: reads the requirements and the snapshot only. Meaningful on a snapshot read with `excess: true`
 * (every Permissions… column, object, field and app access of the user's sets); on a normal snapshot it
 * only sees what was read for the manifest.
 *
 * "Required" (never excess):
 * - system permissions the manifest names (of an `anyOf`, the least powerful member the user holds),
 *   the permissions they depend on (the org's PermissionDependency table, else the built-in fallback),
 *   and what a required Modify All Data brings along (rules.ts IMPLIED_BY_MODIFY_ALL_DATA);
 * - the system permissions that grant required access to objects without object permissions
 *   (Task/Event: Edit Tasks / Edit Events, User: Manage Users, …; rules.ts specialObjectAccess);
 * - object accesses the manifest names, what they imply on the same row (Modify All ⇒ Read, Edit,
 *   Delete, View All; Delete ⇒ Edit; …; rules.ts OBJECT_FLAG_IMPLIES read the other way round), Read on
 *   objects whose fields are required (as grant plans it), View All for `visibility: all` unless the
 *   org-wide default already shows every record; a required Modify All Data / View All Data implies
 *   every object access / Read and View All on every object;
 * - field permissions on the required fields (edit implies read; Task and Event share Activity's);
 * - everything a permission set the manifest requires (`user.permissionSets`) grants;
 * - access to the integration's own app.
 * Session-based sets are included (they can be activated); their sources say `session-based`.
 */
import type { ObjectAccess, ObjectRequirement, Requirements } from '../requirements/types.js';
import type { OrgSnapshot, PermissionSource, UserAccess } from '../snapshot/types.js';
import type { GrantSource } from '../evaluation/types.js';
import { effectiveAccess } from '../evaluation/effectiveAccess.js';
import {
  IMPLIED_BY_MODIFY_ALL_DATA,
  MODIFY_ALL_DATA,
  OBJECT_ACCESS_IMPLIED_BY,
  OBJECT_ACCESS_LABELS,
  OBJECT_FLAG_IMPLIES,
  VIEW_ALL_DATA,
  hasNoObjectPermissions,
  isPublicSharingModel,
  leastPowerfulFirst,
  specialObjectAccess,
  APP_ACCESS_RISK,
  FIELD_ACCESS_RISK,
  isRestrictive,
  OBJECT_ACCESS_RISK,
  RISK_TIERS,
  RISK_SOURCES,
  maxTier,
  systemPermissionRisk,
  tierRank,
} from '../salesforce/index.js';
import { dependencyClosure, dependencyTable } from '../grant/dependencies.js';
import type { ExcessItem, RiskTier, TierCounts, UserExcess } from './types.js';

const OBJECT_FLAGS: readonly ObjectAccess[] = ['modifyAll', 'viewAll', 'viewAllFields', 'delete', 'edit', 'create', 'read'];

const lower = (s: string): string => s.toLowerCase();

/** What the manifest needs, as sets of lower-cased names, with the reason each is needed. */
export type RequiredAccess = {
  /** lower-cased permission -> the manifest item that needs it */
  systemPermissions: Map<string, string>;
  /** lower-cased object -> accesses */
  objects: Map<string, Set<ObjectAccess>>;
  /** lower-cased `Object.Field` -> 'read' | 'edit' (Activity.X for Task/Event fields too) */
  fields: Map<string, 'read' | 'edit'>;
  /** every object access implied on every object (a required Modify All Data / View All Data) */
  allObjects: Set<ObjectAccess>;
  /** lower-cased permission set / group names the manifest requires */
  permissionSets: Set<string>;
  /** Id of the integration's app, when known */
  appId?: string;
  /** Human-readable required items with the query that checks them, for `meetsRequired` and "contributes" */
  items: Array<{ label: string; query: Parameters<ReturnType<typeof effectiveAccess>['explain']>[0] }>;
};

const addObject = (required: RequiredAccess, object: string, access: ObjectAccess): void => {
  const key = lower(object);
  const set = required.objects.get(key) ?? new Set<ObjectAccess>();
  set.add(access);
  for (const implied of OBJECT_FLAG_IMPLIES[access]) set.add(implied);
  required.objects.set(key, set);
};

const addField = (required: RequiredAccess, object: string, field: string, access: 'read' | 'edit'): void => {
  const keys = [`${object}.${field}`];
  if (['task', 'event'].includes(lower(object))) keys.push(`Activity.${field}`);
  for (const k of keys) {
    const key = lower(k);
    if (required.fields.get(key) !== 'edit') required.fields.set(key, access);
  }
};

/** The held permission that meets an anyOf: the least powerful member held, else the first member. */
const chooseAlternative = (names: string[], holds: (name: string) => boolean): string[] => {
  const held = leastPowerfulFirst(names).filter(holds);
  return held.length > 0 ? [held[0]] : names.length === 1 ? names : [];
};

/** One object's required accesses and fields (objects without object permissions: the permissions that grant them). */
const addObjectRequirement = (
  required: RequiredAccess,
  o: ObjectRequirement,
  snapshot: OrgSnapshot,
  holds: (name: string) => boolean,
  need: (name: string, why: string) => void
): void => {
  const wanted: Array<{ access: ObjectAccess; path: string }> = [...o.access];
  const sharing = snapshot.objects[o.object]?.sharingModel;
  if (o.visibility && !isPublicSharingModel(sharing)) wanted.push({ access: 'viewAll', path: o.visibility.path });
  for (const { access: a, path } of wanted) {
    const rule = specialObjectAccess(o.object, a);
    required.items.push({ label: `${o.object}: ${OBJECT_ACCESS_LABELS[a]}`, query: { type: 'object', object: o.object, access: a } });
    if (!rule) {
      addObject(required, o.object, a);
      continue;
    }
    if (rule.kind === 'systemPermission') {
      for (const name of chooseAlternative(rule.names, holds)) need(name, path);
      if (rule.object) addObject(required, rule.object.object, rule.object.access);
    }
  }
  for (const f of o.fields) {
    addField(required, o.object, f.field, f.access);
    required.items.push({ label: `${o.object}.${f.field}: ${f.access}`, query: { type: 'field', object: o.object, field: f.field, access: f.access } });
    if (!hasNoObjectPermissions(o.object)) addObject(required, o.object, 'read');
  }
};

/** Everything the manifest needs for this user (alternatives resolved against what the user holds). */
export const requiredAccess = (requirements: Requirements, snapshot: OrgSnapshot, user: UserAccess): RequiredAccess => {
  const access = effectiveAccess(snapshot, user);
  const holds = (name: string): boolean => access.systemPermission(name).length > 0;
  const required: RequiredAccess = {
    systemPermissions: new Map(),
    objects: new Map(),
    fields: new Map(),
    allObjects: new Set(),
    permissionSets: new Set(requirements.user.permissionSets.flatMap((i) => i.names.map(lower))),
    appId: snapshot.app?.id,
    items: [],
  };
  const need = (name: string, why: string): void => {
    if (!required.systemPermissions.has(lower(name))) required.systemPermissions.set(lower(name), why);
  };
  for (const item of requirements.systemPermissions) {
    for (const name of chooseAlternative(item.names, holds)) need(name, item.path);
    for (const name of item.names) required.items.push({ label: name, query: { type: 'systemPermission', name } });
  }
  for (const o of requirements.objects) addObjectRequirement(required, o, snapshot, holds, need);
  // what required permissions depend on or bring along
  const table = dependencyTable(snapshot.permissionDependencies);
  const roots = [...required.systemPermissions.keys()];
  const canonical = (name: string): string => snapshot.availablePermissions.find((p) => lower(p) === name) ?? name;
  for (const edge of dependencyClosure(roots.map(canonical), table)) need(edge.permission, `needed by ${edge.requiredBy}`);
  if (required.systemPermissions.has(lower(MODIFY_ALL_DATA))) {
    for (const name of IMPLIED_BY_MODIFY_ALL_DATA) need(name, `brought along by ${MODIFY_ALL_DATA}`);
    for (const a of OBJECT_FLAGS) required.allObjects.add(a);
  }
  if (required.systemPermissions.has(lower(VIEW_ALL_DATA))) {
    required.allObjects.add('read');
    required.allObjects.add('viewAll');
  }
  if (required.appId) required.items.push({ label: `app access ${snapshot.app?.name ?? required.appId}`, query: { type: 'app', appId: required.appId } });
  return required;
};

const baseSource = (ps: PermissionSource, user: UserAccess): GrantSource =>
  ps.kind === 'Profile'
    ? { kind: 'Profile', name: ps.name || user.profileName }
    : { kind: ps.kind === 'PermissionSetGroup' ? 'PermissionSetGroup' : 'PermissionSet', name: ps.name };

/** The user's assigned sources (profile, sets, group aggregates), without muting sets and duplicates. */
const assignedSources = (snapshot: OrgSnapshot, user: UserAccess): PermissionSource[] => {
  const seen = new Set<string>();
  const out: PermissionSource[] = [];
  for (const id of user.permissionSetIds) {
    const ps = snapshot.permissionSets[id];
    if (!ps || seen.has(id) || ps.kind === 'MutingPermissionSet') continue;
    seen.add(id);
    out.push(ps);
  }
  return out;
};

/** The grant source of `ps` for something `test` finds in it, naming the group member that carries it. */
const sourceFor = (snapshot: OrgSnapshot, user: UserAccess, ps: PermissionSource, test: (s: PermissionSource) => boolean): GrantSource => {
  const base = baseSource(ps, user);
  const member = ps.group?.memberIds.map((id) => snapshot.permissionSets[id]).find((m) => m !== undefined && test(m));
  const via = [member?.name, ps.sessionBased ? 'session-based' : undefined].filter(Boolean).join(', ');
  return via ? { ...base, via } : base;
};

const sourceKey = (g: GrantSource): string => `${g.kind}:${lower(g.name)}`;

const uniqueSources = (sources: GrantSource[]): GrantSource[] => {
  const seen = new Set<string>();
  return sources.filter((s) => {
    const k = `${sourceKey(s)}:${s.via ?? ''}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
};

const objectOfField = (key: string): [string, string] => {
  const dot = key.indexOf('.');
  return [key.slice(0, dot), key.slice(dot + 1)];
};

/** Which implying grant (`ModifyAllData`, `ViewAllFields`, …) meets which required items, from the effective access. */
const impliedMeets = (snapshot: OrgSnapshot, user: UserAccess, required: RequiredAccess): Map<string, string[]> => {
  const access = effectiveAccess(snapshot, user);
  const meets = new Map<string, string[]>();
  for (const { label, query } of required.items) {
    const granted = access.explain(query).grants.filter((g) => !g.sessionBased);
    // only when every counting grant is implied: a direct grant elsewhere already meets the item
    if (granted.length === 0 || granted.some((g) => !g.implied)) continue;
    // every permission that implies it, not only the one the effective access names first
    const implying = new Set(granted.map((g) => g.implied as string));
    if (query.type === 'object' && !specialObjectAccess(query.object, query.access)) {
      for (const p of OBJECT_ACCESS_IMPLIED_BY[query.access]) implying.add(p);
    }
    for (const name of implying) {
      const key = lower(name);
      const objectKey = query.type === 'object' || query.type === 'field' ? `${key}@${lower(query.object)}` : key;
      for (const k of new Set([key, objectKey])) meets.set(k, [...new Set([...(meets.get(k) ?? []), label])]);
    }
  }
  return meets;
};

const systemPermissionItems = (snapshot: OrgSnapshot, user: UserAccess, sources: PermissionSource[], required: RequiredAccess, meets: Map<string, string[]>): ExcessItem[] => {
  const held = new Map<string, { name: string; sources: GrantSource[] }>();
  for (const ps of sources) {
    for (const name of ps.systemPermissions) {
      if (required.systemPermissions.has(lower(name)) || isRestrictive(name)) continue;
      const entry = held.get(lower(name)) ?? { name, sources: [] };
      entry.sources.push(sourceFor(snapshot, user, ps, (m) => m.systemPermissions.some((p) => lower(p) === lower(name))));
      held.set(lower(name), entry);
    }
  }
  return [...held.values()].map(({ name, sources: s }) => {
    const risk = systemPermissionRisk(name);
    const label = risk.label !== name ? `${risk.label} (${name})` : name;
    const met = meets.get(lower(name));
    return {
      kind: 'systemPermission',
      key: `systemPermission:${name}`,
      item: label,
      tier: risk.tier,
      reason: risk.reason,
      reference: risk.source,
      sources: uniqueSources(s),
      permission: name,
      ...(met ? { meetsRequired: met } : {}),
    };
  });
};

const objectAccessItems = (snapshot: OrgSnapshot, user: UserAccess, sources: PermissionSource[], required: RequiredAccess, meets: Map<string, string[]>): ExcessItem[] => {
  const byObject = new Map<string, { object: string; access: Set<ObjectAccess>; sources: GrantSource[] }>();
  for (const ps of sources) {
    for (const [object, flags] of Object.entries(ps.objectPermissions)) {
      const needed = required.objects.get(lower(object)) ?? new Set<ObjectAccess>();
      const extra = OBJECT_FLAGS.filter((a) => flags[a] && !needed.has(a) && !required.allObjects.has(a));
      if (extra.length === 0) continue;
      const entry = byObject.get(lower(object)) ?? { object, access: new Set<ObjectAccess>(), sources: [] };
      for (const a of extra) entry.access.add(a);
      entry.sources.push(sourceFor(snapshot, user, ps, (m) => extra.some((a) => m.objectPermissions[object]?.[a] === true)));
      byObject.set(lower(object), entry);
    }
  }
  return [...byObject.values()].map(({ object, access, sources: s }) => {
    const list = OBJECT_FLAGS.filter((a) => access.has(a));
    const tier = list.map((a) => OBJECT_ACCESS_RISK[a]).reduce<RiskTier>((acc, t) => maxTier(acc, t), 'low');
    const met = list.flatMap((a) => meets.get(`${lower(OBJECT_ACCESS_LABELS[a].replace(/\s/g, ''))}@${lower(object)}`) ?? []);
    const needed = [...(required.objects.get(lower(object)) ?? [])];
    const beyond = needed.length > 0 ? `beyond ${OBJECT_FLAGS.filter((a) => needed.includes(a)).map((a) => OBJECT_ACCESS_LABELS[a]).join(', ')}` : 'not needed at all';
    return {
      kind: 'objectAccess',
      key: `objectAccess:${object}`,
      item: `${object}: ${list.map((a) => OBJECT_ACCESS_LABELS[a]).join(', ')} (${beyond})`,
      tier,
      reason: list.includes('modifyAll')
        ? 'Modify All: edit and delete every record of the object, ignoring sharing'
        : list.includes('viewAll') || list.includes('viewAllFields')
          ? 'View All / View All Fields: every record or every field of the object'
          : 'object access the integration does not need',
      reference: RISK_SOURCES.HELP_VIEW_ALL_MODIFY_ALL,
      sources: uniqueSources(s),
      object,
      access: list,
      ...(met.length > 0 ? { meetsRequired: [...new Set(met)] } : {}),
    };
  });
};

const fieldAccessItems = (snapshot: OrgSnapshot, user: UserAccess, sources: PermissionSource[], required: RequiredAccess): ExcessItem[] => {
  const byObject = new Map<string, { object: string; read: Set<string>; edit: Set<string>; sources: GrantSource[] }>();
  for (const ps of sources) {
    for (const [key, flags] of Object.entries(ps.fieldPermissions)) {
      const need = required.fields.get(lower(key));
      const [object, field] = objectOfField(key);
      const excessEdit = flags.edit && need !== 'edit';
      const excessRead = flags.read && need === undefined;
      if (!excessEdit && !excessRead) continue;
      const entry = byObject.get(lower(object)) ?? { object, read: new Set<string>(), edit: new Set<string>(), sources: [] };
      if (excessEdit) entry.edit.add(field);
      else entry.read.add(field);
      entry.sources.push(sourceFor(snapshot, user, ps, (m) => m.fieldPermissions[key] !== undefined));
      byObject.set(lower(object), entry);
    }
  }
  return [...byObject.values()].map(({ object, read, edit, sources: s }) => {
    const editList = [...edit].sort();
    const readList = [...read].filter((f) => !edit.has(f)).sort();
    const total = editList.length + readList.length;
    return {
      kind: 'fieldAccess',
      key: `fieldAccess:${object}`,
      item: `${object}: ${total} field${total === 1 ? '' : 's'} beyond the manifest (${editList.length} editable, ${readList.length} read-only)`,
      tier: FIELD_ACCESS_RISK,
      reason: 'field-level security the integration does not need',
      reference: RISK_SOURCES.HELP_USER_PERMISSIONS,
      sources: uniqueSources(s),
      object,
      fields: { read: readList, edit: editList },
    };
  });
};

const appAccessItems = (snapshot: OrgSnapshot, user: UserAccess, sources: PermissionSource[], required: RequiredAccess): ExcessItem[] => {
  const sameApp = (a: string, b: string | undefined): boolean => b !== undefined && a.slice(0, 15) === b.slice(0, 15);
  const byApp = new Map<string, { id: string; sources: GrantSource[] }>();
  for (const ps of sources) {
    for (const id of ps.appAccess) {
      if (sameApp(id, required.appId)) continue;
      const entry = byApp.get(id.slice(0, 15)) ?? { id, sources: [] };
      entry.sources.push(sourceFor(snapshot, user, ps, (m) => m.appAccess.some((x) => sameApp(x, id))));
      byApp.set(id.slice(0, 15), entry);
    }
  }
  const names = snapshot.appNames ?? {};
  return [...byApp.values()].map(({ id, sources: s }) => {
    const name = Object.entries(names).find(([k]) => sameApp(k, id))?.[1] ?? id;
    return {
      kind: 'appAccess',
      key: `appAccess:${name}`,
      item: `app access: ${name}`,
      tier: APP_ACCESS_RISK,
      reason: 'pre-authorized for an admin-approved app the integration does not use: another way in with this user',
      reference: RISK_SOURCES.HELP_UNINSTALLED_APPS,
      sources: uniqueSources(s),
      app: { id, name },
    };
  });
};

/** Assigned sets and groups (never the profile) that grant no required item. */
const idleSetItems = (snapshot: OrgSnapshot, user: UserAccess, sources: PermissionSource[], required: RequiredAccess, others: ExcessItem[]): ExcessItem[] => {
  const access = effectiveAccess(snapshot, user);
  const contributing = new Set<string>();
  for (const { query } of required.items) {
    for (const g of access.explain(query).grants) contributing.add(sourceKey(g.source));
  }
  const out: ExcessItem[] = [];
  for (const ps of sources) {
    if (ps.kind === 'Profile') continue;
    const source = baseSource(ps, user);
    if (contributing.has(sourceKey(source)) || required.permissionSets.has(lower(ps.name))) continue;
    const contributions = others.filter((i) => i.sources.some((s) => sourceKey(s) === sourceKey(source)));
    const tier = contributions.reduce<RiskTier>((acc, i) => maxTier(acc, i.tier), 'low');
    const kind = source.kind === 'PermissionSetGroup' ? 'PermissionSetGroup' : 'PermissionSet';
    out.push({
      kind: 'permissionSet',
      key: `permissionSet:${kind}:${ps.name}`,
      item: `${kind === 'PermissionSetGroup' ? 'permission set group' : 'permission set'} ${ps.name}: grants nothing the manifest needs (${contributions.length} excess item${contributions.length === 1 ? '' : 's'})`,
      tier,
      reason: 'assigned but contributes no required item: everything it grants is excess',
      reference: RISK_SOURCES.HELP_USER_PERMISSIONS,
      sources: [ps.sessionBased ? { ...source, via: 'session-based' } : source],
      permissionSet: { kind, name: ps.name, id: ps.id },
    });
  }
  return out;
};

const KIND_ORDER = ['permissionSet', 'systemPermission', 'objectAccess', 'fieldAccess', 'appAccess'];

/** Riskiest first, then permission sets, system permissions, objects, fields, apps; then by name. */
export const compareExcess = (a: ExcessItem, b: ExcessItem): number =>
  tierRank(b.tier) - tierRank(a.tier) || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.key.localeCompare(b.key);

export const countByTier = (items: readonly ExcessItem[]): TierCounts => {
  const counts = Object.fromEntries(RISK_TIERS.map((t) => [t, 0])) as TierCounts;
  for (const i of items) counts[i.tier] += 1;
  return counts;
};

/** Everything `user` holds beyond `requirements`, with its source and risk tier. */
export const computeExcess = (requirements: Requirements, snapshot: OrgSnapshot, user: UserAccess): UserExcess => {
  const required = requiredAccess(requirements, snapshot, user);
  const sources = assignedSources(snapshot, user).filter((ps) => ps.kind === 'Profile' || !required.permissionSets.has(lower(ps.name)));
  const meets = impliedMeets(snapshot, user, required);
  const held = [
    ...systemPermissionItems(snapshot, user, sources, required, meets),
    ...objectAccessItems(snapshot, user, sources, required, meets),
    ...fieldAccessItems(snapshot, user, sources, required),
    ...appAccessItems(snapshot, user, sources, required),
  ];
  const items = [...idleSetItems(snapshot, user, sources, required, held), ...held].sort(compareExcess);
  const counts = countByTier(items);
  const highest = RISK_TIERS.find((t) => counts[t] > 0);
  return { items, counts, ...(highest ? { highest } : {}) };
};
