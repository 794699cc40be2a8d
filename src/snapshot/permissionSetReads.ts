/*
 * Permission sets, groups and muting sets: round trip 2's queries for them (every set once by Id), the
 * Permissions… columns this org has, and the sources assembled from the rows.
 */
import { Connection } from '@salesforce/core';
import type { Requirements } from '../requirements/types.js';
import type { ObjectPermissionFlags, PermissionSource } from './types.js';
import { BatchQuery, bool, rel, SoqlRecord, str, toOrgError } from './batch.js';
import { chunkForInList, HALF_IN_LIST_CHARS, IN_LIST_CHARS, inList, soqlString, unique } from './soql.js';
import { relevantPermissions } from './relevant.js';
import { asArray, readMetadata } from './metadata.js';

export const objectFlags = (r: SoqlRecord): ObjectPermissionFlags => ({
  read: bool(r.PermissionsRead),
  create: bool(r.PermissionsCreate),
  edit: bool(r.PermissionsEdit),
  delete: bool(r.PermissionsDelete),
  viewAll: bool(r.PermissionsViewAllRecords),
  modifyAll: bool(r.PermissionsModifyAllRecords),
  viewAllFields: bool(r.PermissionsViewAllFields),
});

/**
 * Round trip 2: every set once — the assigned ones, their groups' aggregate sets and the groups' members
 * (round trip 1 read the members) — with the relevant columns, their object, field and app access. Ids
 * are chunked under the statement limit, so a thousand users' sets take one query per kind. With --excess
 * the object and field permissions are read without the manifest's filter.
 */
export const secondRound = (requirements: Requirements, objects: string[], columns: string[], setIds: string[], memberIds: string[], appId: string | undefined, excess = false): BatchQuery[] => {
  const psColumns = [
    'Id', 'Name', 'Label', 'Type', 'Description', 'IsOwnedByProfile', 'ProfileId', 'Profile.Name',
    'PermissionSetGroupId', 'PermissionSetGroup.DeveloperName', 'HasActivationRequired', 'License.DeveloperName',
    ...columns.map((c) => `Permissions${c}`),
  ].join(', ');
  const mutingColumns = ['Id', 'DeveloperName', 'MasterLabel', ...columns.map((c) => `Permissions${c}`)].join(', ');
  const second: BatchQuery[] = [];
  // --excess: every object and field permission of the sets, not only the manifest's
  const objectFilter = objects.length > 0 && !excess ? ` AND SobjectType IN ${inList(objects)}` : '';
  const qualifiedFields = unique(requirements.objects.flatMap((o) => o.fields.map((f) => `${o.object}.${f.field}`)));
  const fieldChunks = excess ? [[]] : chunkForInList(qualifiedFields, HALF_IN_LIST_CHARS);
  const fieldFilter = (chunk: string[]): string => (chunk.length > 0 ? ` AND Field IN ${inList(chunk)}` : '');
  for (const chunk of chunkForInList(setIds, HALF_IN_LIST_CHARS)) {
    second.push({ key: 'sets', soql: `SELECT ${psColumns} FROM PermissionSet WHERE Id IN ${inList(chunk)}` });
    if (objects.length > 0 || excess) {
      second.push({
        key: 'objectPerms',
        soql: `SELECT ParentId, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit, PermissionsDelete, PermissionsViewAllRecords, PermissionsModifyAllRecords, PermissionsViewAllFields FROM ObjectPermissions WHERE ParentId IN ${inList(chunk)}${objectFilter}`,
      });
    }
    for (const fieldChunk of fieldChunks) {
      second.push({
        key: 'fieldPerms',
        soql: `SELECT ParentId, SobjectType, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId IN ${inList(chunk)}${fieldFilter(fieldChunk)}`,
      });
    }
    if (appId && !excess) {
      second.push({ key: 'appAccess', soql: `SELECT ParentId, SetupEntityId FROM SetupEntityAccess WHERE SetupEntityId = ${soqlString(appId)} AND ParentId IN ${inList(chunk)}` });
    }
  }
  // a group's members may include its muting set (a MutingPermissionSet, not a PermissionSet)
  for (const chunk of chunkForInList(memberIds, IN_LIST_CHARS)) {
    second.push({ key: 'muting', soql: `SELECT ${mutingColumns} FROM MutingPermissionSet WHERE Id IN ${inList(chunk)}` });
  }
  return second;
};

/** What a PermissionSet (or MutingPermissionSet) row is: its kind, Setup name and type. */
export const sourceIdentity = (r: SoqlRecord, muting: boolean): { kind: PermissionSource['kind']; name: string; type: string; groupId: string } => {
  const groupId = str(r.PermissionSetGroupId);
  if (muting) return { kind: 'MutingPermissionSet', name: str(r.DeveloperName), type: 'Muting', groupId };
  const type = str(r.Type) || (bool(r.IsOwnedByProfile) ? 'Profile' : 'Regular');
  if (bool(r.IsOwnedByProfile) || type === 'Profile') return { kind: 'Profile', name: str(rel(r, 'Profile.Name')) || str(r.Label), type, groupId };
  if (type === 'Group' || groupId !== '') {
    return { kind: 'PermissionSetGroup', name: str(rel(r, 'PermissionSetGroup.DeveloperName')) || str(r.Name), type, groupId };
  }
  return { kind: 'PermissionSet', name: str(r.Name), type, groupId };
};

