/*
 * REST writes the emulator accepts: inserting and deleting PermissionSetAssignment,
 * PermissionSetLicenseAssign and SetupEntityAccess rows. Each is applied to the names-based state
 * and committed (validated + recompiled) — refused the way Salesforce refuses the save.
 */
import type { OrgState } from './orgState.js';
import type { OrgModel } from './context.js';
import { StateError } from './state.js';
import { cellValue, SOURCE, type Row, type RowSource, type Table } from './db.js';

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
    .find((r) => Object.entries(match).every(([c, v]) => (cellValue(table, r, c) ?? null) === v));
};

type StateUser = NonNullable<OrgState['users']>[number];

const profileSetRefusal = (fields: string[] = []): WriteError =>
  new WriteError(400, 'FIELD_INTEGRITY_EXCEPTION', "You can't assign or unassign this permission set because it's associated with a profile.", fields);

/** What a new PermissionSetAssignment assigns: a group (by PermissionSetGroupId or its aggregate set) or a permission set. */
const assignmentTarget = (model: OrgModel, body: Record<string, unknown>): { groupName?: string; setName?: string } => {
  const groupIdIn = fieldValue(body, 'PermissionSetGroupId');
  if (typeof groupIdIn === 'string' && groupIdIn.length > 0) {
    const g = rowIn(model, 'PermissionSetGroup', groupIdIn, 'PermissionSetGroupId');
    return { groupName: (sourceOf(g.row) as RowSource).name };
  }
  const ps = rowIn(model, 'PermissionSet', fieldValue(body, 'PermissionSetId'), 'PermissionSetId');
  const src = sourceOf(ps.row) as RowSource;
  if (src.kind === 'profile') throw profileSetRefusal(['PermissionSetId']);
  return src.kind === 'group' ? { groupName: src.name } : { setName: src.name };
};

const createAssignment = (model: OrgModel, next: OrgState, body: Record<string, unknown>): string => {
  const user = rowIn(model, 'User', fieldValue(body, 'AssigneeId'), 'AssigneeId');
  const userId = user.row.Id as string;
  const u = userOf(next, (sourceOf(user.row) as RowSource).name);
  const { groupName, setName } = assignmentTarget(model, body);
  if (groupName) {
    const gId = findGroupRow(model, groupName)?.Id as string;
    if ((u.permissionSetGroups ?? []).includes(groupName))
      throw duplicate(findRow(model, 'PermissionSetAssignment', { AssigneeId: userId, PermissionSetGroupId: gId })?.Id as string);
    u.permissionSetGroups = [...(u.permissionSetGroups ?? []), groupName];
  } else if (setName) {
    if ((u.permissionSets ?? []).includes(setName)) {
      const psId = fieldValue(body, 'PermissionSetId') as string;
      throw duplicate(findRow(model, 'PermissionSetAssignment', { AssigneeId: userId, PermissionSetId: psId })?.Id as string);
    }
    u.permissionSets = [...(u.permissionSets ?? []), setName];
  }
  commitOrRefuse(model, next);
  const rows = model.db.lookup(model.db.table('PermissionSetAssignment') as Table, 'AssigneeId', userId);
  const created = groupName
    ? rows.find((r) => r.PermissionSetGroupId === findGroupRow(model, groupName)?.Id)
    : rows.find((r) => r.PermissionSetId === findSetRow(model, setName as string)?.Id);
  return created?.Id as string;
};

const createLicenseAssignment = (model: OrgModel, next: OrgState, body: Record<string, unknown>): string => {
  const user = rowIn(model, 'User', fieldValue(body, 'AssigneeId'), 'AssigneeId');
  const psl = rowIn(model, 'PermissionSetLicense', fieldValue(body, 'PermissionSetLicenseId'), 'PermissionSetLicenseId');
  const u = userOf(next, (sourceOf(user.row) as RowSource).name);
  const name = (sourceOf(psl.row) as RowSource).name;
  const match = { AssigneeId: user.row.Id as string, PermissionSetLicenseId: psl.row.Id as string };
  if ((u.permissionSetLicenses ?? []).includes(name)) throw duplicate(findRow(model, 'PermissionSetLicenseAssign', match)?.Id as string);
  u.permissionSetLicenses = [...(u.permissionSetLicenses ?? []), name];
  commitOrRefuse(model, next);
  return findRow(model, 'PermissionSetLicenseAssign', match)?.Id as string;
};

