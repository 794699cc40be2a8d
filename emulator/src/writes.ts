/*
 * REST writes the emulator accepts: inserting and deleting PermissionSetAssignment,
 * PermissionSetLicenseAssign and SetupEntityAccess rows. Each is applied to the names-based state
 * and committed (validated + recompiled) — refused the way Salesforce refuses the save.
 */
import type { OrgState } from './orgState.js';
import type { OrgModel } from './context.js';
import { StateError } from './state.js';
import { SOURCE, type Row, type RowSource, type Table } from './tables.js';

export class WriteError extends Error {
  public readonly status: number;
  public readonly errorCode: string;
  public readonly fields: string[];
  public constructor(status: number, errorCode: string, message: string, fields: string[] = []) {
    super(message);
    this.name = 'WriteError';
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }
}

export const WRITABLE_TYPES = ['PermissionSetAssignment', 'PermissionSetLicenseAssign', 'SetupEntityAccess'];

const crossRef = (field: string, value: unknown): WriteError =>
  new WriteError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id: ${String(value)}`, [field]);

const fieldValue = (body: Record<string, unknown>, name: string): unknown => {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key ? body[key] : undefined;
};

const sourceOf = (row: Row): RowSource | undefined => row[SOURCE] as RowSource | undefined;

const rowIn = (model: OrgModel, tableName: string, id: unknown, field: string): { table: Table; row: Row } => {
  if (typeof id !== 'string' || id.length === 0) throw new WriteError(400, 'REQUIRED_FIELD_MISSING', `Required fields are missing: [${field}]`, [field]);
  const hit = model.db.rowById(id);
  if (!hit || hit.table.name !== tableName) throw crossRef(field, id);
  return hit;
};

const userOf = (state: OrgState, username: string): NonNullable<OrgState['users']>[number] => {
  const u = (state.users ?? []).find((x) => x.username === username);
  if (!u) throw new WriteError(400, 'INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id: ${username}`);
  return u;
};

const duplicate = (existingId: string | undefined): WriteError =>
  new WriteError(400, 'DUPLICATE_VALUE', `duplicate value found: <unknown> duplicates value on record with id: ${existingId ?? '<unknown>'}`);

/** Commits the next state, translating save-rule refusals into Salesforce errors. */
const commitOrRefuse = (model: OrgModel, next: OrgState): void => {
  try {
    model.commit(next);
  } catch (e) {
    if (e instanceof StateError) throw new WriteError(400, 'FIELD_INTEGRITY_EXCEPTION', e.reason);
    throw e;
  }
};

const findRow = (model: OrgModel, tableName: string, match: Record<string, string | null>): Row | undefined => {
  const table = model.db.table(tableName);
  if (!table) return undefined;
  const [firstCol, firstVal] = Object.entries(match)[0];
  return model.db
    .lookup(table, firstCol, firstVal)
    .find((r) => Object.entries(match).every(([c, v]) => (model.db.value(table, r, c) ?? null) === v));
};

