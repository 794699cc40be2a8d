/*
 * UserEntityAccess and UserFieldAccess: Salesforce's verdict on one user's effective access to
 * objects and fields. The rows are computed when queried, for the one user the query's filter names
 * (a generated org has 10,000 users), from the compiled permission tables: the profile's permission
 * set, assigned permission sets and assigned groups' aggregate sets (muting already subtracted);
 * session-based sets do not count (never activated here). Overrides set through the test endpoint
 * make the org disagree with that computation, as a real org may know something the plugin does not.
 */
import { idKey } from './ids.js';
import { cellValue, PERMS, type Db, type Row, type Table } from './db.js';
import { entityVerdict, fieldVerdict as ruleFieldVerdict } from './rules.js';

export const USER_ENTITY_ACCESS = 'UserEntityAccess';
export const USER_FIELD_ACCESS = 'UserFieldAccess';

/** Whether a table's rows are computed per query (UserEntityAccess / UserFieldAccess). */
export const isUserAccessTable = (name: string): boolean => name === USER_ENTITY_ACCESS || name === USER_FIELD_ACCESS;

/** The verdict columns of a UserEntityAccess row. */
export const ENTITY_ACCESS_COLUMNS = ['IsReadable', 'IsCreatable', 'IsEditable', 'IsDeletable', 'IsUndeletable', 'IsMergeable'] as const;
/** The verdict columns of a UserFieldAccess row. */
export const FIELD_ACCESS_COLUMNS = ['IsAccessible', 'IsUpdatable', 'IsCreatable'] as const;

/**
 * A test's correction of what the org answers: `values` overwrite the computed columns of the
 * UserEntityAccess row of `object` (no `field`) or of the UserFieldAccess row of `object.field`.
 * Nothing else follows from it (an object made unreadable keeps its field rows as computed).
 */
export type AccessOverride = {
  username: string;
  object: string;
  field?: string;
  values: Record<string, boolean>;
};

/** What a UserEntityAccess / UserFieldAccess query's WHERE clause selects. */
export type UserAccessFilter = {
  /** the one user, 15 or 18 characters */
  userId: string;
  /** lower-case object names the filter restricts to (EntityDefinitionId / DurableId); undefined: every object */
  objects?: Set<string>;
};

/** Validates a PUT /__emulator/access-overrides body; throws Error naming the first problem. */
export const parseAccessOverrides = (value: unknown): AccessOverride[] => {
  if (!Array.isArray(value)) throw new Error('the body must be a JSON array of overrides (an empty array clears them)');
  return value.map((item: unknown, i) => parseOverride(item, `[${i}]`));
};

const parseOverride = (item: unknown, place: string): AccessOverride => {
  if (!item || typeof item !== 'object' || Array.isArray(item)) throw new Error(`${place}: must be an object`);
  const o = item as Record<string, unknown>;
  if (typeof o.username !== 'string' || o.username.length === 0) throw new Error(`${place}.username: a username is required`);
  if (typeof o.object !== 'string' || o.object.length === 0) throw new Error(`${place}.object: an object API name is required`);
  if (o.field !== undefined && (typeof o.field !== 'string' || o.field.length === 0)) throw new Error(`${place}.field: must be a field API name`);
  if (!o.values || typeof o.values !== 'object' || Array.isArray(o.values)) throw new Error(`${place}.values: must map columns to true/false`);
  const allowed: readonly string[] = o.field === undefined ? ENTITY_ACCESS_COLUMNS : FIELD_ACCESS_COLUMNS;
  const values: Record<string, boolean> = {};
  for (const [k, v] of Object.entries(o.values as Record<string, unknown>)) {
    const column = allowed.find((c) => c.toLowerCase() === k.toLowerCase());
    const what = o.field === undefined ? USER_ENTITY_ACCESS : USER_FIELD_ACCESS;
    if (!column) throw new Error(`${place}.values.${k}: not a ${what} column (${allowed.join(', ')})`);
    if (typeof v !== 'boolean') throw new Error(`${place}.values.${k}: must be true or false`);
    values[column] = v;
  }
  return { username: o.username, object: o.object, ...(o.field === undefined ? {} : { field: o.field }), values };
};

