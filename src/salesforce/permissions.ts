/*
 * System permission facts: names the verdicts use, what Modify All Data brings along, which
 * permissions are powerful, the fallback dependency table, the built-in labels of the permissions
 * the evaluation names itself. Setup labels of every other permission come from the label data file,
 * loaded by the caller and passed in (src/salesforce never reads files).
 */
import { SOURCES, type Sourced } from './sources.js';

export const MODIFY_ALL_DATA = 'ModifyAllData';
export const VIEW_ALL_DATA = 'ViewAllData';
export const AUTHOR_APEX = 'AuthorApex';
export const CUSTOMIZE_APPLICATION = 'CustomizeApplication';
export const MANAGE_CONNECTED_APPS = 'ManageRemoteAccess';
/** "Approve Uninstalled Connected Apps" (Help 005132365) */
export const CAN_APPROVE_UNINSTALLED_APPS = 'CanApproveUninstalledApps';
/** "Use Any API Client": exists only where API Access Control is on (Help 005228838) */
export const USE_ANY_API_CLIENT = 'UseAnyApiClient';

/**
 * Setup labels of the permissions the evaluation itself names, from the PermissionSet field reference
 * (data/user-permission-labels.tsv, v67.0); `UseAnyApiClient` and `CanApproveUninstalledApps` as
 * Salesforce Help 005228838 / 005132365 name them. Callers pass a fuller lookup for other permissions.
 */
export const BUILTIN_PERMISSION_LABELS: Readonly<Record<string, string>> = {
  ApiEnabled: 'API Enabled',
  ApiUserOnly: 'API Only User',
  AuthorApex: 'Author Apex',
  CanApproveUninstalledApps: 'Approve Uninstalled Connected Apps',
  CustomizeApplication: 'Customize Application',
  EditCaseComments: 'Edit Case Comments',
  EditEvent: 'Edit Events',
  EditTask: 'Edit Tasks',
  ManageCustomPermissions: 'Manage Custom Permissions',
  ManageProfilesPermissionsets: 'Manage Profiles and Permission Sets',
  ManageRemoteAccess: 'Manage Connected Apps',
  ManageUsers: 'Manage Users',
  ModifyAllData: 'Modify All Data',
  ModifyMetadata: 'Modify Metadata Through Metadata API Functions',
  RunReports: 'Run Reports',
  TransferAnyEntity: 'Transfer Record',
  TransferAnyLead: 'Transfer Leads',
  UseAnyApiClient: 'Use Any API Client',
  ViewAllActivities: 'View All Activities',
  ViewAllData: 'View All Data',
  ViewAllUsers: 'View All Users',
  ViewRoles: 'View Roles and Role Hierarchy',
  ViewSetup: 'View Setup and Configuration',
};

/**
 * System permissions Modify All Data brings along: Salesforce enables them with it (they are its
 * deploy-time dependencies), so a set holding Modify All Data holds these even when a snapshot does
 * not list them. Deliberately small: only those the reference documents.
 */
export const IMPLIED_BY_MODIFY_ALL_DATA: readonly string[] = ['ViewAllData', 'ViewSetup', 'EditTask', 'EditEvent', 'RunReports', 'TransferAnyEntity'];
export const IMPLIED_BY_MODIFY_ALL_DATA_SOURCE: Sourced = { source: SOURCES.HELP_VIEW_ALL_MODIFY_ALL };

/**
 * System permission dependencies enforced on deploy ("Permission X depends on permission(s): Y").
 * FALLBACK ONLY: the org's own Tooling `PermissionDependency` table is authoritative and far larger;
 * this one covers the permissions integrations commonly ask for, so a plan built without it deploys.
 * Author Apex requires Modify All Data (reference: "a set holding Author Apex always holds Modify All
 * Data").
 */
