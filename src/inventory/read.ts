/*
 * The inventory reader: all I/O of `integration inventory`. One round trip of Composite requests (5
 * queries each, sent in parallel) whose number does not grow with the org's users or apps, because the
 * rows that would grow are folded by the org itself:
 *
 *   - OauthToken GROUP BY AppName (COUNT_DISTINCT users, SUM of uses, MAX last use): one row per app;
 *     OauthToken.AppName and UserId are groupable ("Filter, Group, Nillable, Sort" in the Object Reference,
 *     https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_objects_oauthtoken.htm);
 *     a grouped query is answered whole, never continued with queryMore ("Considerations When Using
 *     GROUP BY", SOQL and SOSL Reference);
 *   - holders of a permission: PermissionSetAssignment filtered on its PermissionSet's Permissions<Name>
 *     column (a profile's own set and a group's aggregate set are assigned like any set, so one filter
 *     covers profiles, sets and groups), counted with COUNT_DISTINCT(AssigneeId) and listed up to one page
 *     (LIMIT 2000, the REST page size) — the count stays exact when the list is capped;
 *   - integration users' tokens: OauthToken semi-joined to the users (`UserId IN (SELECT … )`), grouped by
 *     app and user. A semi-join's sub-query selects a reference to the outer field's object (User).
 *
 * Queries on objects or columns an org may lack (External Client Apps before they are enabled, Use Any API
 * Client without API Access Control) are optional: they give no rows, and the EntityParticle read of the
 * PermissionSet columns says which permissions exist at all.
 */
import type { Connection } from '@salesforce/core';
import { BatchQuery, bool, rel, runQueries, SoqlRecord, str } from '../snapshot/batch.js';
import { inList } from '../snapshot/soql.js';
import { ecaPermittedUsers, ecaRefreshTokenPolicy, ipRelaxationOf } from '../salesforce/oauth.js';
import { INTEGRATION_LICENSE } from '../salesforce/licences.js';
import type { OrgInfo } from '../snapshot/types.js';
import type { GrantSource, HolderAssignment, InventoryPermission, InventorySnapshot } from './types.js';

export const INVENTORY_PERMISSIONS: readonly InventoryPermission[] = ['CanApproveUninstalledApps', 'UseAnyApiClient', 'ApiUserOnly'];

/** The most assignments listed per permission: one REST query page, so the list never pages. */
export const HOLDER_LIST_LIMIT = 2000;

const holderColumns = [
  'AssigneeId',
  'Assignee.Username',
  'Assignee.Name',
  'Assignee.Profile.Name',
  'Assignee.Profile.UserLicense.Name',
  'PermissionSet.Name',
  'PermissionSet.Type',
  'PermissionSet.IsOwnedByProfile',
  'PermissionSet.Profile.Name',
  'PermissionSetGroupId',
  'PermissionSetGroup.DeveloperName',
].join(', ');

const holderFilter = (p: InventoryPermission): string => `Assignee.IsActive = true AND PermissionSet.Permissions${p} = true`;

/** The integration users as a semi-join sub-query: the licence's users, or API Only holders. */
const LICENCE_USERS = `(SELECT Id FROM User WHERE IsActive = true AND Profile.UserLicense.Name = '${INTEGRATION_LICENSE}')`;
const API_ONLY_USERS = `(SELECT AssigneeId FROM PermissionSetAssignment WHERE ${holderFilter('ApiUserOnly')})`;
const TOKENS_BY_APP_AND_USER = 'SELECT AppName, UserId, SUM(UseCount) uses, MAX(LastUsedDate) lastUsed FROM OauthToken';

export const inventoryQueries = (): BatchQuery[] => [
  { key: 'org', soql: 'SELECT Id, Name, OrganizationType, IsSandbox, InstanceName FROM Organization' },
  {
    key: 'psColumns',
    soql: `SELECT QualifiedApiName FROM EntityParticle WHERE EntityDefinition.QualifiedApiName = 'PermissionSet' AND QualifiedApiName IN ${inList(
      INVENTORY_PERMISSIONS.map((p) => `Permissions${p}`)
    )}`,
  },
  { key: 'tokenUsage', soql: 'SELECT AppName, COUNT_DISTINCT(UserId) users, SUM(UseCount) uses, MAX(LastUsedDate) lastUsed FROM OauthToken GROUP BY AppName' },
  { key: 'apps', soql: 'SELECT Id, Name, OptionsAllowAdminApprovedUsersOnly, OptionsRefreshTokenValidityMetric, RefreshTokenValidityPeriod FROM ConnectedApplication' },
  // External Client Apps (API 59.0+; absent where the org has none enabled: optional)
  { key: 'ecas', optional: true, soql: 'SELECT Id, DeveloperName, MasterLabel, DistributionState FROM ExternalClientApplication' },
  {
    key: 'ecaPolicies',
    optional: true,
    soql: 'SELECT ExternalClientApplicationId, PermittedUsersPolicyType, IpRelaxationPolicyType, RefreshTokenPolicyType, RefreshTokenValidityPeriod, RefreshTokenValidityUnit FROM ExtlClntAppOauthPlcyCnfg',
  },
  {
    key: 'licenceUsers',
    soql: `SELECT Id, Username, Name, Profile.Name, Profile.UserLicense.Name FROM User WHERE IsActive = true AND Profile.UserLicense.Name = '${INTEGRATION_LICENSE}' ORDER BY Username LIMIT ${HOLDER_LIST_LIMIT}`,
  },
  ...INVENTORY_PERMISSIONS.flatMap((p): BatchQuery[] => [
    {
      key: `holders:${p}`,
      optional: true,
      soql: `SELECT ${holderColumns} FROM PermissionSetAssignment WHERE ${holderFilter(p)} ORDER BY Assignee.Username LIMIT ${HOLDER_LIST_LIMIT}`,
    },
    { key: `holderCount:${p}`, optional: true, soql: `SELECT COUNT_DISTINCT(AssigneeId) holders FROM PermissionSetAssignment WHERE ${holderFilter(p)}` },
  ]),
  { key: 'integrationTokens', soql: `${TOKENS_BY_APP_AND_USER} WHERE UserId IN ${LICENCE_USERS} GROUP BY AppName, UserId` },
  { key: 'integrationTokens', optional: true, soql: `${TOKENS_BY_APP_AND_USER} WHERE UserId IN ${API_ONLY_USERS} GROUP BY AppName, UserId` },
];

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);
const optStr = (v: unknown): string | undefined => str(v) || undefined;