// ---------------------------------------------------------------- the user's sources

type ObjectGrant = { read: boolean; create: boolean; edit: boolean; delete: boolean; viewAllFields: boolean };

/** Everything the user's counted permission sets grant, merged. */
type Grants = {
  perms: Set<string>;
  /** lower-case object name -> merged object permissions */
  objects: Map<string, ObjectGrant>;
  /** lower-case 'object.field' -> edit wins over read */
  fields: Map<string, 'read' | 'edit'>;
};

type Verdict = { read: boolean; create: boolean; edit: boolean; delete: boolean };

const NO_GRANT: ObjectGrant = { read: false, create: false, edit: false, delete: false, viewAllFields: false };

/** Objects whose records can be merged (merging needs delete). */
const MERGEABLE = new Set(['account', 'contact', 'lead', 'case']);

const tableOf = (db: Db, name: string): Table => {
  const t = db.table(name);
  if (!t) throw new Error(`the emulator has no ${name} table`);
  return t;
};

/** The permission sets that count for the user: the profile's, assigned ones, groups' aggregates; not session-based. */
const countedSets = (db: Db, user: Row): Row[] => {
  const sets = tableOf(db, 'PermissionSet');
  const assignments = tableOf(db, 'PermissionSetAssignment');
  const ids = new Set<string>();
  const out: Row[] = [];
  const add = (row: Row | undefined): void => {
    if (!row || cellValue(sets, row, 'HasActivationRequired') === true) return;
    const key = idKey(String(row.Id));
    if (ids.has(key)) return;
    ids.add(key);
    out.push(row);
  };
  const profileId = cellValue(tableOf(db, 'User'), user, 'ProfileId');
  if (typeof profileId === 'string')
    for (const ps of db.lookup(sets, 'ProfileId', profileId)) if (cellValue(sets, ps, 'IsOwnedByProfile') === true) add(ps);
  const now = Date.now();
  for (const psa of db.lookup(assignments, 'AssigneeId', user.Id)) {
    const expires = cellValue(assignments, psa, 'ExpirationDate');
    if (typeof expires === 'string' && Date.parse(expires) < now) continue;
    add(db.lookup(sets, 'Id', cellValue(assignments, psa, 'PermissionSetId'))[0]);
  }
  return out;
};

const mergeObjectRow = (grants: Grants, objects: Table, db: Db, row: Row): void => {
  const key = String(cellValue(objects, row, 'SobjectType')).toLowerCase();
  const held = grants.objects.get(key) ?? { ...NO_GRANT };
  const has = (column: string): boolean => cellValue(objects, row, column) === true;
  grants.objects.set(key, {
    read: held.read || has('PermissionsRead'),
    create: held.create || has('PermissionsCreate'),
    edit: held.edit || has('PermissionsEdit'),
    delete: held.delete || has('PermissionsDelete'),
    viewAllFields: held.viewAllFields || has('PermissionsViewAllFields'),
  });
};

const mergeFieldRow = (grants: Grants, fields: Table, db: Db, row: Row): void => {
  if (cellValue(fields, row, 'PermissionsRead') !== true && cellValue(fields, row, 'PermissionsEdit') !== true) return;
  const key = String(cellValue(fields, row, 'Field')).toLowerCase();
  const edit = cellValue(fields, row, 'PermissionsEdit') === true || grants.fields.get(key) === 'edit';
  grants.fields.set(key, edit ? 'edit' : 'read');
};

const grantsOf = (db: Db, user: Row): Grants => {
  const objects = tableOf(db, 'ObjectPermissions');
  const fields = tableOf(db, 'FieldPermissions');
  const grants: Grants = { perms: new Set(), objects: new Map(), fields: new Map() };
  for (const ps of countedSets(db, user)) {
    for (const p of (ps[PERMS] as ReadonlySet<string> | undefined) ?? []) grants.perms.add(p);
    for (const row of db.lookup(objects, 'ParentId', ps.Id)) mergeObjectRow(grants, objects, db, row);
    for (const row of db.lookup(fields, 'ParentId', ps.Id)) mergeFieldRow(grants, fields, db, row);
  }
  return grants;
};

