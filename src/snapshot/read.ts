/*
 * The org snapshot reader: all I/O of `check` lives here. It reads everything the evaluation needs for
 * N users in two round trips, whatever the size of the manifest, and in a number of requests that grows
 * only with the statement limit (about 1,400 names or 4,000 Ids per query), not with each user:
 *
 *   1. Composite requests (5 queries each, sent in parallel): users, their assignments, PSL assignments,
 *      their groups' members, the org, which Permissions… columns exist, org-wide defaults and field facts
 *      of the objects named, the app named either as an installed Connected App (ConnectedApplication) or
 *      as an External Client App (ExternalClientApplication, its ExtlClntAppOauthPlcyCnfg policies and its
 *      ExtlClntAppOauthSettings scopes), the users' OAuth tokens (and PermissionDependency for grant);
 *   2. Composite requests again, by Id: every assigned or member set once with the relevant Permissions…
 *      columns, object and field permissions of the objects named, muting sets, app access
 *      (SetupEntityAccess, for either kind of app), the cross-check; in parallel, a Connected App's scopes
 *      and policies through readMetadata (they are not queryable);
 *   3. only when needed: readMetadata of the user's sets for a permission the org has no column for.
 *
 * Why not one round trip: round trip 2 needs the groups' members, and a query for them by user would
 * nest a semi-join inside a semi-join, which SOQL does not allow; UserEntityAccess / UserFieldAccess
 * need the user's Id (`UserId =`, no semi-join). Pages beyond the first (2,000 rows) are fetched in
 * Composite requests too, five at a time (batch.ts).
 */
import { Connection } from '@salesforce/core';
import type { Requirements } from '../requirements/types.js';
import { ECA_SCOPE_PREFIX, SCOPE_FROM_METADATA, ecaPermittedUsers, ecaRefreshTokenPolicy, ipRelaxationOf, scopeOfEcaColumn } from '../salesforce/oauth.js';
import type {
  AppPolicies,
  FieldDescribe,
  ObjectDescribe,
  ObjectPermissionFlags,
  OrgSnapshot,
  PermissionSource,
  UnresolvedUser,
  UserAccess,
} from './types.js';
import { BatchQuery, BestEffortErrors, bool, rel, runQueries, SoqlRecord, str, toOrgError, withRetry } from './batch.js';
import { chunkForInList, HALF_IN_LIST_CHARS, IN_LIST_CHARS, inList, soqlString, unique } from './soql.js';
import { relevantPermissions } from './relevant.js';
import { assembleCrossChecks, crossCheckQueries } from './crossCheck.js';
import {
  assignCustomPermissions,
  customPermissionAccessQueries,
  customPermissionDefinitionQueries,
  customPermissionDefinitions,
  customPermissionNames,
} from './customPermissions.js';
import { allPermissionColumns, excessFirstRound, excessSecondRound, excessSnapshotFields, mergeExcessReads } from './excessReads.js';

export type ReadOptions = {
  /** Usernames, emails or User Ids, as the user typed them */
  users: string[];
  /**
   * Which of `users` came from --match-emails: matched by Email only (never as a username), and only to
   * active users; an email only inactive users carry is unresolved as `inactive`, one several active
   * users carry as `ambiguous`
   */
  emails?: string[];
  /** Connected app / external client app name */
  app?: string;
  /** Also read the org's PermissionDependency table (grant planning) */
  includeDependencies?: boolean;
  /**
   * Cross-check the computed object and field verdicts with Salesforce's UserEntityAccess /
   * UserFieldAccess (default true; grant plans from the sources only and does not need it)
   */
  crossCheck?: boolean;
  /** check --excess: also read everything the users' sets grant beyond the manifest (excessReads.ts) */
  excess?: boolean;
  /**
   * A re-read right after this tool's own change (grant's re-check): reuse `previous`'s round trip 1 except
   * what a grant, an assignment or a reduction changes — the users' permission set and licence assignments —
   * which travel with round trip 2, so the re-read is one round trip. `setIds` are the sets the change added
   * (e.g. the set just assigned); a set the fresh assignments name that was read neither before nor here is
   * read in one more round trip, so the result is the same as a full read's.
   */
  refresh?: { previous: OrgSnapshot; setIds?: string[] };
  /** grant: also look up the permission set of this name (does the org have it? then its copy is worth reading) */
  probeSetName?: string;
};

