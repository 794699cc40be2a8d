/*
 * The cross-check: Salesforce's own verdicts on a user's effective access (UserEntityAccess for objects,
 * UserFieldAccess for fields), read beside the sources the evaluation computes from, so a disagreement
 * — something Salesforce knows that this plugin does not model — is reported instead of silently trusted.
 *
 * These objects take one user per query (a `UserId =` filter; no OR, NOT or LIMIT), so the cross-check
 * costs two queries per user and is done only for small checks (CROSS_CHECK_MAX_USERS): it rides in the
 * second round trip and adds at most one Composite request. Any failure (an org or API version without
 * them, a refused query) leaves the check as it was and says why.
 *
 * Assumed from the Tooling API reference and not verified against a real org: `EntityDefinitionId IN (…)`
 * is accepted beside `UserId =`; EntityDefinitionId is the object's EntityDefinition.DurableId (its API
 * name for standard objects); a UserFieldAccess DurableId is the field's DurableId (as on EntityParticle)
 * followed by `.` and the user Id. Rows that do not map give no verdict (never a disagreement).
 *
 * UserFieldAccess answers for every field of each object named (hundreds of rows for a handful asked), so
 * its query also names the fields' rows: `DurableId IN (…)` (DurableId is a filterable field, Tooling API
 * reference, UserFieldAccess, https://developer.salesforce.com/docs/atlas.en-us.api_tooling.meta/api_tooling/tooling_api_objects_userfieldaccess.htm),
 * built from round trip 1's EntityParticle DurableIds and the user's 18- and 15-character Id (the same
 * format assumption as the mapping below).
 */
import type { Requirements } from '../requirements/types.js';
import { bool, rel, str } from './batch.js';
import type { BatchQuery, BestEffortErrors, SoqlRecord } from './batch.js';
import type { CrossCheck, SalesforceFieldVerdict, SalesforceObjectVerdict } from './types.js';
import { inList, soqlString, unique } from './soql.js';

/** Users cross-checked at most: two queries each, so two users fit in one extra Composite request. */
export const CROSS_CHECK_MAX_USERS = 2;


const entityKey = (userId: string): string => `crossCheckObjects:${userId}`;
const fieldKey = (userId: string): string => `crossCheckFields:${userId}`;

/** What the manifest asks that the cross-check can confirm: objects with CRUD items, objects with fields. */
const crossCheckable = (requirements: Requirements): { objects: string[]; objectsWithFields: string[] } => ({
  objects: unique(requirements.objects.filter((o) => o.access.some((a) => ['read', 'create', 'edit', 'delete'].includes(a.access))).map((o) => o.object)),
  objectsWithFields: unique(requirements.objects.filter((o) => o.fields.length > 0).map((o) => o.object)),
});

/** EntityDefinitionId of each object the org has (round trip 1's EntityDefinition rows), by API name (lower case). */
const entityIds = (entities: SoqlRecord[]): Map<string, string> =>
  new Map(entities.map((e) => [str(e.QualifiedApiName).toLowerCase(), str(e.DurableId) || str(e.QualifiedApiName)]));

export type CrossCheckPlan = { queries: BatchQuery[]; reason?: string };

/**
 * The queries of the cross-check for these users (round trip 2), or why there are none. No queries and
 * no reason: nothing in the manifest to cross-check.
 */
