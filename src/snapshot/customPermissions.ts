/*
 * The custom-permission slice of the org snapshot (all I/O of this kind; the reader calls it at its two
 * round trips, so the kind costs no round trip of its own and no request when a manifest names none).
 *
 * Salesforce facts used (Object Reference, "SetupEntityAccess" and "CustomPermission",
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_setupentityaccess.htm):
 * - a custom permission is a `CustomPermission` row (DeveloperName, NamespacePrefix, MasterLabel);
 * - a profile (through its own permission set), a permission set, a permission set group's aggregate set or
 *   a muting permission set grants it through a `SetupEntityAccess` row with ParentId = the set,
 *   SetupEntityId = the CustomPermission Id and SetupEntityType = 'CustomPermission' (API 31.0+).
 * - a managed package's permission is written `ns__Name` in metadata (DeveloperName `Name`, NamespacePrefix `ns`).
 */
import type { Requirements } from '../requirements/types.js';
import type { PermissionSource } from './types.js';
import { BatchQuery, SoqlRecord, str } from './batch.js';
import { chunkForInList, inList, unique } from './soql.js';

/** `ns__Name` → { namespace: 'ns', developerName: 'Name' }; `Name` → no namespace. */
export const splitQualifiedName = (qualified: string): { namespace?: string; developerName: string } => {
  const match = /^([A-Za-z][A-Za-z0-9]*)__(.+)$/.exec(qualified);
  // `Name__c`-like suffixes do not occur in custom permission names; a leading `x__` is a namespace
  return match ? { namespace: match[1], developerName: match[2] } : { developerName: qualified };
};

export const qualifiedName = (row: SoqlRecord): string => {
  const ns = str(row.NamespacePrefix);
  return ns ? `${ns}__${str(row.DeveloperName)}` : str(row.DeveloperName);
};

/** Every custom permission name the requirements mention (any anyOf member). */
export const customPermissionNames = (requirements: Requirements): string[] =>
  unique((requirements.customPermissions ?? []).flatMap((item) => item.names)).sort();

/** Round trip 1: which of the named custom permissions exist in the org. */
export const customPermissionDefinitionQueries = (names: string[]): BatchQuery[] =>
  chunkForInList(unique(names.map((n) => splitQualifiedName(n).developerName))).map((chunk) => ({
    key: 'customPermissions',
    soql: `SELECT Id, DeveloperName, NamespacePrefix, MasterLabel FROM CustomPermission WHERE DeveloperName IN ${inList(chunk)}`,
  }));

/** The named custom permissions that exist: qualified name → Id and label (names are matched case-insensitively). */
export const customPermissionDefinitions = (names: string[], rows: SoqlRecord[]): Record<string, { id: string; label: string }> => {
  const out: Record<string, { id: string; label: string }> = {};
  for (const row of rows) {
    const qualified = qualifiedName(row);
    const asked = names.find((n) => n.toLowerCase() === qualified.toLowerCase());
    if (asked) out[qualified] = { id: str(row.Id), label: str(row.MasterLabel) || qualified };
  }
  return out;
};

/**
 * Round trip 2: SetupEntityAccess rows of type CustomPermission for the assigned sets (chunked) and, when the
 * user holds groups, for the groups' member and muting sets (`memberSemi`, the reader's semi-join).
 */
export const customPermissionAccessQueries = (permissionIds: string[], assignedIds: string[], groupIds: string[]): BatchQuery[] => {
  if (permissionIds.length === 0) return [];
  const memberSemi =
    groupIds.length > 0 ? `(SELECT PermissionSetId FROM PermissionSetGroupComponent WHERE PermissionSetGroupId IN ${inList(groupIds)})` : '';
  const entityFilter = `SetupEntityType = 'CustomPermission' AND SetupEntityId IN ${inList(permissionIds)}`;
  const queries: BatchQuery[] = chunkForInList(assignedIds).map((chunk) => ({
    key: 'customPermissionAccess',
    soql: `SELECT ParentId, SetupEntityId FROM SetupEntityAccess WHERE ${entityFilter} AND ParentId IN ${inList(chunk)}`,
  }));
  if (memberSemi) {
    queries.push({ key: 'customPermissionAccess', soql: `SELECT ParentId, SetupEntityId FROM SetupEntityAccess WHERE ${entityFilter} AND ParentId IN ${memberSemi}` });
  }
  return queries;
};

/** Adds each set's granted custom permissions (qualified names) to the sources read in round trip 2. */
export const assignCustomPermissions = (
  sources: Record<string, PermissionSource>,
  definitions: Record<string, { id: string; label: string }>,
  rows: SoqlRecord[]
): void => {
  const nameById = new Map(Object.entries(definitions).map(([name, d]) => [d.id.slice(0, 15), name]));
  for (const row of rows) {
    const source = sources[str(row.ParentId)];
    const name = nameById.get(str(row.SetupEntityId).slice(0, 15));
    if (!source || !name) continue;
    source.customPermissions = unique([...(source.customPermissions ?? []), name]);
  }
};
