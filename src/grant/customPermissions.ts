/*
 * The custom-permission slice of the grant plan (pure): which custom permissions the generated set enables.
 *
 * A permission set enables a custom permission with `<customPermissions><enabled>true</enabled><name>X</name>`
 * (Metadata API, PermissionSet: PermissionSetCustomPermissions; a package's permission is written `ns__X`).
 * Deploying a set that names a custom permission the org does not have fails, so such an item is left out
 * with the manual step "install the package / create the permission".
 */
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot } from '../snapshot/types.js';
import type { PlanOmission, PlanUserPermission } from './types.js';
import { compareText } from './dependencies.js';
import { orList } from './planBuilder.js';
import { text } from './planTexts.generated.js';

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export type CustomPermissionPlan = { customPermissions: PlanUserPermission[]; omitted: PlanOmission[] };

export const planCustomPermissions = (requirements: Requirements, snapshot: OrgSnapshot): CustomPermissionPlan => {
  const inOrg = Object.keys(snapshot.customPermissions ?? {});
  const orgName = (name: string): string | undefined => inOrg.find((n) => sameName(n, name));
  const chosen = new Map<string, PlanUserPermission>();
  const omitted: PlanOmission[] = [];
  for (const item of requirements.customPermissions ?? []) {
    const existing = item.names.map(orgName).filter((n): n is string => n !== undefined);
    if (existing.length === 0) {
      omitted.push({
        item: text('customPermission.item', orList(item.names)),
        path: item.path,
        why: text('customPermission.notInOrg.why'),
      });
      continue;
    }
    // alternatives: one already in the set, else the first the manifest lists that the org has
    const name = existing.find((n) => chosen.has(n)) ?? existing[0];
    if (chosen.has(name)) continue;
    const anyOf = item.names.length > 1;
    chosen.set(name, {
      name,
      reason: anyOf ? { path: item.path, kind: 'anyOf', note: text('customPermission.anyOf.note', item.names.join(', ')) } : { path: item.path, kind: 'required' },
    });
  }
  return {
    customPermissions: [...chosen.values()].sort((a, b) => compareText(a.name, b.name)),
    omitted,
  };
};
