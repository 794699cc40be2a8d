/*
 * Checks a deployed permission set the way an org does on save, against the org's objects,
 * fields, system permissions, licences and the users the set is assigned to.
 */
import type { ObjectAccessName, OrgState } from '../orgState.js';
import {
  licenseObjectViolation,
  OBJECT_ACCESS_REQUIRES,
  OBJECTS_WITHOUT_OBJECT_PERMISSIONS,
  SYSTEM_PERMISSION_REQUIRES,
} from '../rules.js';
import type { MetadataContext } from './context.js';
import { objectAccessLabel, permissionLabel } from './labels.js';
import type { FileProblem, ParsedPermissionSet, Position } from './permissionSetXml.js';

const at = (pos: Position | undefined): Partial<Position> => (pos ? { line: pos.line, column: pos.column } : {});

/** Users holding the set directly or through a permission set group. */
const assignedUsers = (state: OrgState, setName: string): NonNullable<OrgState['users']> => {
  const groups = new Set((state.permissionSetGroups ?? []).filter((g) => g.members.includes(setName)).map((g) => g.name));
  return (state.users ?? []).filter(
    (u) => (u.permissionSets ?? []).includes(setName) || (u.permissionSetGroups ?? []).some((g) => groups.has(g))
  );
};

export type ValidationResult = {
  problems: FileProblem[];
  /** The set with object and field names in the org's spelling (only meaningful without problems). */
  canonical: ParsedPermissionSet;
};

type Check = (ctx: MetadataContext, state: OrgState, setName: string, parsed: ParsedPermissionSet, canonical: ParsedPermissionSet) => FileProblem[];

/** The set's licence must be a permission set licence of the org. */
const checkLicense: Check = (_ctx, state, _name, parsed) => {
  if (parsed.license === undefined) return [];
  const psls = (state.permissionSetLicenses ?? []).map((l) => l.developerName);
  return psls.includes(parsed.license)
    ? []
    : [{ problem: `In field: license - no PermissionSetLicense named ${parsed.license} found` }];
};

/** System permissions must exist in the org and come with the ones they depend on. */
const checkUserPermissions: Check = (ctx, _state, _name, parsed) => {
  const problems: FileProblem[] = [];
  const available = ctx.availablePermissions();
  const enabled = new Set(parsed.userPermissions.filter((u) => u.enabled).map((u) => u.name));
  for (const up of parsed.userPermissions) {
    if (up.name === '') {
      problems.push({ problem: 'Required field is missing: name', ...at(up.pos) });
    } else if (!available.has(up.name)) {
      problems.push({ problem: `Unknown user permission: ${up.name}`, ...at(up.pos) });
    } else if (up.enabled) {
      const missing = (SYSTEM_PERMISSION_REQUIRES[up.name] ?? []).filter((need) => !enabled.has(need));
      if (missing.length > 0) {
        problems.push({
          problem: `Permission ${permissionLabel(up.name)} depends on permission(s): ${missing.map(permissionLabel).join(', ')}`,
          ...at(up.pos),
        });
      }
    }
  }
  return problems;
};

/** Object rows: the object exists, has object permissions, and each access comes with its dependencies. */
const checkObjectPermissions: Check = (ctx, _state, _name, parsed, canonical) => {
  const problems: FileProblem[] = [];
  for (const row of parsed.objectPermissions) {
    const described = row.object === '' ? undefined : ctx.describe(row.object);
    const objectName = described?.name ?? row.object;
    if (row.object === '') {
      problems.push({ problem: 'Required field is missing: object', ...at(row.pos) });
    } else if (OBJECTS_WITHOUT_OBJECT_PERMISSIONS.has(objectName)) {
      problems.push({ problem: `In field: object - ${objectName} does not support object permissions`, ...at(row.pos) });
    } else if (!described) {
      problems.push({ problem: `In field: object - no CustomObject named ${row.object} found`, ...at(row.pos) });
    } else {
      const held = new Set(row.access);
      for (const access of row.access) {
        const missing = OBJECT_ACCESS_REQUIRES[access].filter((need) => !held.has(need));
        if (missing.length === 0) continue;
        const needs = missing.map((m) => objectAccessLabel(m, objectName)).join(', ');
        problems.push({
          problem: `Permission ${objectAccessLabel(access, objectName)} depends on permission(s): ${needs}`,
          ...at(row.pos),
        });
      }
      canonical.objectPermissions.push({ ...row, object: objectName });
    }
  }
  return problems;
};

