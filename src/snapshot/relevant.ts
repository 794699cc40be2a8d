/*
 * Which system permissions a check needs to read. PermissionSet has ~1,700 Permissions… columns;
 * selecting them all would not fit a GET URL, and the evaluation only ever asks about these.
 */
import type { Requirements } from '../requirements/types.js';

/**
 * Permissions the evaluation and the grant planner consult whatever the manifest says: the ones that
 * imply others, the over-grant warnings, the activity/user rules, uninstalled apps, and the usual
 * dependency targets.
 */
export const ALWAYS_RELEVANT = [
  'ApiEnabled',
  'ApiUserOnly',
  'AuthorApex',
  'CanApproveUninstalledApps',
  'CustomizeApplication',
  'EditCaseComments',
  'EditEvent',
  'EditTask',
  'ManageRemoteAccess',
  'ManageUsers',
  'ModifyAllData',
  'ModifyMetadata',
  'RunReports',
  'TransferAnyEntity',
  'TransferAnyLead',
  'UseAnyApiClient',
  'ViewAllActivities',
  'ViewAllData',
  'ViewAllUsers',
  'ViewRoles',
  'ViewSetup',
] as const;

export const relevantPermissions = (requirements: Requirements): string[] => {
  const names = new Set<string>(ALWAYS_RELEVANT);
  for (const item of [...requirements.systemPermissions, ...requirements.user.forbiddenPermissions]) {
    for (const name of item.names) names.add(name);
  }
  return [...names].sort();
};