export const FALLBACK_PERMISSION_DEPENDENCIES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  AuthorApex: ['ModifyAllData', 'ViewSetup'],
  CustomizeApplication: ['ViewSetup'],
  ManageCustomPermissions: ['ViewSetup'],
  ManageUsers: ['ViewRoles', 'ViewSetup'],
  ModifyMetadata: ['ViewSetup'],
  ManageRemoteAccess: ['ViewSetup'],
  ModifyAllData: ['ViewAllData'],
  ViewAllData: ['ViewSetup'],
  ViewAllUsers: ['ViewSetup'],
  TransferAnyEntity: ['TransferAnyLead'],
});
export const PERMISSION_DEPENDENCIES_SOURCE: Sourced = { source: SOURCES.TOOLING_PERMISSION_DEPENDENCY };

/**
 * Every system permission a permission set holding `name` necessarily holds (transitively): its
 * deploy-time dependencies and what Modify All Data brings along. `name` itself is not included.
 * Used so that what a required permission implies is never an over-grant.
 */
export const impliedSystemPermissions = (name: string, dependencies: (permission: string) => readonly string[] = (p): readonly string[] => FALLBACK_PERMISSION_DEPENDENCIES[p] ?? []): string[] => {
  const seen = new Set<string>([name]);
  const queue = [name];
  while (queue.length > 0) {
    const current = queue.shift() as string;
    const next = [...dependencies(current), ...(current === MODIFY_ALL_DATA ? IMPLIED_BY_MODIFY_ALL_DATA : [])];
    for (const p of next) {
      if (seen.has(p)) continue;
      seen.add(p);
      queue.push(p);
    }
  }
  seen.delete(name);
  return [...seen].sort();
};

/**
 * Powerful permissions: never suggested or planned before a narrower alternative of an `anyOf`, and
 * reported as over-granting when held but neither required nor implied by what is required.
 * Salesforce singles these out as the privileged permissions (risk tier "critical" in riskTiers.ts).
 */
export const POWERFUL_PERMISSIONS: readonly string[] = ['ModifyAllData', 'ViewAllData', 'CustomizeApplication', 'AuthorApex'];

/** The subset of POWERFUL_PERMISSIONS reported as over-granting. */
export const OVER_GRANT_PERMISSIONS: readonly string[] = POWERFUL_PERMISSIONS;

/**
 * How broad a permission is, for ordering alternatives (higher = more powerful). Permissions not
 * listed rank 0. `isBroadPermission` is rank ≥ 2.
 */
export const BROAD_PERMISSION_RANK: Readonly<Record<string, number>> = Object.freeze({
  ModifyAllData: 4,
  ViewAllData: 3,
  AuthorApex: 2,
  CustomizeApplication: 2,
  ModifyMetadata: 1,
  ManageUsers: 1,
});

/**
 * Order alternatives for a suggestion: as listed, except that powerful permissions go after the
 * narrower ones (a stable sort keeps the manifest order within each group).
 */
export const leastPowerfulFirst = (names: readonly string[]): string[] => {
  const rank = (n: string): number => BROAD_PERMISSION_RANK[n] ?? 0;
  return names
    .map((name, index) => ({ name, index }))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.index - b.index)
    .map((x) => x.name);
};

/**
 * Permissions the evaluation and the grant planner consult whatever the manifest says (the snapshot
 * reads these columns): the ones that imply others, the over-grant warnings, the activity/user
 * rules, uninstalled apps, and the usual dependency targets.
 */
export const ALWAYS_RELEVANT_PERMISSIONS: readonly string[] = [
  ...new Set([
    'ApiEnabled',
    'ApiUserOnly',
    CAN_APPROVE_UNINSTALLED_APPS,
    'EditCaseComments',
    'ManageRemoteAccess',
    'ManageUsers',
    'ModifyMetadata',
    'TransferAnyLead',
    USE_ANY_API_CLIENT,
    'ViewAllActivities',
    'ViewAllUsers',
    'ViewRoles',
    ...POWERFUL_PERMISSIONS,
    ...IMPLIED_BY_MODIFY_ALL_DATA,
  ]),
].sort();