/** A PermissionSource from its row (object, field and app access are added from their own rows). */
export const sourceOf = (r: SoqlRecord, muting: boolean, columns: string[], components: SoqlRecord[]): PermissionSource => {
  const { kind, name, type, groupId } = sourceIdentity(r, muting);
  return {
    id: str(r.Id),
    kind,
    name,
    label: str(muting ? r.MasterLabel : r.Label) || name,
    type,
    sessionBased: bool(r.HasActivationRequired) || type === 'Session',
    license: str(rel(r, 'License.DeveloperName')) || undefined,
    description: str(r.Description) || undefined,
    profileId: kind === 'Profile' ? str(r.ProfileId) || undefined : undefined,
    group:
      kind === 'PermissionSetGroup'
        ? { groupId, memberIds: components.filter((c) => str(c.PermissionSetGroupId) === groupId).map((c) => str(c.PermissionSetId)) }
        : undefined,
    systemPermissions: columns.filter((c) => bool(r[`Permissions${c}`])),
    objectPermissions: {},
    fieldPermissions: {},
    appAccess: [],
  };
};

/** PermissionSource per PermissionSet / MutingPermissionSet row, with group members, object, field and app access. */
export const assembleSources = (r2: Map<string, SoqlRecord[]>, components: SoqlRecord[], columns: string[]): Record<string, PermissionSource> => {
  const permissionSets: Record<string, PermissionSource> = {};
  const addSource = (r: SoqlRecord, muting: boolean): void => {
    if (!permissionSets[str(r.Id)]) permissionSets[str(r.Id)] = sourceOf(r, muting, columns, components);
  };
  for (const r of r2.get('sets') ?? []) addSource(r, false);
  for (const r of r2.get('muting') ?? []) addSource(r, true);
  for (const source of Object.values(permissionSets)) {
    if (source.group) {
      const mutingId = source.group.memberIds.find((id) => permissionSets[id]?.kind === 'MutingPermissionSet');
      source.group.memberIds = source.group.memberIds.filter((id) => id !== mutingId);
      source.group.mutingId = mutingId;
    }
  }
  for (const r of r2.get('objectPerms') ?? []) {
    const source = permissionSets[str(r.ParentId)];
    if (source) source.objectPermissions[str(r.SobjectType)] = objectFlags(r);
  }
  for (const r of r2.get('fieldPerms') ?? []) {
    const source = permissionSets[str(r.ParentId)];
    if (source) source.fieldPermissions[str(r.Field)] = { read: bool(r.PermissionsRead), edit: bool(r.PermissionsEdit) };
  }
  for (const r of r2.get('appAccess') ?? []) {
    const source = permissionSets[str(r.ParentId)];
    if (source) source.appAccess.push(str(r.SetupEntityId));
  }

  return permissionSets;
};

/** Round trip 3, only when the org has no column for a relevant permission: readMetadata of the user's sets. */
export const readMissingColumns = async (conn: Connection, permissionSets: Record<string, PermissionSource>, noColumn: string[]): Promise<void> => {
  const holders = Object.values(permissionSets).filter((s) => s.kind === 'PermissionSet' || s.kind === 'Profile');
  const byType = async (type: 'PermissionSet' | 'Profile'): Promise<void> => {
    const sets = holders.filter((s) => (type === 'Profile' ? s.kind === 'Profile' : s.kind === 'PermissionSet'));
    const records = await readMetadata(conn, type, sets.map((s) => s.name));
    for (const rec of records) {
      const source = sets.find((s) => s.name === rec.fullName);
      const enabled = asArray(rec.userPermissions as Array<{ name: string; enabled: unknown }>)
        .filter((p) => bool(p.enabled) && noColumn.includes(p.name))
        .map((p) => p.name);
      if (source) source.systemPermissions = unique([...source.systemPermissions, ...enabled]);
    }
  };
  try {
    await Promise.all([byType('PermissionSet'), byType('Profile')]);
  } catch (error) {
    throw toOrgError(error, 'permission set metadata');
  }
};

/** Which relevant permissions this org has a Permissions… column for, and which it has none for. */
export const permissionColumns = (requirements: Requirements, r1: Map<string, SoqlRecord[]>): { available: string[]; columns: string[]; noColumn: string[] } => {
  // the relevant permissions (required, forbidden, implying) that exist in this org
  const available = unique((r1.get('psColumns') ?? []).map((f) => str(f.QualifiedApiName)))
    .filter((name) => name.startsWith('Permissions'))
    .map((name) => name.slice('Permissions'.length))
    .sort();
  const has = new Set(available);
  const wanted = relevantPermissions(requirements);
  return {
    available,
    columns: wanted.filter((p) => has.has(p)),
    noColumn: wanted.filter((p) => !has.has(p) && p === 'CanApproveUninstalledApps'),
  };
};