const USER_ID = /^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;

/** What a refresh of a snapshot reuses: its round trip 1 and its connected app's metadata (see ReadOptions.refresh). */
type FirstRead = { r1: Map<string, SoqlRecord[]>; appMeta: MetadataRecord[] };
const firstReads = new WeakMap<OrgSnapshot, FirstRead>();


/**
 * The filters (one per chunk) that select the requested users: `user` on User itself (also used in the
 * `IN (SELECT Id FROM User WHERE …)` semi-joins), `assignee` the same on PermissionSetAssignment through
 * its Assignee relationship, for the one query whose semi-join cannot nest another (SOQL allows no
 * semi-join inside a semi-join). A chunk's statement stays under the 100,000-character SOQL limit: Ids
 * travel once, names twice (Username and Email).
 */
const userFilters = (inputs: string[]): Array<{ user: string; assignee: string }> => {
  const ids = inputs.filter((u) => USER_ID.test(u));
  const names = inputs.filter((u) => !USER_ID.test(u));
  const filters: Array<{ user: string; assignee: string }> = [];
  for (const chunk of chunkForInList(ids, IN_LIST_CHARS)) filters.push({ user: `Id IN ${inList(chunk)}`, assignee: `AssigneeId IN ${inList(chunk)}` });
  for (const chunk of chunkForInList(names, HALF_IN_LIST_CHARS)) {
    filters.push({
      user: `(Username IN ${inList(chunk)} OR Email IN ${inList(chunk)})`,
      assignee: `(Assignee.Username IN ${inList(chunk)} OR Assignee.Email IN ${inList(chunk)})`,
    });
  }
  return filters;
};

const objectFlags = (r: SoqlRecord): ObjectPermissionFlags => ({
  read: bool(r.PermissionsRead),
  create: bool(r.PermissionsCreate),
  edit: bool(r.PermissionsEdit),
  delete: bool(r.PermissionsDelete),
  viewAll: bool(r.PermissionsViewAllRecords),
  modifyAll: bool(r.PermissionsModifyAllRecords),
  viewAllFields: bool(r.PermissionsViewAllFields),
});

const asArray = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

type MetadataRecord = Record<string, unknown> & { fullName?: string };

const readMetadata = async (conn: Connection, type: string, names: string[]): Promise<MetadataRecord[]> => {
  if (names.length === 0) return [];
  const out: MetadataRecord[] = [];
  // readMetadata takes at most 10 names per call
  for (let i = 0; i < names.length; i += 10) {
    const slice = names.slice(i, i + 10);
    // eslint-disable-next-line no-await-in-loop
    const result = await withRetry(() => conn.metadata.read(type as 'PermissionSet', slice));
    out.push(...asArray(result as unknown as MetadataRecord | MetadataRecord[]).filter((r) => r?.fullName));
  }
  return out;
};

/** An External Client App's policies from its ExternalClientApplication, policy and settings rows. */
const ecaPoliciesFrom = (name: string, eca: SoqlRecord, policy: SoqlRecord | undefined, settings: SoqlRecord | undefined): AppPolicies => {
  const scopes = settings
    ? unique(
        Object.keys(settings)
          .filter((k) => k.startsWith(ECA_SCOPE_PREFIX) && bool(settings[k]))
          .map(scopeOfEcaColumn)
      ).sort()
    : [];
  const refresh = policy ? ecaRefreshTokenPolicy(str(policy.RefreshTokenPolicyType), policy.RefreshTokenValidityPeriod, policy.RefreshTokenValidityUnit) : undefined;
  return {
    name: str(eca.DeveloperName) || name,
    id: str(eca.Id),
    kind: 'externalClientApp',
    installed: true,
    scopes,
    refreshTokenPolicy: refresh,
    ipRelaxation: policy && str(policy.IpRelaxationPolicyType) ? ipRelaxationOf(str(policy.IpRelaxationPolicyType)) : undefined,
    permittedUsers: policy ? ecaPermittedUsers(str(policy.PermittedUsersPolicyType)) : undefined,
  };
};

