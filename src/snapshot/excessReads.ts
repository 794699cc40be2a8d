/*
 * The extra reads of `check --excess`: everything the users' sets grant, not only what the manifest
 * names. Only asked for with ReadOptions.excess, so a normal check reads exactly what it did before.
 *
 * - round 1: every Permissions… column of PermissionSet (its EntityParticle rows, as for the relevant
 *   ones) and the org's connected apps and external client apps (to name app access);
 * - round 2: every set read (assigned, groups and their members, by Id) with every Permissions… column —
 *   split over several queries to keep each statement short — and all their app access.
 *   Object and field permissions are read by the normal queries without their object/field filter.
 *
 * The number of queries depends on the org's number of permissions and on the IN-list chunks of the
 * users' sets, never on the manifest.
 */
import type { OrgSnapshot, PermissionSource } from './types.js';
import { BatchQuery, bool, SoqlRecord, str } from './batch.js';
import { chunkForInList, HALF_IN_LIST_CHARS, inList } from './soql.js';

/** Characters of column names per query: with the IN list (half the budget each) a statement stays under SOQL's 100,000 characters. */
const COLUMN_BUDGET = HALF_IN_LIST_CHARS;

const PERMISSIONS = 'Permissions';

/** Round 1: all PermissionSet columns (filtered to Permissions… when assembled) and the org's apps. */
export const excessFirstRound = (): BatchQuery[] => [
  { key: 'psAllColumns', soql: "SELECT QualifiedApiName FROM EntityParticle WHERE EntityDefinition.QualifiedApiName = 'PermissionSet'" },
  { key: 'appNames', soql: 'SELECT Id, Name FROM ConnectedApplication' },
  // External Client Apps (API 59.0+; absent where the org has not opted in)
  { key: 'ecaNames', optional: true, soql: 'SELECT Id, DeveloperName FROM ExternalClientApplication' },
];

/** Every system permission this org has a Permissions… column for. */
export const allPermissionColumns = (r1: Map<string, SoqlRecord[]>): string[] =>
  [...new Set((r1.get('psAllColumns') ?? []).map((r) => str(r.QualifiedApiName)))]
    .filter((c) => c.startsWith(PERMISSIONS) && c.length > PERMISSIONS.length)
    .map((c) => c.slice(PERMISSIONS.length))
    .sort();

/** Connected app and external client app Ids -> names. */
export const appNamesOf = (r1: Map<string, SoqlRecord[]>): Record<string, string> => {
  const names: Record<string, string> = {};
  for (const r of r1.get('appNames') ?? []) names[str(r.Id)] = str(r.Name);
  for (const r of r1.get('ecaNames') ?? []) names[str(r.Id)] = str(r.DeveloperName);
  return names;
};

/**
 * Round 2: the remaining Permissions… columns of the assigned sets and of the groups' members, in column
 * chunks; every app access (SetupEntityAccess for connected apps and external client apps) of those sets.
 */
export const excessSecondRound = (excess: boolean | undefined, extraColumns: string[], setIds: string[]): BatchQuery[] => {
  const queries: BatchQuery[] = [];
  if (!excess) return queries;
  const columnChunks = chunkForInList(extraColumns.map((c) => `${PERMISSIONS}${c}`), COLUMN_BUDGET);
  for (const chunk of chunkForInList(setIds, HALF_IN_LIST_CHARS)) {
    const filter = inList(chunk);
    for (const columns of columnChunks) {
      queries.push({ key: 'setColumns', soql: `SELECT Id, ${columns.join(', ')} FROM PermissionSet WHERE Id IN ${filter}` });
    }
    queries.push({
      key: 'allAppAccess',
      soql: `SELECT ParentId, SetupEntityId FROM SetupEntityAccess WHERE ParentId IN ${filter} AND SetupEntityType IN ('ConnectedApplication', 'ExternalClientApplication')`,
    });
  }
  return queries;
};

/** The snapshot's fields of a --excess read: `fullAccess` and the apps' names (none without --excess). */
export const excessSnapshotFields = (excess: boolean | undefined, r1: Map<string, SoqlRecord[]>): Pick<OrgSnapshot, 'fullAccess' | 'appNames'> =>
  excess ? { fullAccess: true, appNames: appNamesOf(r1) } : {};

/** Adds the extra columns' permissions and every app access to the sources read in round 2 (nothing without --excess). */
export const mergeExcessReads = (permissionSets: Record<string, PermissionSource>, r2: Map<string, SoqlRecord[]>): void => {
  for (const r of r2.get('setColumns') ?? []) {
    const source = permissionSets[str(r.Id)];
    if (!source) continue;
    const held = new Set(source.systemPermissions);
    for (const [column, value] of Object.entries(r)) {
      if (column.startsWith(PERMISSIONS) && bool(value)) held.add(column.slice(PERMISSIONS.length));
    }
    source.systemPermissions = [...held].sort();
  }
  for (const r of r2.get('allAppAccess') ?? []) {
    const source = permissionSets[str(r.ParentId)];
    const id = str(r.SetupEntityId);
    if (source && !source.appAccess.includes(id)) source.appAccess.push(id);
  }
};