const sourceOf = (r: SoqlRecord): GrantSource => {
  if (bool(rel(r, 'PermissionSet.IsOwnedByProfile'))) return { kind: 'Profile', name: str(rel(r, 'PermissionSet.Profile.Name')) };
  if (str(r.PermissionSetGroupId) || str(rel(r, 'PermissionSet.Type')) === 'Group') {
    return { kind: 'PermissionSetGroup', name: str(rel(r, 'PermissionSetGroup.DeveloperName')) || str(rel(r, 'PermissionSet.Name')) };
  }
  return { kind: 'PermissionSet', name: str(rel(r, 'PermissionSet.Name')) };
};

const holderOf = (r: SoqlRecord): HolderAssignment => ({
  userId: str(r.AssigneeId),
  username: str(rel(r, 'Assignee.Username')),
  name: str(rel(r, 'Assignee.Name')),
  profile: str(rel(r, 'Assignee.Profile.Name')),
  userLicense: str(rel(r, 'Assignee.Profile.UserLicense.Name')),
  source: sourceOf(r),
});

const orgOf = (conn: Connection, row: SoqlRecord | undefined): OrgInfo => ({
  id: str(row?.Id),
  name: str(row?.Name),
  edition: str(row?.OrganizationType),
  isSandbox: bool(row?.IsSandbox),
  instanceUrl: conn.instanceUrl,
  apiVersion: conn.getApiVersion(),
});

/** The rows of one read, typed (exported for tests of the shapes). */
export const snapshotFrom = (conn: Connection, r: Map<string, SoqlRecord[]>): InventorySnapshot => {
  const columns = new Set((r.get('psColumns') ?? []).map((c) => str(c.QualifiedApiName)));
  const permissionColumns = INVENTORY_PERMISSIONS.filter((p) => columns.has(`Permissions${p}`));
  const policies = r.get('ecaPolicies') ?? [];
  const policyOf = (id: string): SoqlRecord | undefined => policies.find((p) => str(p.ExternalClientApplicationId).slice(0, 15) === id.slice(0, 15));
  return {
    org: orgOf(conn, r.get('org')?.[0]),
    permissionColumns,
    tokenUsage: (r.get('tokenUsage') ?? []).map((t) => ({ appName: str(t.AppName), users: num(t.users), useCount: num(t.uses), lastUsed: optStr(t.lastUsed) })),
    connectedApps: (r.get('apps') ?? []).map((a) => ({
      id: str(a.Id),
      name: str(a.Name),
      adminApprovedOnly: bool(a.OptionsAllowAdminApprovedUsersOnly),
      refreshByInactivity: bool(a.OptionsRefreshTokenValidityMetric),
      refreshPeriod: a.RefreshTokenValidityPeriod === null || a.RefreshTokenValidityPeriod === undefined ? null : num(a.RefreshTokenValidityPeriod),
    })),
    externalClientApps: (r.get('ecas') ?? []).map((e) => {
      const policy = policyOf(str(e.Id));
      return {
        id: str(e.Id),
        developerName: str(e.DeveloperName),
        label: str(e.MasterLabel) || str(e.DeveloperName),
        distributionState: optStr(e.DistributionState),
        permittedUsers: policy ? ecaPermittedUsers(str(policy.PermittedUsersPolicyType)) : undefined,
        ipRelaxation: policy && str(policy.IpRelaxationPolicyType) ? ipRelaxationOf(str(policy.IpRelaxationPolicyType)) : undefined,
        refreshTokenPolicy: policy ? ecaRefreshTokenPolicy(str(policy.RefreshTokenPolicyType), policy.RefreshTokenValidityPeriod, policy.RefreshTokenValidityUnit) : undefined,
      };
    }),
    holders: Object.fromEntries(
      permissionColumns.map((p) => [p, { total: num(r.get(`holderCount:${p}`)?.[0]?.holders), assignments: (r.get(`holders:${p}`) ?? []).map(holderOf) }])
    ),
    integrationLicenceUsers: (r.get('licenceUsers') ?? []).map((u) => ({
      id: str(u.Id),
      username: str(u.Username),
      name: str(u.Name),
      profile: str(rel(u, 'Profile.Name')),
      userLicense: str(rel(u, 'Profile.UserLicense.Name')),
    })),
    integrationTokenUsage: (r.get('integrationTokens') ?? []).map((t) => ({
      appName: str(t.AppName),
      userId: str(t.UserId),
      useCount: num(t.uses),
      lastUsed: optStr(t.lastUsed),
    })),
  };
};

/** Reads the inventory in one round trip (see the top of this file). */
export const readInventory = async (conn: Connection): Promise<InventorySnapshot> => snapshotFrom(conn, await runQueries(conn, inventoryQueries()));