const appPoliciesFrom = (name: string, installedRow: SoqlRecord | undefined, meta: MetadataRecord | undefined): AppPolicies => {
  const oauthConfig = (meta?.oauthConfig ?? {}) as Record<string, unknown>;
  const oauthPolicy = (meta?.oauthPolicy ?? {}) as Record<string, unknown>;
  const scopes = unique(asArray(oauthConfig.scopes as string | string[]).map((s) => SCOPE_FROM_METADATA[str(s)] ?? str(s).toLowerCase()));
  const adminApproved =
    installedRow !== undefined
      ? bool(installedRow.OptionsAllowAdminApprovedUsersOnly)
      : bool(oauthConfig.isAdminApproved);
  return {
    name,
    id: installedRow ? str(installedRow.Id) : undefined,
    kind: 'connectedApp',
    installed: installedRow !== undefined,
    scopes,
    refreshTokenPolicy: oauthPolicy.refreshTokenPolicy ? str(oauthPolicy.refreshTokenPolicy) : undefined,
    ipRelaxation: oauthPolicy.ipRelaxation ? ipRelaxationOf(str(oauthPolicy.ipRelaxation)) : undefined,
    permittedUsers: installedRow ? (adminApproved ? 'adminApproved' : 'any') : undefined,
  };
};

/** Resolve what the user typed to user rows: by Id, then username, then email (active users only). */
export const resolveUsers = (
  inputs: string[],
  rows: SoqlRecord[],
  emailInputs: readonly string[] = []
): { matched: Array<{ input: string; row: SoqlRecord }>; unresolved: UnresolvedUser[] } => {
  const matched: Array<{ input: string; row: SoqlRecord }> = [];
  const unresolved: UnresolvedUser[] = [];
  const seen = new Set<string>();
  const emailsOnly = new Set(emailInputs.map((e) => e.toLowerCase()));
  // indexes: a check of thousands of users must not scan every row per input
  const byFullId = new Map<string, SoqlRecord>();
  const byId15 = new Map<string, SoqlRecord>();
  const byUsernameLower = new Map<string, SoqlRecord>();
  const byEmailLower = new Map<string, SoqlRecord[]>();
  for (const r of rows) {
    const id = str(r.Id);
    if (!byFullId.has(id)) byFullId.set(id, r);
    if (!byId15.has(id.slice(0, 15))) byId15.set(id.slice(0, 15), r);
    const username = str(r.Username).toLowerCase();
    if (!byUsernameLower.has(username)) byUsernameLower.set(username, r);
    const email = str(r.Email).toLowerCase();
    const sameEmail = byEmailLower.get(email);
    if (sameEmail) sameEmail.push(r);
    else byEmailLower.set(email, [r]);
  }
  for (const input of inputs) {
    const lower = input.toLowerCase();
    const asEmail = emailsOnly.has(lower);
    const byId = asEmail || !USER_ID.test(input) ? undefined : byFullId.get(input) ?? byId15.get(input.slice(0, 15));
    const byUsername = asEmail ? undefined : byUsernameLower.get(lower);
    let row = byId ?? byUsername;
    if (!row) {
      // by email: only active users count; an email that only inactive users carry is reported as such
      const byEmail = byEmailLower.get(lower) ?? [];
      const active = byEmail.filter((r) => bool(r.IsActive));
      if (active.length > 1) {
        unresolved.push({ input, reason: 'ambiguous', candidates: active.map((r) => str(r.Username)).sort() });
        continue;
      }
      if (active.length === 0 && byEmail.length > 0) {
        unresolved.push({ input, reason: 'inactive', candidates: byEmail.map((r) => str(r.Username)).sort() });
        continue;
      }
      row = active[0];
    }
    if (!row) {
      unresolved.push({ input, reason: 'notFound', candidates: [] });
      continue;
    }
    if (seen.has(str(row.Id))) continue;
    seen.add(str(row.Id));
    matched.push({ input, row });
  }
  return { matched, unresolved };
};

