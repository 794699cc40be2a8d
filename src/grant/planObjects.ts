/* Object and field access in the plan: regular objects, objects without object permissions, field-level security. */
import type { ObjectAccess, ObjectRequirement } from '../requirements/types.js';
import type { FieldDescribe, ObjectDescribe, OrgSnapshot } from '../snapshot/types.js';
import { PLATFORM_LICENSE, hasNoObjectPermissions, isPublicSharingModel, platformForbids, specialObjectAccess } from '../salesforce/index.js';
import { isBroadPermission, OBJECT_FLAG_LABELS, rankByPower } from './dependencies.js';
import { PlanBuilder, listUsers, lookup, orList } from './planBuilder.js';
import { text } from './planTexts.generated.js';

export function planObject(builder: PlanBuilder, requirement: ObjectRequirement, snapshot: OrgSnapshot): void {
  const describe: ObjectDescribe | null | undefined = lookup(snapshot.objects, requirement.object);
  if (describe === null) {
    builder.omit(requirement.object, requirement.path, text('object.notInOrg.why'));
    return;
  }
  const object = describe?.name ?? requirement.object;

  const platformUsers = snapshot.users.filter((user) => user.userLicense === PLATFORM_LICENSE);
  if (platformUsers.length > 0 && platformForbids(PLATFORM_LICENSE, object)) {
    builder.omit(object, requirement.path, text('object.platformLicence.why', PLATFORM_LICENSE, listUsers(platformUsers), object));
    builder.manual(
      text('object.platformLicence.requirement', object),
      requirement.path,
      text('object.platformLicence.step', listUsers(platformUsers), PLATFORM_LICENSE, object)
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
    builder.omit(text('object.visibility.item', object), visibility.path, text('object.visibility.public.why', object, sharing));
    return;
  }
  builder.addObjectAccess(object, 'viewAll', {
    path: visibility.path,
    kind: 'required',
    note: text('object.visibility.note', sharing ?? text('object.visibility.unknownSharing')),
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
    item: text('object.access.item', object, OBJECT_FLAG_LABELS[access]),
  }));
  if (requirement.visibility) items.push({ access: 'viewAll', path: requirement.visibility.path, item: text('object.visibility.item', object) });
  for (const { access, path, item } of items) {
    const rule = specialObjectAccess(object, access);
    if (rule === undefined) continue;
    if (rule.kind === 'implicit' || rule.kind === 'impossible') {
      builder.omit(item, path, rule.message);
      if (rule.kind === 'implicit' && object === 'CaseComment' && lookup(snapshot.objects, 'Case') !== null) {
        builder.addObjectAccess('Case', 'read', { path, kind: 'dependency', note: text('object.caseComment.note') });
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
    builder.omit(item, path, text('object.special.why', rule.message, orList(rule.names) || text('object.special.it')));
    if (rule.names.length > 0) {
      builder.manual(
        item,
        path,
        text('object.special.step', orList(rule.names), item)
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
          ? text('field.optionalNotInOrg.why')
          : text('field.notInOrg.why')
      );
      continue;
    }
    if (!hasNoObjectPermissions(object)) {
      builder.addObjectAccess(object, 'read', { path, kind: 'dependency', note: text('field.objectRead.note', object) });
    }
    if (found !== undefined && found.permissionable === false) {
      builder.omit(key, path, text('field.notPermissionable.why'));
      continue;
    }
    let granted: 'read' | 'edit' = access;
    if (access === 'edit' && found !== undefined && !found.createable && !found.updateable) {
      builder.omit(text('field.edit.item', key), path, text('field.readOnly.why'));
      granted = 'read';
    }
    builder.addField(key, granted, { path, kind: 'required' });
  }
}