/** Inserts one record; returns its new Id. */
export const createRecord = (model: OrgModel, type: string, body: Record<string, unknown>): string => {
  const canonical = WRITABLE_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
  if (!canonical) {
    const known = model.db.table(type);
    if (!known) throw new WriteError(404, 'NOT_FOUND', 'The requested resource does not exist');
    throw new WriteError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${known.name} does not support insert`);
  }
  const next = model.getState();
  if (canonical === 'PermissionSetAssignment') {
    const user = rowIn(model, 'User', fieldValue(body, 'AssigneeId'), 'AssigneeId');
    const u = userOf(next, (sourceOf(user.row) as RowSource).name);
    const groupIdIn = fieldValue(body, 'PermissionSetGroupId');
    const setIdIn = fieldValue(body, 'PermissionSetId');
    let groupName: string | undefined;
    let setName: string | undefined;
    if (typeof groupIdIn === 'string' && groupIdIn.length > 0) {
      const g = rowIn(model, 'PermissionSetGroup', groupIdIn, 'PermissionSetGroupId');
      groupName = (sourceOf(g.row) as RowSource).name;
    } else {
      const ps = rowIn(model, 'PermissionSet', setIdIn, 'PermissionSetId');
      const src = sourceOf(ps.row) as RowSource;
      if (src.kind === 'profile')
        throw new WriteError(
          400,
          'FIELD_INTEGRITY_EXCEPTION',
          "You can't assign or unassign this permission set because it's associated with a profile.",
          ['PermissionSetId']
        );
      if (src.kind === 'group') groupName = src.name;
      else setName = src.name;
    }
    if (groupName) {
      if ((u.permissionSetGroups ?? []).includes(groupName)) {
        const gId = findGroupRow(model, groupName)?.Id;
        throw duplicate(findRow(model, 'PermissionSetAssignment', { AssigneeId: user.row.Id as string, PermissionSetGroupId: gId as string })?.Id as string);
      }
      u.permissionSetGroups = [...(u.permissionSetGroups ?? []), groupName];
    } else if (setName) {
      if ((u.permissionSets ?? []).includes(setName)) {
        throw duplicate(findRow(model, 'PermissionSetAssignment', { AssigneeId: user.row.Id as string, PermissionSetId: setIdIn as string })?.Id as string);
      }
      u.permissionSets = [...(u.permissionSets ?? []), setName];
    }
    commitOrRefuse(model, next);
    const userId = user.row.Id as string;
    const table = model.db.table('PermissionSetAssignment') as Table;
    const rows = model.db.lookup(table, 'AssigneeId', userId);
    const created = groupName
      ? rows.find((r) => r.PermissionSetGroupId === findGroupRow(model, groupName)?.Id)
      : rows.find((r) => r.PermissionSetId === findSetRow(model, setName as string)?.Id);
    return created?.Id as string;
  }
  if (canonical === 'PermissionSetLicenseAssign') {
    const user = rowIn(model, 'User', fieldValue(body, 'AssigneeId'), 'AssigneeId');
    const psl = rowIn(model, 'PermissionSetLicense', fieldValue(body, 'PermissionSetLicenseId'), 'PermissionSetLicenseId');
    const u = userOf(next, (sourceOf(user.row) as RowSource).name);
    const name = (sourceOf(psl.row) as RowSource).name;
    if ((u.permissionSetLicenses ?? []).includes(name))
      throw duplicate(findRow(model, 'PermissionSetLicenseAssign', { AssigneeId: user.row.Id as string, PermissionSetLicenseId: psl.row.Id as string })?.Id as string);
    u.permissionSetLicenses = [...(u.permissionSetLicenses ?? []), name];
    commitOrRefuse(model, next);
    return findRow(model, 'PermissionSetLicenseAssign', { AssigneeId: user.row.Id as string, PermissionSetLicenseId: psl.row.Id as string })?.Id as string;
  }
  // SetupEntityAccess
  const parent = rowIn(model, 'PermissionSet', fieldValue(body, 'ParentId'), 'ParentId');
  // a connected app or (SetupEntityType 'ExternalClientApplication') an External Client App
  const appHit = model.db.rowById(String(fieldValue(body, 'SetupEntityId') ?? ''));
  const app = rowIn(model, appHit?.table.name === 'ExternalClientApplication' ? 'ExternalClientApplication' : 'ConnectedApplication', fieldValue(body, 'SetupEntityId'), 'SetupEntityId');
  const appName = (sourceOf(app.row) as RowSource).name;
  const stateApp = (next.connectedApps ?? []).find((a) => a.name === appName);
  if (!stateApp) throw crossRef('SetupEntityId', app.row.Id);
  const src = sourceOf(parent.row) as RowSource;
  if (src.kind === 'profile') {
    if ((stateApp.profiles ?? []).includes(src.name)) throw duplicate(findSea(model, parent.row.Id as string, app.row.Id as string));
    stateApp.profiles = [...(stateApp.profiles ?? []), src.name];
  } else if (src.kind === 'permissionSet') {
    if ((stateApp.permissionSets ?? []).includes(src.name)) throw duplicate(findSea(model, parent.row.Id as string, app.row.Id as string));
    stateApp.permissionSets = [...(stateApp.permissionSets ?? []), src.name];
  } else {
    throw new WriteError(400, 'FIELD_INTEGRITY_EXCEPTION', 'Setup entity access cannot be granted to a permission set group directly', ['ParentId']);
  }
  commitOrRefuse(model, next);
  return findSea(model, parent.row.Id as string, app.row.Id as string) as string;
};

const findSea = (model: OrgModel, parentId: string, appId: string): string | undefined =>
  findRow(model, 'SetupEntityAccess', { ParentId: parentId, SetupEntityId: appId })?.Id as string | undefined;

const findGroupRow = (model: OrgModel, name: string): Row | undefined => findRow(model, 'PermissionSetGroup', { DeveloperName: name });
const findSetRow = (model: OrgModel, name: string): Row | undefined => findRow(model, 'PermissionSet', { Name: name });

/** Deletes one record by Id. */
export const deleteRecord = (model: OrgModel, type: string, id: string): void => {
  const canonical = WRITABLE_TYPES.find((t) => t.toLowerCase() === type.toLowerCase());
  const hit = model.db.rowById(id);
  if (!canonical) {
    if (!model.db.table(type)) throw new WriteError(404, 'NOT_FOUND', 'The requested resource does not exist');
    throw new WriteError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${type} does not support delete`);
  }
  if (!hit || hit.table.name !== canonical) throw new WriteError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  const next = model.getState();
  const db = model.db;
  const userRow = (assigneeId: unknown): NonNullable<OrgState['users']>[number] => {
    const u = db.rowById(String(assigneeId));
    if (!u) throw new WriteError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
    return userOf(next, (sourceOf(u.row) as RowSource).name);
  };
  if (canonical === 'PermissionSetAssignment') {
    const u = userRow(hit.row.AssigneeId);
    if (hit.row.PermissionSetGroupId) {
      const g = db.rowById(String(hit.row.PermissionSetGroupId));
      const name = g ? (sourceOf(g.row) as RowSource).name : '';
      u.permissionSetGroups = (u.permissionSetGroups ?? []).filter((x) => x !== name);
    } else {
      const ps = db.rowById(String(hit.row.PermissionSetId));
      const src = ps ? (sourceOf(ps.row) as RowSource) : undefined;
      if (src?.kind === 'profile')
        throw new WriteError(400, 'FIELD_INTEGRITY_EXCEPTION', "You can't assign or unassign this permission set because it's associated with a profile.");
      u.permissionSets = (u.permissionSets ?? []).filter((x) => x !== src?.name);
    }
  } else if (canonical === 'PermissionSetLicenseAssign') {
    const u = userRow(hit.row.AssigneeId);
    const l = db.rowById(String(hit.row.PermissionSetLicenseId));
    const name = l ? (sourceOf(l.row) as RowSource).name : '';
    u.permissionSetLicenses = (u.permissionSetLicenses ?? []).filter((x) => x !== name);
  } else {
    const parent = db.rowById(String(hit.row.ParentId));
    const app = db.rowById(String(hit.row.SetupEntityId));
    const src = parent ? (sourceOf(parent.row) as RowSource) : undefined;
    const appName = app ? (sourceOf(app.row) as RowSource).name : '';
    const stateApp = (next.connectedApps ?? []).find((a) => a.name === appName);
    if (stateApp && src?.kind === 'profile') stateApp.profiles = (stateApp.profiles ?? []).filter((x) => x !== src.name);
    if (stateApp && src?.kind === 'permissionSet') stateApp.permissionSets = (stateApp.permissionSets ?? []).filter((x) => x !== src.name);
  }
  commitOrRefuse(model, next);
};