/** Round trip 1: everything that does not need the users' permission set Ids. */
const firstRound = (requirements: Requirements, options: ReadOptions, appName: string | undefined, objects: string[], fieldNames: string[]): BatchQuery[] => {
  const filters = userFilters(unique(options.users));
  const semi = (filter: string): string => `(SELECT Id FROM User WHERE ${filter})`;
  const first: BatchQuery[] = [
    { key: 'org', soql: 'SELECT Id, Name, OrganizationType, IsSandbox, InstanceName FROM Organization' },
    // which of the Permissions… columns the evaluation needs exist in this org (not the whole
    // PermissionSet describe: that is ~2 MB for ~1,700 columns)
    {
      key: 'psColumns',
      soql: `SELECT QualifiedApiName FROM EntityParticle WHERE EntityDefinition.QualifiedApiName = 'PermissionSet' AND QualifiedApiName IN ${inList(
        relevantPermissions(requirements).map((p) => `Permissions${p}`)
      )}`,
    },
    { key: 'psls', soql: 'SELECT Id, DeveloperName, MasterLabel FROM PermissionSetLicense' },
  ];
  for (const { user: f, assignee } of filters) {
    first.push(
      { key: 'users', soql: `SELECT Id, Username, Email, Name, IsActive, ProfileId, Profile.Name, Profile.UserLicense.Name FROM User WHERE ${f}` },
      { key: 'logins', soql: `SELECT UserId, IsFrozen FROM UserLogin WHERE UserId IN ${semi(f)}` },
      { key: 'assignments', soql: `SELECT AssigneeId, PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE AssigneeId IN ${semi(f)}` },
      { key: 'pslAssignments', soql: `SELECT AssigneeId, PermissionSetLicense.DeveloperName FROM PermissionSetLicenseAssign WHERE AssigneeId IN ${semi(f)}` },
      // the members of the users' groups, so that round trip 2 reads every set once by Id
      {
        key: 'components',
        soql: `SELECT PermissionSetGroupId, PermissionSetId FROM PermissionSetGroupComponent WHERE PermissionSetGroupId IN (SELECT PermissionSetGroupId FROM PermissionSetAssignment WHERE ${assignee})`,
      }
    );
    if (appName) {
      // every token of these users: OauthToken.AppName is the app's label, which may differ from the
      // name given to --app; the app's tokens are picked once its label is known
      first.push({ key: 'tokens', soql: `SELECT AppName, UserId, LastUsedDate, UseCount FROM OauthToken WHERE UserId IN ${semi(f)}` });
    }
  }
  for (const chunk of chunkForInList(objects, HALF_IN_LIST_CHARS)) {
    first.push({ key: 'entities', soql: `SELECT DurableId, QualifiedApiName, Label, InternalSharingModel FROM EntityDefinition WHERE QualifiedApiName IN ${inList(chunk)}` });
    for (const fieldChunk of chunkForInList(fieldNames, HALF_IN_LIST_CHARS)) {
      first.push({
        key: 'particles',
        soql:
          'SELECT DurableId, EntityDefinition.QualifiedApiName, QualifiedApiName, DataType, IsPermissionable, IsNillable, IsCreatable, IsUpdatable ' +
          `FROM EntityParticle WHERE EntityDefinition.QualifiedApiName IN ${inList(chunk)} AND QualifiedApiName IN ${inList(fieldChunk)}`,
      });
    }
  }
  if (appName) {
    const ecaWhere = `DeveloperName = ${soqlString(appName)} OR MasterLabel = ${soqlString(appName)}`;
    const ofEca = `ExternalClientApplicationId IN (SELECT Id FROM ExternalClientApplication WHERE ${ecaWhere})`;
    first.push(
      {
        key: 'app',
        soql: `SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly, OptionsRefreshTokenValidityMetric, RefreshTokenValidityPeriod FROM ConnectedApplication WHERE Name = ${soqlString(appName)}`,
      },
      // External Client Apps (API 59.0+; absent where the org has not opted in: optional)
      { key: 'eca', optional: true, soql: `SELECT Id, DeveloperName, MasterLabel, DistributionState FROM ExternalClientApplication WHERE ${ecaWhere}` },
      {
        key: 'ecaPolicy',
        optional: true,
        soql:
          'SELECT ExternalClientApplicationId, PermittedUsersPolicyType, IpRelaxationPolicyType, RefreshTokenPolicyType, RefreshTokenValidityPeriod, RefreshTokenValidityUnit ' +
          `FROM ExtlClntAppOauthPlcyCnfg WHERE ${ofEca}`,
      },
      // the app's selected scopes, one OauthScopes… column each (they grow with releases): FIELDS(STANDARD)
      // reads them all without a describe first, and needs no LIMIT (SOQL and SOSL Reference, "SELECT" /
      // FIELDS(), https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-fields.html);
      // no row when the app is not an External Client App
      { key: 'ecaSettings', optional: true, soql: `SELECT FIELDS(STANDARD) FROM ExtlClntAppOauthSettings WHERE ${ofEca}` }
    );
  }
  if (options.excess) first.push(...excessFirstRound());
  if (options.includeDependencies) {
    first.push({
      key: 'dependencies',
      tooling: true,
      // not exposed in every org / API version: the planner falls back to its built-in table
      optional: true,
      soql: "SELECT Permission, RequiredPermission FROM PermissionDependency WHERE PermissionType = 'User Permission' AND RequiredPermissionType = 'User Permission'",
    });
  }
  return first;
};

