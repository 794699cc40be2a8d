/*
 * Which system permissions a check needs to read. PermissionSet has ~1,700 Permissions… columns;
 * selecting them all would not fit a GET URL, and the evaluation only ever asks about these.
 */
import type { Requirements } from '../requirements/types.js';
import { ALWAYS_RELEVANT_PERMISSIONS } from '../salesforce/permissions.js';
import { specialObjectAccess } from '../salesforce/objectAccess.js';

/** Permissions the evaluation and the grant planner consult whatever the manifest says (src/salesforce/permissions.ts). */
export const ALWAYS_RELEVANT = ALWAYS_RELEVANT_PERMISSIONS;

export const relevantPermissions = (requirements: Requirements): string[] => {
  const names = new Set<string>(ALWAYS_RELEVANT);
  for (const item of [...requirements.systemPermissions, ...requirements.user.forbiddenPermissions]) {
    for (const name of item.names) names.add(name);
  }
  // objects without object permissions: the system permissions their rules consult
  for (const o of requirements.objects ?? []) {
    for (const access of [...o.access.map((a) => a.access), ...(o.visibility ? (['viewAll'] as const) : []), ...(o.fields.length > 0 ? (['read', 'edit'] as const) : [])]) {
      const rule = specialObjectAccess(o.object, access);
      if (rule?.kind === 'systemPermission') for (const name of rule.names) names.add(name);
    }
  }
  return [...names].sort();
};