/** Field rows: the field exists and is permissionable; Edit needs Read. */
const checkFieldPermissions: Check = (ctx, _state, _name, parsed, canonical) => {
  const problems: FileProblem[] = [];
  for (const row of parsed.fieldPermissions) {
    const dot = row.field.indexOf('.');
    const described = dot > 0 ? ctx.describe(row.field.slice(0, dot)) : undefined;
    const fieldName = row.field.slice(dot + 1).toLowerCase();
    const field = described?.fields.find((f) => f.name.toLowerCase() === fieldName);
    if (row.field === '') {
      problems.push({ problem: 'Required field is missing: field', ...at(row.pos) });
    } else if (!described || !field) {
      problems.push({ problem: `In field: field - no CustomField named ${row.field} found`, ...at(row.pos) });
    } else if (!field.permissionable) {
      if (row.readable || row.editable) {
        problems.push({ problem: `Field ${described.name}.${field.name} is not a permissionable field`, ...at(row.pos) });
      }
    } else {
      const fullName = `${described.name}.${field.name}`;
      if (row.editable && !row.readable) {
        problems.push({ problem: `Permission Edit ${fullName} depends on permission(s): Read ${fullName}`, ...at(row.pos) });
      }
      canonical.fieldPermissions.push({ ...row, field: fullName });
    }
  }
  return problems;
};

/** Users the set is assigned to keep their licence limits: one message per user, the first access refused. */
const checkAssignedUsers: Check = (_ctx, state, setName, _parsed, canonical) => {
  const problems: FileProblem[] = [];
  const profiles = new Map((state.profiles ?? []).map((p) => [p.name, p]));
  for (const user of assignedUsers(state, setName)) {
    const licence = profiles.get(user.profile)?.userLicense;
    if (licence === undefined) continue;
    const first = canonical.objectPermissions
      .flatMap((row) => row.access.map((access: ObjectAccessName) => ({ row, access })))
      .map(({ row, access }) => ({
        row,
        why: licenseObjectViolation(licence, user.permissionSetLicenses ?? [], row.object, access),
      }))
      .find((v) => v.why !== undefined);
    if (first?.why !== undefined) {
      problems.push({
        problem: `${first.why} (permission set ${setName} is assigned to ${user.username})`,
        ...at(first.row.pos),
      });
    }
  }
  return problems;
};

/**
 * Custom permissions must exist in the org (a package's with its namespace, ns__Name). The wording follows
 * the org's "In field: X - no Y named Z found" pattern (unverified against a real org for this element).
 */
const checkCustomPermissions: Check = (_ctx, state, _name, parsed, canonical) => {
  const problems: FileProblem[] = [];
  const defined = state.customPermissions ?? [];
  // eslint-disable-next-line no-param-reassign
  canonical.customPermissions = [];
  for (const row of parsed.customPermissions) {
    const match = defined.find((c) => c.name.toLowerCase() === row.name.toLowerCase());
    if (row.name === '') problems.push({ problem: 'Required field is missing: name', ...at(row.pos) });
    else if (!match) problems.push({ problem: `In field: name - no CustomPermission named ${row.name} found`, ...at(row.pos) });
    else canonical.customPermissions.push({ ...row, name: match.name });
  }
  return problems;
};

/** Every check a save goes through, in the order the messages are reported. */
const CHECKS: Check[] = [checkLicense, checkUserPermissions, checkCustomPermissions, checkObjectPermissions, checkFieldPermissions, checkAssignedUsers];

export const validatePermissionSet = (
  ctx: MetadataContext,
  state: OrgState,
  setName: string,
  parsed: ParsedPermissionSet
): ValidationResult => {
  const canonical: ParsedPermissionSet = {
    ...parsed,
    userPermissions: [...parsed.userPermissions],
    objectPermissions: [],
    fieldPermissions: [],
  };
  const problems: FileProblem[] = [...parsed.problems];
  for (const check of CHECKS) problems.push(...check(ctx, state, setName, parsed, canonical));
  return { problems, canonical };
};