/**
 * Round trip 2: every set once — the assigned ones, their groups' aggregate sets and the groups' members
 * (round trip 1 read the members) — with the relevant columns, their object, field and app access. Ids
 * are chunked under the statement limit, so a thousand users' sets take one query per kind. With --excess
 * the object and field permissions are read without the manifest's filter.
 */
const secondRound = (requirements: Requirements, objects: string[], columns: string[], setIds: string[], memberIds: string[], appId: string | undefined, excess = false): BatchQuery[] => {
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
const sourceIdentity = (r: SoqlRecord, muting: boolean): { kind: PermissionSource['kind']; name: string; type: string; groupId: string } => {
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
const sourceOf = (r: SoqlRecord, muting: boolean, columns: string[], components: SoqlRecord[]): PermissionSource => {
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
const assembleSources = (r2: Map<string, SoqlRecord[]>, components: SoqlRecord[], columns: string[]): Record<string, PermissionSource> => {
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
const readMissingColumns = async (conn: Connection, permissionSets: Record<string, PermissionSource>, noColumn: string[]): Promise<void> => {
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

/** Object describes (existence, OWD, field facts) from EntityDefinition / EntityParticle rows; null = not in the org. */
const assembleObjects = (objects: string[], r1: Map<string, SoqlRecord[]>): Record<string, ObjectDescribe | null> => {
  const objectMap: Record<string, ObjectDescribe | null> = {};
  const entities = r1.get('entities') ?? [];
  for (const object of objects) {
    const entity = entities.find((e) => str(e.QualifiedApiName).toLowerCase() === object.toLowerCase());
    if (!entity) {
      objectMap[object] = null;
      continue;
    }
    const fields: Record<string, FieldDescribe> = {};
    for (const p of r1.get('particles') ?? []) {
      if (str(rel(p, 'EntityDefinition.QualifiedApiName')).toLowerCase() !== object.toLowerCase()) continue;
      const name = str(p.QualifiedApiName);
      fields[name] = {
        name,
        type: str(p.DataType),
        permissionable: bool(p.IsPermissionable),
        nillable: bool(p.IsNillable),
        createable: bool(p.IsCreatable),
        updateable: bool(p.IsUpdatable),
      };
    }
    objectMap[object] = { name: str(entity.QualifiedApiName), label: str(entity.Label), sharingModel: str(entity.InternalSharingModel) || undefined, fields };
  }

  return objectMap;
};

/** The users' records: licence, profile, frozen, assignments, PSLs, and their tokens for the app. */
const assembleUsers = (
  matched: Array<{ input: string; row: SoqlRecord }>,
  r1: Map<string, SoqlRecord[]>,
  assignments: SoqlRecord[],
  appNameCandidates: Array<string | undefined>
): UserAccess[] => {
  const logins = r1.get('logins') ?? [];
  const pslAssignments = r1.get('pslAssignments') ?? [];
  // the app's tokens: AppName is the app's label (or, for an app from elsewhere, the name it was authorized under)
  const appNames = new Set(
    appNameCandidates
      .filter((n): n is string => typeof n === 'string' && n.length > 0)
      .map((n) => n.toLowerCase())
  );
  const tokens = (r1.get('tokens') ?? []).filter((t) => appNames.has(str(t.AppName).toLowerCase()));
  const byUser = (rows: SoqlRecord[], column: string): Map<string, SoqlRecord[]> => {
    const out = new Map<string, SoqlRecord[]>();
    for (const r of rows) {
      const id = str(r[column]);
      const list = out.get(id);
      if (list) list.push(r);
      else out.set(id, [r]);
    }
    return out;
  };
  const loginsOf = byUser(logins, 'UserId');
  const assignmentsOf = byUser(assignments, 'AssigneeId');
  const pslsOf = byUser(pslAssignments, 'AssigneeId');
  const tokensOf = byUser(tokens, 'UserId');
  const users: UserAccess[] = matched.map(({ input, row }) => {
    const id = str(row.Id);
    return {
      id,
      username: str(row.Username),
      email: str(row.Email),
      name: str(row.Name),
      isActive: bool(row.IsActive),
      isFrozen: (loginsOf.get(id) ?? []).some((l) => bool(l.IsFrozen)),
      profileName: str(rel(row, 'Profile.Name')),
      userLicense: str(rel(row, 'Profile.UserLicense.Name')),
      permissionSetIds: unique((assignmentsOf.get(id) ?? []).map((a) => str(a.PermissionSetId))).sort(),
      permissionSetLicenses: unique((pslsOf.get(id) ?? []).map((a) => str(rel(a, 'PermissionSetLicense.DeveloperName')))).sort(),
      oauthTokens: (tokensOf.get(id) ?? []).map((t) => ({ appName: str(t.AppName), lastUsedDate: str(t.LastUsedDate) || undefined, useCount: Number(t.UseCount ?? 0) })),
      requestedAs: input,
    };
  });

  return users;
};

/** The named app's policies: installed Connected App, External Client App, or (neither) a vendor-hosted app. */
const appFrom = (
  appName: string | undefined,
  appRow: SoqlRecord | undefined,
  ecaRow: SoqlRecord | undefined,
  appMeta: MetadataRecord[],
  r1: Map<string, SoqlRecord[]>
): AppPolicies | null | undefined => {
  let app: AppPolicies | null | undefined;
  if (appName) {
    if (appRow) app = appPoliciesFrom(appName, appRow, appMeta[0]);
    else if (ecaRow) {
      const ecaId = str(ecaRow.Id).slice(0, 15);
      const ofEca = (r: SoqlRecord): boolean => str(r.ExternalClientApplicationId).slice(0, 15) === ecaId;
      app = ecaPoliciesFrom(appName, ecaRow, (r1.get('ecaPolicy') ?? []).find(ofEca), (r1.get('ecaSettings') ?? []).find(ofEca));
    } else {
      // Neither an installed Connected App nor an External Client App: a vendor-hosted connected app,
      // which users can only authorize with Approve Uninstalled Connected Apps / Use Any API Client.
      app = { name: appName, kind: 'connectedApp', installed: false, scopes: [] };
    }
  }

  return app;
};

/** Which relevant permissions this org has a Permissions… column for, and which it has none for. */
const permissionColumns = (requirements: Requirements, r1: Map<string, SoqlRecord[]>): { available: string[]; columns: string[]; noColumn: string[] } => {
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

/** The named app's rows from round trip 1: an installed Connected App, else an External Client App. */
const appRowsOf = (r1: Map<string, SoqlRecord[]>): { appRow?: SoqlRecord; ecaRow?: SoqlRecord; appId?: string } => {
  const appRow = r1.get('app')?.[0];
  const ecaRow = appRow ? undefined : r1.get('eca')?.[0];
  return { appRow, ecaRow, appId: str((appRow ?? ecaRow)?.Id) || undefined };
};

/** The org row and the daily API usage jsforce saw in the Sforce-Limit-Info header. */
const orgInfoOf = (conn: Connection, r1: Map<string, SoqlRecord[]>): OrgSnapshot['org'] => {
  const orgRow = r1.get('org')?.[0] ?? {};
  const limit = (conn as unknown as { limitInfo?: { apiUsage?: { used: number; limit: number } } }).limitInfo?.apiUsage;
  return {
    id: str(orgRow.Id),
    name: str(orgRow.Name),
    edition: str(orgRow.OrganizationType),
    isSandbox: bool(orgRow.IsSandbox),
    instanceUrl: conn.instanceUrl,
    apiVersion: conn.getApiVersion(),
    dailyApiRequests: limit ? { max: limit.limit, remaining: Math.max(0, limit.limit - limit.used) } : undefined,
  };
};

/** PermissionDependency rows → permission → the permissions it requires. */
const dependenciesOf = (r1: Map<string, SoqlRecord[]>): Record<string, string[]> => {
  const dependencies: Record<string, string[]> = {};
  for (const d of r1.get('dependencies') ?? []) {
    const p = str(d.Permission).replace(/^Permissions/, '');
    const req = str(d.RequiredPermission).replace(/^Permissions/, '');
    dependencies[p] = unique([...(dependencies[p] ?? []), req]);
  }
  return dependencies;
};

/** The users' assignments and the sets to read for them: the assigned ones and their groups' members. */
const setsOf = (r1: Map<string, SoqlRecord[]>, userIds: string[]): { assignments: SoqlRecord[]; components: SoqlRecord[]; memberIds: string[]; setIds: string[] } => {
  const userIdSet = new Set(userIds);
  const assignments = (r1.get('assignments') ?? []).filter((a) => userIdSet.has(str(a.AssigneeId)));
  const assignedIds = unique(assignments.map((a) => str(a.PermissionSetId))).sort();
  const groupIds = new Set(assignments.map((a) => str(a.PermissionSetGroupId)).filter(Boolean));
  const components = (r1.get('components') ?? []).filter((c) => groupIds.has(str(c.PermissionSetGroupId)));
  const memberIds = unique(components.map((c) => str(c.PermissionSetId))).sort();
  return { assignments, components, memberIds, setIds: unique([...assignedIds, ...memberIds]).sort() };
};

/** The sets a refresh is told the change added (read with the others in round trip 2). */
const addedSetIds = (options: ReadOptions): string[] => options.refresh?.setIds ?? [];

/** A refresh's fresh copy of what a change of assignments alters, by the users' Ids (travels in round trip 2). */
const refreshQueries = (userIds: string[]): BatchQuery[] =>
  chunkForInList(userIds, IN_LIST_CHARS).flatMap((chunk) => [
    { key: 'refreshAssignments', soql: `SELECT AssigneeId, PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE AssigneeId IN ${inList(chunk)}` },
    { key: 'refreshPslAssignments', soql: `SELECT AssigneeId, PermissionSetLicense.DeveloperName FROM PermissionSetLicenseAssign WHERE AssigneeId IN ${inList(chunk)}` },
  ]);

/** Appends b's rows to a's, key by key. */
const mergeRows = (a: Map<string, SoqlRecord[]>, b: Map<string, SoqlRecord[]>): void => {
  for (const [key, rows] of b) a.set(key, [...(a.get(key) ?? []), ...rows]);
};

/** A Connected App's policies and scopes (readMetadata), when the named app is one. */
const readAppMetadata = (conn: Connection, appName: string | undefined): Promise<MetadataRecord[]> =>
  appName
    ? readMetadata(conn, 'ConnectedApp', [appName]).catch((error: unknown) => {
        // a policy verdict from data that failed to load would be wrong: no verdict instead
        throw toOrgError(error, `connected app ${appName} (readMetadata)`, conn);
      })
    : Promise.resolve([]);

/** grant: the look-up of its permission set by name (ReadOptions.probeSetName), in round trip 2. */
const probeQueries = (name: string | undefined): BatchQuery[] =>
  name ? [{ key: 'probedSet', soql: `SELECT Id, Name FROM PermissionSet WHERE Name = ${soqlString(name)} AND IsOwnedByProfile = false` }] : [];

const probedSetOf = (name: string | undefined, r2: Map<string, SoqlRecord[]>): Pick<OrgSnapshot, 'probedSet'> =>
  name ? { probedSet: { name, exists: (r2.get('probedSet') ?? []).length > 0 } } : {};

/**
 * A refresh: the fresh assignments (read with round trip 2) replace round trip 1's; a set they name that
 * was not read (assigned by someone else meanwhile) is read now, so the result equals a full read's.
 */
const applyRefresh = async (
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

export const readSnapshot = async (conn: Connection, requirements: Requirements, options: ReadOptions): Promise<OrgSnapshot> => {
  const objects = unique(requirements.objects.map((o) => o.object)).sort();
  const fieldNames = unique(requirements.objects.flatMap((o) => o.fields.map((f) => f.field))).sort();
  const appName = options.app ?? requirements.oauth?.app;
  // ---- round trip 1 (reused by a refresh) ------------------------------------------------------
  const customNames = customPermissionNames(requirements);
  const reuse = options.refresh ? firstReads.get(options.refresh.previous) : undefined;
  const r1 = reuse ? new Map(reuse.r1) : await runQueries(conn, [...firstRound(requirements, options, appName, objects, fieldNames), ...customPermissionDefinitionQueries(customNames)]);
  const { available, columns, noColumn } = permissionColumns(requirements, r1);
  const { matched, unresolved } = resolveUsers(options.users, r1.get('users') ?? [], options.emails ?? []);
  const userIds = matched.map((m) => str(m.row.Id));
  const initial = setsOf(r1, userIds);
  const { memberIds } = initial;
  const setIds = unique([...initial.setIds, ...addedSetIds(options)]).sort();
  const { appRow, ecaRow, appId } = appRowsOf(r1);

  // ---- round trip 2 (+ a Connected App's readMetadata in parallel) ------------------------------
  const crossCheck = options.crossCheck === false ? { queries: [] } : crossCheckQueries(requirements, userIds, r1.get('entities') ?? [], r1.get('particles') ?? []);
  const customDefinitions = customPermissionDefinitions(customNames, r1.get('customPermissions') ?? []);
  // --excess only: every Permissions… column (none read otherwise)
  const allColumns = allPermissionColumns(r1);
  const setQueries = (ids: string[], members: string[]): BatchQuery[] => [
    ...secondRound(requirements, objects, columns, ids, members, appId, options.excess),
    // every set by Id (the groups' members among them): no member semi-join needed
    ...customPermissionAccessQueries(Object.values(customDefinitions).map((d) => d.id), ids, []),
    ...excessSecondRound(options.excess, allColumns.filter((c) => !columns.includes(c)), ids),
  ];
  const second = [...setQueries(setIds, memberIds), ...crossCheck.queries, ...(reuse ? refreshQueries(userIds) : []), ...probeQueries(options.probeSetName)];
  const bestEffortErrors: BestEffortErrors = new Map();
  const [r2, appMeta] = await Promise.all([
    runQueries(conn, second, bestEffortErrors),
    reuse?.appMeta ?? readAppMetadata(conn, appRow ? appName : undefined),
  ]);
  const { assignments, components } = reuse ? await applyRefresh(conn, r1, r2, userIds, setIds, setQueries) : initial;
  const permissionSets = assembleSources(r2, components, columns);
  assignCustomPermissions(permissionSets, customDefinitions, r2.get('customPermissionAccess') ?? []);
  mergeExcessReads(permissionSets, r2);

  // ---- round trip 3 (only when the org has no column for a relevant permission) -------------------
  if (noColumn.length > 0) await readMissingColumns(conn, permissionSets, noColumn);

  const users = assembleUsers(matched, r1, assignments, [appName, str(appMeta[0]?.label), str(ecaRow?.MasterLabel), str(ecaRow?.DeveloperName)]);
  const crossChecks = assembleCrossChecks(crossCheck, userIds, r1, r2, bestEffortErrors);
  for (const user of users) {
    const verdicts = crossChecks.get(user.id);
    if (verdicts) user.crossCheck = verdicts;
  }
  const snapshot: OrgSnapshot = {
    org: orgInfoOf(conn, r1),
    users,
    unresolvedUsers: unresolved,
    permissionSets,
    availablePermissions: unique([...available, ...allColumns, ...noColumn]).sort(),
    objects: assembleObjects(objects, r1),
    permissionSetLicenses: Object.fromEntries((r1.get('psls') ?? []).map((p) => [str(p.DeveloperName), str(p.MasterLabel)])),
    permissionDependencies: dependenciesOf(r1),
    app: appFrom(appName, appRow, ecaRow, appMeta, r1),
    ...(customNames.length > 0 ? { customPermissions: customDefinitions } : {}),
    ...excessSnapshotFields(options.excess, r1),
    ...probedSetOf(options.probeSetName, r2),
  };
  firstReads.set(snapshot, { r1, appMeta });
  return snapshot;
};
