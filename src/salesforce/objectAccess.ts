/*
 * Object access facts: the object permission flags, what each implies, what View All Data / Modify
 * All Data imply, and the objects that have no object permissions.
 */
import { OBJECT_ACCESS, type ObjectAccess } from '../requirements/types.js';
import { SOURCES, type Sourced } from './sources.js';
import { text } from './texts.generated.js';

export { OBJECT_ACCESS, type ObjectAccess };

export const OBJECT_ACCESS_LABELS: Readonly<Record<ObjectAccess, string>> = {
  read: 'Read',
  create: 'Create',
  edit: 'Edit',
  delete: 'Delete',
  viewAll: 'View All',
  modifyAll: 'Modify All',
  viewAllFields: 'View All Fields',
};

/** ObjectPermissions column of each flag (Object Reference, ObjectPermissions). */
export const OBJECT_ACCESS_COLUMNS: Readonly<Record<ObjectAccess, string>> = {
  read: 'PermissionsRead',
  create: 'PermissionsCreate',
  edit: 'PermissionsEdit',
  delete: 'PermissionsDelete',
  viewAll: 'PermissionsViewAllRecords',
  modifyAll: 'PermissionsModifyAllRecords',
  viewAllFields: 'PermissionsViewAllFields',
};

/**
 * What each object access requires on the same object, directly (Salesforce refuses a row without
 * them, so a row holding the flag also holds these): Create/Edit/View All/View All Fields need Read;
 * Delete needs Edit and Read; Modify All needs Read, Edit, Delete and View All — NOT Create.
 * The same table says "flag Y grants access X" for X in OBJECT_ACCESS_REQUIRES[Y].
 */
export const OBJECT_ACCESS_REQUIRES: Readonly<Record<ObjectAccess, readonly ObjectAccess[]>> = Object.freeze({
  read: [],
  create: ['read'],
  edit: ['read'],
  delete: ['edit', 'read'],
  viewAll: ['read'],
  modifyAll: ['read', 'edit', 'delete', 'viewAll'],
  viewAllFields: ['read'],
});
export const OBJECT_ACCESS_REQUIRES_SOURCE: Sourced = { source: SOURCES.HELP_OBJECT_PERMISSIONS };

/** Alias: "access X is granted when flag Y is set" for X in OBJECT_FLAG_IMPLIES[Y]. */
export const OBJECT_FLAG_IMPLIES = OBJECT_ACCESS_REQUIRES;

/** Every access one flag grants on its object (itself included), transitively. */
export const objectAccessGrantedBy = (flag: ObjectAccess): ObjectAccess[] => {
  const out = new Set<ObjectAccess>([flag]);
  const queue: ObjectAccess[] = [flag];
  while (queue.length > 0) {
    for (const a of OBJECT_ACCESS_REQUIRES[queue.shift() as ObjectAccess]) {
      if (!out.has(a)) {
        out.add(a);
        queue.push(a);
      }
    }
  }
  return [...out];
};

/**
 * Object accesses that View All Data / Modify All Data imply on every object: View All Data gives
 * Read and View All; Modify All Data every object permission except View All Fields. Neither grants
 * field access ("users must still be assigned field permissions"); View All Fields does, which is
 * why it is implied by neither.
 */
export const OBJECT_ACCESS_IMPLIED_BY: Readonly<Record<ObjectAccess, readonly string[]>> = {
  read: ['ViewAllData', 'ModifyAllData'],
  viewAll: ['ViewAllData', 'ModifyAllData'],
  create: ['ModifyAllData'],
  edit: ['ModifyAllData'],
  delete: ['ModifyAllData'],
  modifyAll: ['ModifyAllData'],
  viewAllFields: [],
};
export const OBJECT_ACCESS_IMPLIED_BY_SOURCE: Sourced = { source: SOURCES.HELP_VIEW_ALL_MODIFY_ALL };

/**
 * Whether a permission set with these system permissions and these flags on an object grants
 * `access` on it (ignoring objects without object permissions: see specialObjectAccess).
 */
export const objectAccessHeld = (systemPermissions: ReadonlySet<string>, flags: Partial<Record<ObjectAccess, boolean>> | undefined, access: ObjectAccess): boolean => {
  if (OBJECT_ACCESS_IMPLIED_BY[access].some((p) => systemPermissions.has(p))) return true;
  if (!flags) return false;
  return (Object.keys(OBJECT_ACCESS_REQUIRES) as ObjectAccess[]).some((flag) => flags[flag] === true && objectAccessGrantedBy(flag).includes(access));
};

/* ------------------------------------------------------------------------------------------------
 * Objects without object permissions
 * ---------------------------------------------------------------------------------------------- */

/**
 * How access to an object without object permissions is decided.
 * - `implicit`: met without any permission (message says why)
 * - `systemPermission`: met when any of `names` is held, or (when `object` is set) that object access
 * - `impossible`: no permission can grant it (status error)
 */
export type SpecialAccessRule = Sourced &
  (
    | { kind: 'implicit'; message: string }
    | { kind: 'systemPermission'; names: string[]; object?: { object: string; access: ObjectAccess }; message: string }
    | { kind: 'impossible'; message: string }
  );

/** Objects that have no ObjectPermissions rows; access follows specialObjectAccess. */
export const OBJECTS_WITHOUT_OBJECT_PERMISSIONS: readonly string[] = ['Task', 'Event', 'User', 'CaseComment', 'PermissionSet'];