export const crossCheckQueries = (requirements: Requirements, userIds: string[], entities: SoqlRecord[], particles: SoqlRecord[] = []): CrossCheckPlan => {
  const wanted = crossCheckable(requirements);
  if (wanted.objects.length === 0 && wanted.objectsWithFields.length === 0) return { queries: [] };
  if (userIds.length > CROSS_CHECK_MAX_USERS) {
    return {
      queries: [],
      reason: `not done for more than ${CROSS_CHECK_MAX_USERS} users (this check has ${userIds.length}): UserEntityAccess and UserFieldAccess answer for one user per query`,
    };
  }
  const ids = entityIds(entities);
  const present = (objects: string[]): string[] => objects.map((o) => ids.get(o.toLowerCase())).filter((id): id is string => id !== undefined);
  const objectIds = present(wanted.objects);
  const fieldObjectIds = present(wanted.objectsWithFields);
  const asked = new Set(requirements.objects.flatMap((o) => o.fields.map((f) => `${o.object}.${f.field}`.toLowerCase())));
  const fieldDurableIds = unique(
    particles
      .filter((p) => asked.has(`${str(rel(p, 'EntityDefinition.QualifiedApiName'))}.${str(p.QualifiedApiName)}`.toLowerCase()))
      .map((p) => str(p.DurableId))
      .filter(Boolean)
  );
  const queries: BatchQuery[] = [];
  for (const userId of userIds) {
    if (objectIds.length > 0) {
      queries.push({
        key: entityKey(userId),
        bestEffort: true,
        soql: `SELECT DurableId, EntityDefinitionId, IsReadable, IsCreatable, IsEditable, IsDeletable FROM UserEntityAccess WHERE UserId = ${soqlString(userId)} AND EntityDefinitionId IN ${inList(objectIds)}`,
      });
    }
    if (fieldObjectIds.length > 0 && fieldDurableIds.length > 0) {
      const rowIds = unique([userId, userId.slice(0, 15)]).flatMap((id) => fieldDurableIds.map((d) => `${d}.${id}`));
      queries.push({
        key: fieldKey(userId),
        bestEffort: true,
        soql: `SELECT DurableId, EntityDefinitionId, IsAccessible, IsUpdatable, IsCreatable FROM UserFieldAccess WHERE UserId = ${soqlString(userId)} AND EntityDefinitionId IN ${inList(fieldObjectIds)} AND DurableId IN ${inList(rowIds)}`,
      });
    }
  }
  return { queries };
};

/** Strip the trailing `.<user Id>` (15 or 18 characters) from a UserEntityAccess / UserFieldAccess DurableId. */
const withoutUser = (durableId: string, userId: string): string | undefined => {
  for (const id of [userId, userId.slice(0, 15)]) {
    if (id && durableId.endsWith(`.${id}`)) return durableId.slice(0, -(id.length + 1));
  }
  return undefined;
};

/**
 * Each user's cross-check from the round trip 2 answers: Salesforce's verdict per object (API name) and per
 * field (`Object.Field`), or why there is none. Users not in the map: nothing to cross-check.
 */
export const assembleCrossChecks = (
  plan: CrossCheckPlan,
  userIds: string[],
  r1: Map<string, SoqlRecord[]>,
  r2: Map<string, SoqlRecord[]>,
  errors: BestEffortErrors
): Map<string, CrossCheck> => {
  const out = new Map<string, CrossCheck>();
  if (plan.reason) {
    for (const id of userIds) out.set(id, { status: 'notDone', reason: plan.reason });
    return out;
  }
  if (plan.queries.length === 0) return out;
  const objectOfEntity = new Map((r1.get('entities') ?? []).map((e) => [str(e.DurableId) || str(e.QualifiedApiName), str(e.QualifiedApiName)]));
  const fieldOfDurable = new Map(
    (r1.get('particles') ?? []).map((p) => [str(p.DurableId), `${str(rel(p, 'EntityDefinition.QualifiedApiName'))}.${str(p.QualifiedApiName)}`])
  );
  for (const userId of userIds) {
    const failed = [entityKey(userId), fieldKey(userId)].map((k) => errors.get(k)).filter((e): e is string => e !== undefined);
    if (failed.length > 0) {
      out.set(userId, { status: 'notDone', reason: `not done: Salesforce refused the query (${failed[0]})` });
      continue;
    }
    const objects: Record<string, SalesforceObjectVerdict> = {};
    for (const row of r2.get(entityKey(userId)) ?? []) {
      const object = objectOfEntity.get(str(row.EntityDefinitionId));
      if (!object) continue;
      objects[object] = { read: bool(row.IsReadable), create: bool(row.IsCreatable), edit: bool(row.IsEditable), delete: bool(row.IsDeletable) };
    }
    const fields: Record<string, SalesforceFieldVerdict> = {};
    for (const row of r2.get(fieldKey(userId)) ?? []) {
      const fieldDurable = withoutUser(str(row.DurableId), userId);
      const field = fieldDurable === undefined ? undefined : fieldOfDurable.get(fieldDurable);
      if (!field) continue;
      fields[field] = { read: bool(row.IsAccessible), edit: bool(row.IsUpdatable), create: bool(row.IsCreatable) };
    }
    out.set(userId, { status: 'done', objects, fields });
  }
  return out;
};