// ---------------------------------------------------------------- verdicts

/** Object access: the rule table in rules.ts (entityVerdict), over the user's merged grants. */
const objectVerdict = (g: Grants, object: string): Verdict =>
  entityVerdict(g.perms, (lower) => {
    const grant = g.objects.get(lower);
    return grant ? { ...grant, viewAll: false, modifyAll: false } : undefined;
  }, object);

type FieldFacts = { object: string; field: string; permissionable: boolean; createable: boolean; updateable: boolean };

/** Field access: the rule table in rules.ts (fieldVerdict). */
const fieldVerdict = (g: Grants, object: Verdict, f: FieldFacts): { accessible: boolean; updatable: boolean; creatable: boolean } =>
  ruleFieldVerdict(object, g.fields.get(`${f.object}.${f.field}`.toLowerCase()), g.objects.get(f.object.toLowerCase())?.viewAllFields === true, f);

// ---------------------------------------------------------------- rows

const applyOverrides = (row: Row, overrides: readonly AccessOverride[], username: string, object: string, field?: string): Row => {
  for (const o of overrides) {
    if (o.username.toLowerCase() !== username.toLowerCase() || o.object.toLowerCase() !== object.toLowerCase()) continue;
    if ((o.field ?? '').toLowerCase() !== (field ?? '').toLowerCase()) continue;
    Object.assign(row, o.values);
  }
  return row;
};

/** The EntityDefinition rows the filter names (every one when it names none), in table order. */
const entities = (db: Db, filter: UserAccessFilter): Row[] => {
  const defs = tableOf(db, 'EntityDefinition');
  if (!filter.objects) return defs.rows;
  return defs.rows.filter((r) => filter.objects?.has(String(r.DurableId).toLowerCase()));
};

const entityRow = (g: Grants, entity: string, userId: string): Row => {
  const v = objectVerdict(g, entity);
  const lower = entity.toLowerCase();
  const dataObject = !['user', 'permissionset', 'task', 'event'].includes(lower);
  return {
    Id: null,
    DurableId: `${entity}.${userId}`,
    EntityDefinitionId: entity,
    UserId: userId,
    IsReadable: v.read,
    IsCreatable: v.create,
    IsEditable: v.edit,
    IsDeletable: v.delete,
    IsUndeletable: dataObject && v.delete,
    IsMergeable: MERGEABLE.has(lower) && v.delete,
  };
};

const fieldRows = (db: Db, g: Grants, entity: string, userId: string): Row[] => {
  const particles = tableOf(db, 'EntityParticle');
  const object = objectVerdict(g, entity);
  return db.lookup(particles, 'EntityDefinitionId', entity).map((p) => {
    const field = String(p.QualifiedApiName);
    const v = fieldVerdict(g, object, {
      object: entity,
      field,
      permissionable: p.IsPermissionable === true,
      createable: p.IsCreatable === true,
      updateable: p.IsUpdatable === true,
    });
    return {
      Id: null,
      DurableId: `${entity}.${field}.${userId}`,
      EntityDefinitionId: entity,
      UserId: userId,
      IsAccessible: v.accessible,
      IsUpdatable: v.updatable,
      IsCreatable: v.creatable,
    };
  });
};

/**
 * The rows of a UserEntityAccess (one per object) or UserFieldAccess (one per field of each object)
 * query for the filter's user; none when there is no such user.
 */
export const userAccessRows = (db: Db, table: string, filter: UserAccessFilter, overrides: readonly AccessOverride[]): Row[] => {
  const users = tableOf(db, 'User');
  const user = db.lookup(users, 'Id', filter.userId)[0];
  if (!user) return [];
  const userId = String(user.Id);
  const username = String(user.Username);
  const g = grantsOf(db, user);
  const out: Row[] = [];
  for (const def of entities(db, filter)) {
    const entity = String(def.DurableId);
    if (table === USER_ENTITY_ACCESS) out.push(applyOverrides(entityRow(g, entity, userId), overrides, username, entity));
    else
      for (const row of fieldRows(db, g, entity, userId))
        out.push(applyOverrides(row, overrides, username, entity, String(row.DurableId).split('.')[1]));
  }
  return out;
};
