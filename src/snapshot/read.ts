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
 *
 * This file holds the two rounds and their order; each kind reads and assembles in its own module:
 * users.ts, permissionSetReads.ts (sets, groups, muting, columns), objects.ts, apps.ts (+ metadata.ts),
 * customPermissions.ts, crossCheck.ts, excessReads.ts, refresh.ts (grant's re-check).
 */
import { Connection } from '@salesforce/core';
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot } from './types.js';
import { BatchQuery, BestEffortErrors, bool, runQueries, SoqlRecord, str } from './batch.js';
import { chunkForInList, HALF_IN_LIST_CHARS, inList, soqlString, unique } from './soql.js';
import { applyEcaPolicyLists, ecaPolicyNameOf, readEcaPolicyLists, withEcaPolicyLists } from './ecaPolicies.js';
import { relevantPermissions } from './relevant.js';
import { assembleCrossChecks, crossCheckQueries } from './crossCheck.js';
import { assignCustomPermissions, customPermissionAccessQueries, customPermissionDefinitionQueries, customPermissionDefinitions, customPermissionNames } from './customPermissions.js';
import { allPermissionColumns, excessFirstRound, excessSecondRound, excessSnapshotFields, mergeExcessReads } from './excessReads.js';
import { addedSetIds, applyRefresh, firstReads, probeQueries, probedSetOf, refreshQueries } from './refresh.js';
import { assembleUsers, resolveUsers, setsOf, userFilters } from './users.js';
import { appFrom, appRowsOf, readAppMetadata } from './apps.js';
import { assembleSources, permissionColumns, readMissingColumns, secondRound } from './permissionSetReads.js';
import { assembleObjects } from './objects.js';

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
          'SELECT ExternalClientApplicationId, DeveloperName, PermittedUsersPolicyType, IpRelaxationPolicyType, RefreshTokenPolicyType, RefreshTokenValidityPeriod, RefreshTokenValidityUnit ' +
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
  const setIds = unique([...initial.setIds, ...addedSetIds(options.refresh)]).sort();
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
  const [r2, appMeta, ecaLists] = await Promise.all([
    runQueries(conn, second, bestEffortErrors),
    reuse?.appMeta ?? readAppMetadata(conn, appRow ? appName : undefined),
    // an ECA's pre-authorized sets and profiles (its policies; read again by a refresh: grant changes them)
    readEcaPolicyLists(conn, ecaPolicyNameOf(r1.get('ecaPolicy'), ecaRow)),
  ]);
  const { assignments, components } = reuse ? await applyRefresh(conn, r1, r2, userIds, setIds, setQueries) : initial;
  const permissionSets = assembleSources(r2, components, columns);
  applyEcaPolicyLists(permissionSets, appId, ecaLists); // lists only for an ECA (appId is then the ECA's)
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
    app: withEcaPolicyLists(appFrom(appName, appRow, ecaRow, appMeta, r1), ecaLists),
    ...(customNames.length > 0 ? { customPermissions: customDefinitions } : {}),
    ...excessSnapshotFields(options.excess, r1),
    ...probedSetOf(options.probeSetName, r2),
  };
  firstReads.set(snapshot, { r1, appMeta });
  return snapshot;
};