export const hasNoObjectPermissions = (object: string): boolean =>
  OBJECTS_WITHOUT_OBJECT_PERMISSIONS.some((o) => o.toLowerCase() === object.toLowerCase());

const canonicalSpecial = (object: string): string | undefined =>
  OBJECTS_WITHOUT_OBJECT_PERMISSIONS.find((o) => o.toLowerCase() === object.toLowerCase());

const noViewAllFields = (name: string, source: string): SpecialAccessRule => ({
  kind: 'impossible',
  message: text('objectAccess.noViewAllFields', name),
  source,
});

/**
 * Task/Event: reading follows access to the related records; create/edit/delete need Edit Tasks /
 * Edit Events; seeing every activity needs View All Activities or View All Data; Modify All Data
 * modifies every activity.
 */
const activityAccess = (name: 'Task' | 'Event', access: ObjectAccess): SpecialAccessRule => {
  const source = SOURCES.HELP_ACTIVITIES;
  const editPermission = name === 'Task' ? 'EditTask' : 'EditEvent';
  switch (access) {
    case 'read':
      return { kind: 'implicit', message: text('objectAccess.activity.read', name), source };
    case 'viewAll':
      return {
        kind: 'systemPermission',
        names: ['ViewAllActivities', 'ViewAllData'],
        message: text('objectAccess.activity.viewAll', name),
        source,
      };
    case 'modifyAll':
      return { kind: 'systemPermission', names: ['ModifyAllData'], message: text('objectAccess.activity.modifyAll', name), source };
    case 'viewAllFields':
      return noViewAllFields(name, source);
    default:
      return {
        kind: 'systemPermission',
        names: [editPermission],
        message: text('objectAccess.activity.write', name, access, editPermission),
        source,
      };
  }
};

/** User: readable subject to the User sharing model; Manage Users creates/edits; View All Users sees all; never deleted. */
const userAccess = (access: ObjectAccess): SpecialAccessRule => {
  const source = SOURCES.HELP_USER_SHARING;
  switch (access) {
    case 'read':
      return { kind: 'implicit', message: text('objectAccess.user.read'), source };
    case 'viewAll':
      return { kind: 'systemPermission', names: ['ViewAllUsers'], message: text('objectAccess.user.viewAll'), source };
    case 'delete':
      return { kind: 'impossible', message: text('objectAccess.user.delete'), source };
    case 'viewAllFields':
      return noViewAllFields('User', source);
    default:
      return { kind: 'systemPermission', names: ['ManageUsers'], message: text('objectAccess.user.write', access), source };
  }
};

/**
 * CaseComment: follows its parent Case. Reading needs Read on Case; writing needs Edit Case Comments
 * or Edit on the Case (the reference marks the exact write rule "verify").
 */
const caseCommentAccess = (access: ObjectAccess): SpecialAccessRule => {
  const source = SOURCES.OBJECT_REFERENCE_CASE_COMMENT;
  switch (access) {
    case 'read':
      return {
        kind: 'systemPermission',
        names: [],
        object: { object: 'Case', access: 'read' },
        message: text('objectAccess.caseComment.read'),
        source,
      };
    case 'viewAll':
    case 'modifyAll':
      return {
        kind: 'systemPermission',
        names: [],
        object: { object: 'Case', access },
        message: access === 'viewAll' ? text('objectAccess.caseComment.viewAll') : text('objectAccess.caseComment.modifyAll'),
        source,
      };
    case 'viewAllFields':
      return noViewAllFields('CaseComment', source);
    default:
      return {
        kind: 'systemPermission',
        names: ['EditCaseComments'],
        object: { object: 'Case', access: 'edit' },
        message: text('objectAccess.caseComment.write', access),
        source,
      };
  }
};

/**
 * PermissionSet is a setup object without object permissions: reading it needs View Setup and
 * Configuration (Object Reference, PermissionSet: "reading permission metadata needs View Setup and
 * Configuration"); creating, editing and deleting it needs Manage Profiles and Permission Sets (verify).
 */
const permissionSetAccess = (access: ObjectAccess): SpecialAccessRule => {
  const source = SOURCES.OBJECT_REFERENCE_PERMISSION_SET;
  switch (access) {
    case 'read':
    case 'viewAll':
      return { kind: 'systemPermission', names: ['ViewSetup'], message: text('objectAccess.permissionSet.read'), source };
    case 'viewAllFields':
      return noViewAllFields('PermissionSet', source);
    default:
      return {
        kind: 'systemPermission',
        names: ['ManageProfilesPermissionsets'],
        message: text('objectAccess.permissionSet.write', access),
        source,
      };
  }
};

/** The rule for one access on an object without object permissions, or undefined for ordinary objects. */
export const specialObjectAccess = (object: string, access: ObjectAccess): SpecialAccessRule | undefined => {
  const name = canonicalSpecial(object);
  if (name === 'Task' || name === 'Event') return activityAccess(name, access);
  if (name === 'User') return userAccess(access);
  if (name === 'CaseComment') return caseCommentAccess(access);
  if (name === 'PermissionSet') return permissionSetAccess(access);
  return undefined;
};

/** Field permission keys to look up for an object's field: Task and Event share the Activity fields' FLS. */
export const fieldPermissionKeys = (object: string, field: string): string[] => {
  const keys = [`${object}.${field}`];
  const lower = object.toLowerCase();
  if (lower === 'task' || lower === 'event') keys.push(`Activity.${field}`);
  return keys;
};
