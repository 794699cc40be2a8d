/*
 * Which system permissions a check needs to read. PermissionSet has ~1,700 Permissions… columns;
 * selecting them all would not fit a GET URL, and the evaluation only ever asks about these.
 */
import type { Requirements } from '../requirements/types.js';
import { ALWAYS_RELEVANT_PERMISSIONS } from '../salesforce/permissions.js';

/** Permissions the evaluation and the grant planner consult whatever the manifest says (src/salesforce/permissions.ts). */
export const ALWAYS_RELEVANT = ALWAYS_RELEVANT_PERMISSIONS;

export const relevantPermissions = (requirements: Requirements): string[] => {
  const names = new Set<string>(ALWAYS_RELEVANT);
  for (const item of [...requirements.systemPermissions, ...requirements.user.forbiddenPermissions]) {
    for (const name of item.names) names.add(name);
  }
  return [...names].sort();
};