const createSetupEntityAccess = (model: OrgModel, next: OrgState, body: Record<string, unknown>): string => {
  const parent = rowIn(model, 'PermissionSet', fieldValue(body, 'ParentId'), 'ParentId');
  // a connected app or (SetupEntityType 'ExternalClientApplication') an External Client App
  const appHit = model.db.rowById(String(fieldValue(body, 'SetupEntityId') ?? ''));
  const app = rowIn(model, appHit?.table.name === 'ExternalClientApplication' ? 'ExternalClientApplication' : 'ConnectedApplication', fieldValue(body, 'SetupEntityId'), 'SetupEntityId');
  const appName = (sourceOf(app.row) as RowSource).name;
  const stateApp = (next.connectedApps ?? []).find((a) => a.name === appName);
  if (!stateApp) throw crossRef('SetupEntityId', app.row.Id);
  const src = sourceOf(parent.row) as RowSource;
  const existing = (): string | undefined => findSea(model, parent.row.Id as string, app.row.Id as string);
  if (src.kind === 'profile') {
    if ((stateApp.profiles ?? []).includes(src.name)) throw duplicate(existing());
    stateApp.profiles = [...(stateApp.profiles ?? []), src.name];
  } else if (src.kind === 'permissionSet') {
    if ((stateApp.permissionSets ?? []).includes(src.name)) throw duplicate(existing());
    stateApp.permissionSets = [...(stateApp.permissionSets ?? []), src.name];
  } else {
    throw new WriteError(400, 'FIELD_INTEGRITY_EXCEPTION', 'Setup entity access cannot be granted to a permission set group directly', ['ParentId']);
  }
  commitOrRefuse(model, next);
  return existing() as string;
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
  if (canonical === 'PermissionSetAssignment') return createAssignment(model, next, body);
  if (canonical === 'PermissionSetLicenseAssign') return createLicenseAssignment(model, next, body);
  return createSetupEntityAccess(model, next, body);
};

const findSea = (model: OrgModel, parentId: string, appId: string): string | undefined =>
  findRow(model, 'SetupEntityAccess', { ParentId: parentId, SetupEntityId: appId })?.Id as string | undefined;

const findGroupRow = (model: OrgModel, name: string): Row | undefined => findRow(model, 'PermissionSetGroup', { DeveloperName: name });
const findSetRow = (model: OrgModel, name: string): Row | undefined => findRow(model, 'PermissionSet', { Name: name });

/** The state's user behind a row's AssigneeId. */
const assignee = (model: OrgModel, next: OrgState, assigneeId: unknown): StateUser => {
  const u = model.db.rowById(String(assigneeId));
  if (!u) throw new WriteError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return userOf(next, (sourceOf(u.row) as RowSource).name);
};

/** The state name of the row an Id points to ('' when there is none). */
const sourceName = (model: OrgModel, id: unknown): string => {
  const hit = model.db.rowById(String(id));
  return hit ? (sourceOf(hit.row) as RowSource).name : '';
};

const removeAssignment = (model: OrgModel, next: OrgState, row: Row): void => {
  const u = assignee(model, next, row.AssigneeId);
  if (row.PermissionSetGroupId) {
    const name = sourceName(model, row.PermissionSetGroupId);
    u.permissionSetGroups = (u.permissionSetGroups ?? []).filter((x) => x !== name);
    return;
  }
  const ps = model.db.rowById(String(row.PermissionSetId));
  const src = ps ? (sourceOf(ps.row) as RowSource) : undefined;
  if (src?.kind === 'profile') throw profileSetRefusal();
  u.permissionSets = (u.permissionSets ?? []).filter((x) => x !== src?.name);
};

const removeLicenseAssignment = (model: OrgModel, next: OrgState, row: Row): void => {
  const u = assignee(model, next, row.AssigneeId);
  const name = sourceName(model, row.PermissionSetLicenseId);
  u.permissionSetLicenses = (u.permissionSetLicenses ?? []).filter((x) => x !== name);
};

const removeSetupEntityAccess = (model: OrgModel, next: OrgState, row: Row): void => {
  const parent = model.db.rowById(String(row.ParentId));
  const src = parent ? (sourceOf(parent.row) as RowSource) : undefined;
  const appName = sourceName(model, row.SetupEntityId);
  const stateApp = (next.connectedApps ?? []).find((a) => a.name === appName);
  if (!stateApp || !src) return;
  if (src.kind === 'profile') stateApp.profiles = (stateApp.profiles ?? []).filter((x) => x !== src.name);
  if (src.kind === 'permissionSet') stateApp.permissionSets = (stateApp.permissionSets ?? []).filter((x) => x !== src.name);
};

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
  if (canonical === 'PermissionSetAssignment') removeAssignment(model, next, hit.row);
  else if (canonical === 'PermissionSetLicenseAssign') removeLicenseAssignment(model, next, hit.row);
  else removeSetupEntityAccess(model, next, hit.row);
  commitOrRefuse(model, next);
};
