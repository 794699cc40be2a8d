/*
 * Re-reads after this tool's own change (ReadOptions.refresh) and grant's look-up of its set by name
 * (ReadOptions.probeSetName).
 */
import { Connection } from '@salesforce/core';
import type { OrgSnapshot } from './types.js';
import { BatchQuery, runQueries, SoqlRecord } from './batch.js';
import { chunkForInList, IN_LIST_CHARS, inList, soqlString } from './soql.js';
import type { MetadataRecord } from './metadata.js';
import { setsOf } from './users.js';

/** What a refresh of a snapshot reuses: its round trip 1 and its connected app's metadata (see ReadOptions.refresh). */
export type FirstRead = { r1: Map<string, SoqlRecord[]>; appMeta: MetadataRecord[] };

export const firstReads = new WeakMap<OrgSnapshot, FirstRead>();

/** The sets a refresh is told the change added (read with the others in round trip 2). */
export const addedSetIds = (refresh: { setIds?: string[] } | undefined): string[] => refresh?.setIds ?? [];

/** A refresh's fresh copy of what a change of assignments alters, by the users' Ids (travels in round trip 2). */
export const refreshQueries = (userIds: string[]): BatchQuery[] =>
  chunkForInList(userIds, IN_LIST_CHARS).flatMap((chunk) => [
    { key: 'refreshAssignments', soql: `SELECT AssigneeId, PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE AssigneeId IN ${inList(chunk)}` },
    { key: 'refreshPslAssignments', soql: `SELECT AssigneeId, PermissionSetLicense.DeveloperName FROM PermissionSetLicenseAssign WHERE AssigneeId IN ${inList(chunk)}` },
  ]);

/** Appends b's rows to a's, key by key. */
export const mergeRows = (a: Map<string, SoqlRecord[]>, b: Map<string, SoqlRecord[]>): void => {
  for (const [key, rows] of b) a.set(key, [...(a.get(key) ?? []), ...rows]);
};

/**
 * A refresh: the fresh assignments (read with round trip 2) replace round trip 1's; a set they name that
 * was not read (assigned by someone else meanwhile) is read now, so the result equals a full read's.
 */
export const applyRefresh = async (
  conn: Connection,
  r1: Map<string, SoqlRecord[]>,
  r2: Map<string, SoqlRecord[]>,
  userIds: string[],
  readIds: string[],
  setQueries: (ids: string[], members: string[]) => BatchQuery[]
): Promise<{ assignments: SoqlRecord[]; components: SoqlRecord[] }> => {
  r1.set('assignments', r2.get('refreshAssignments') ?? []);
  r1.set('pslAssignments', r2.get('refreshPslAssignments') ?? []);
  const fresh = setsOf(r1, userIds);
  const read = new Set(readIds);
  const missing = fresh.setIds.filter((id) => !read.has(id));
  if (missing.length > 0) mergeRows(r2, await runQueries(conn, setQueries(missing, fresh.memberIds.filter((id) => !read.has(id)))));
  return fresh;
};

/** grant: the look-up of its permission set by name (ReadOptions.probeSetName), in round trip 2. */
export const probeQueries = (name: string | undefined): BatchQuery[] =>
  name ? [{ key: 'probedSet', soql: `SELECT Id, Name FROM PermissionSet WHERE Name = ${soqlString(name)} AND IsOwnedByProfile = false` }] : [];

export const probedSetOf = (name: string | undefined, r2: Map<string, SoqlRecord[]>): Pick<OrgSnapshot, 'probedSet'> =>
  name ? { probedSet: { name, exists: (r2.get('probedSet') ?? []).length > 0 } } : {};
