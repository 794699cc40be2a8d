/* Object and field access in the plan: regular objects, objects without object permissions, field-level security. */
import type { ObjectAccess, ObjectRequirement } from '../requirements/types.js';
import type { FieldDescribe, ObjectDescribe, OrgSnapshot } from '../snapshot/types.js';
import { PLATFORM_LICENSE, hasNoObjectPermissions, isPublicSharingModel, platformForbids, specialObjectAccess } from '../salesforce/index.js';
import { isBroadPermission, OBJECT_FLAG_LABELS, rankByPower } from './dependencies.js';
import { PlanBuilder, listUsers, lookup } from './planBuilder.js';

export function planObject(builder: PlanBuilder, requirement: ObjectRequirement, snapshot: OrgSnapshot): void {
  const describe: ObjectDescribe | null | undefined = lookup(snapshot.objects, requirement.object);
  if (describe === null) {
    builder.omit(requirement.object, requirement.path, 'object does not exist in this org (check reports it as an error)');
    return;
  }
  const object = describe?.name ?? requirement.object;

  const platformUsers = snapshot.users.filter((user) => user.userLicense === PLATFORM_LICENSE);
  if (platformUsers.length > 0 && platformForbids(PLATFORM_LICENSE, object)) {
    builder.omit(object, requirement.path, `licence cannot hold it: the ${PLATFORM_LICENSE} licence of ${listUsers(platformUsers)} does not include ${object}`);
    builder.manual(
      `${object}: access`,
      requirement.path,
      `Give ${listUsers(platformUsers)} a Salesforce user licence (Setup > Users > USER > Edit: a profile with the Salesforce licence): the ${PLATFORM_LICENSE} licence cannot hold ${object}, and no permission set can change that.`
    );
    return;
  }

  if (hasNoObjectPermissions(object)) {
    planSpecialObjectAccess(builder, object, requirement, snapshot);
  } else {
    planRegularObjectAccess(builder, object, requirement, describe);
  }
  planFields(builder, object, requirement, describe);
}

export function planRegularObjectAccess(builder: PlanBuilder, object: string, requirement: ObjectRequirement, describe: ObjectDescribe | undefined): void {
  for (const access of requirement.access) {
    builder.addObjectAccess(object, access.access, { path: access.path, kind: 'required' });
  }
  const visibility = requirement.visibility;
  if (visibility === undefined) return;
  const sharing = describe?.sharingModel;
  if (sharing !== undefined && isPublicSharingModel(sharing)) {
    builder.omit(`${object}: visibility all`, visibility.path, `org-wide default for ${object} is ${sharing}: every record is already visible, View All is not needed`);
    return;
  }
  builder.addObjectAccess(object, 'viewAll', {
    path: visibility.path,
    kind: 'required',
    note: `visibility all needs View All (org-wide default ${sharing ?? 'unknown'})`,
  });
}

/**
 * Task, Event, User and CaseComment have no object permissions: each access is granted the way the
 * evaluation's rules (`specialObjectAccess`) decide it, so a re-check after the grant agrees.
 */
export function planSpecialObjectAccess(builder: PlanBuilder, object: string, requirement: ObjectRequirement, snapshot: OrgSnapshot): void {
  const items: Array<{ access: ObjectAccess; path: string; item: string }> = requirement.access.map(({ access, path }) => ({
    access,
    path,
    item: `${object}: ${OBJECT_FLAG_LABELS[access]}`,
  }));
  if (requirement.visibility) items.push({ access: 'viewAll', path: requirement.visibility.path, item: `${object}: visibility all` });
  for (const { access, path, item } of items) {
    const rule = specialObjectAccess(object, access);
    if (rule === undefined) continue;
    if (rule.kind === 'implicit' || rule.kind === 'impossible') {
      builder.omit(item, path, rule.message);
      if (rule.kind === 'implicit' && object === 'CaseComment' && lookup(snapshot.objects, 'Case') !== null) {
        builder.addObjectAccess('Case', 'read', { path, kind: 'dependency', note: 'case comments are read through their parent Case' });
      }
      continue;
    }
    const parent = rule.object;
    if (parent !== undefined && lookup(snapshot.objects, parent.object) !== null) {
      builder.addObjectAccess(parent.object, parent.access, { path, kind: 'dependency', note: rule.message });
      continue;
    }
    const candidates = rankByPower(
      rule.names.filter((name) => builder.isAvailable(name) && !builder.isForbidden(name)),
      builder.dependencies
    );
    // A broad permission (Modify All Data, View All Data, …) is only used when the set carries it anyway.
    const chosen = candidates.find((name) => !isBroadPermission(name)) ?? candidates.find((name) => builder.userPermissions.has(name));
    if (chosen !== undefined) {
      builder.addUserPermission(chosen, { path, kind: 'required', note: rule.message });
      continue;
    }
    builder.omit(item, path, `${rule.message}; a least-privilege set does not add ${rule.names.join(' or ') || 'it'} on its own`);
    if (rule.names.length > 0) {
      builder.manual(
        item,
        path,
        `Only ${rule.names.join(' or ')} grants ${item}: list it under systemPermissions in the manifest if the integration really needs it, or drop the requirement.`
      );
    }
  }
}

export function fieldDescribe(describe: ObjectDescribe | undefined, field: string): FieldDescribe | undefined {
  return describe === undefined ? undefined : lookup(describe.fields, field);
}

export function planFields(builder: PlanBuilder, object: string, requirement: ObjectRequirement, describe: ObjectDescribe | undefined): void {
  for (const requirementField of requirement.fields) {
    const found = fieldDescribe(describe, requirementField.field);
    const fieldName = found?.name ?? requirementField.field;
    const key = `${object}.${fieldName}`;
    const { path, access } = requirementField;
    if (describe !== undefined && found === undefined) {
      builder.omit(
        key,
        path,
        requirementField.optional
          ? 'optional field not in this org'
          : 'field does not exist in this org (check reports it as an error)'
      );
      continue;
    }
    if (!hasNoObjectPermissions(object)) {
      builder.addObjectAccess(object, 'read', { path, kind: 'dependency', note: `field access needs Read on ${object}` });
    }
    if (found !== undefined && found.permissionable === false) {
      builder.omit(key, path, 'not permissionable: readable with the object');
      continue;
    }
    let granted: 'read' | 'edit' = access;
    if (access === 'edit' && found !== undefined && !found.createable && !found.updateable) {
      builder.omit(`${key}: edit`, path, 'field is read-only in this org (neither createable nor updateable): only read is granted');
      granted = 'read';
    }
    builder.addField(key, granted, { path, kind: 'required' });
  }
}
