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

export const validatePermissionSet = (
  ctx: MetadataContext,
  state: OrgState,
  setName: string,
  parsed: ParsedPermissionSet
): ValidationResult => {
  const problems: FileProblem[] = [...parsed.problems];
  const canonical: ParsedPermissionSet = {
    ...parsed,
    userPermissions: [...parsed.userPermissions],
    objectPermissions: [],
    fieldPermissions: [],
  };

  // licence
  if (parsed.license !== undefined) {
    const psls = (state.permissionSetLicenses ?? []).map((l) => l.developerName);
    if (!psls.includes(parsed.license)) {
      problems.push({ problem: `In field: license - no PermissionSetLicense named ${parsed.license} found` });
    }
  }

  // system permissions
  const available = ctx.availablePermissions();
  const enabled = new Set(parsed.userPermissions.filter((u) => u.enabled).map((u) => u.name));
  for (const up of parsed.userPermissions) {
    if (up.name === '') {
      problems.push({ problem: 'Required field is missing: name', ...at(up.pos) });
      continue;
    }
    if (!available.has(up.name)) {
      problems.push({ problem: `Unknown user permission: ${up.name}`, ...at(up.pos) });
      continue;
    }
    if (!up.enabled) continue;
    const missing = (SYSTEM_PERMISSION_REQUIRES[up.name] ?? []).filter((need) => !enabled.has(need));
    if (missing.length > 0) {
      problems.push({
        problem: `Permission ${permissionLabel(up.name)} depends on permission(s): ${missing.map(permissionLabel).join(', ')}`,
        ...at(up.pos),
      });
    }
  }

  // object permissions
  for (const row of parsed.objectPermissions) {
    if (row.object === '') {
      problems.push({ problem: 'Required field is missing: object', ...at(row.pos) });
      continue;
    }
    const described = ctx.describe(row.object);
    if (OBJECTS_WITHOUT_OBJECT_PERMISSIONS.has(described?.name ?? row.object)) {
      problems.push({
        problem: `In field: object - ${described?.name ?? row.object} does not support object permissions`,
        ...at(row.pos),
      });
      continue;
    }
    if (!described) {
      problems.push({ problem: `In field: object - no CustomObject named ${row.object} found`, ...at(row.pos) });
      continue;
    }
    const held = new Set(row.access);
    for (const access of row.access) {
      const missing = OBJECT_ACCESS_REQUIRES[access].filter((need) => !held.has(need));
      if (missing.length > 0) {
        problems.push({
          problem: `Permission ${objectAccessLabel(access, described.name)} depends on permission(s): ${missing
            .map((m) => objectAccessLabel(m, described.name))
            .join(', ')}`,
          ...at(row.pos),
        });
      }
    }
    canonical.objectPermissions.push({ ...row, object: described.name });
  }

  // field permissions
  for (const row of parsed.fieldPermissions) {
    const dot = row.field.indexOf('.');
    if (row.field === '') {
      problems.push({ problem: 'Required field is missing: field', ...at(row.pos) });
      continue;
    }
    const objectName = dot > 0 ? row.field.slice(0, dot) : '';
    const fieldName = dot > 0 ? row.field.slice(dot + 1) : row.field;
    const described = objectName ? ctx.describe(objectName) : undefined;
    const field = described?.fields.find((f) => f.name.toLowerCase() === fieldName.toLowerCase());
    if (!described || !field) {
      problems.push({ problem: `In field: field - no CustomField named ${row.field} found`, ...at(row.pos) });
      continue;
    }
    const fullName = `${described.name}.${field.name}`;
    if (!field.permissionable) {
      if (row.readable || row.editable) {
        problems.push({ problem: `Field ${fullName} is not a permissionable field`, ...at(row.pos) });
      }
      continue;
    }
    if (row.editable && !row.readable) {
      problems.push({
        problem: `Permission Edit ${fullName} depends on permission(s): Read ${fullName}`,
        ...at(row.pos),
      });
    }
    canonical.fieldPermissions.push({ ...row, field: fullName });
  }

  // users the set is assigned to keep their licence limits
  const profiles = new Map((state.profiles ?? []).map((p) => [p.name, p]));
  for (const user of assignedUsers(state, setName)) {
    const licence = profiles.get(user.profile)?.userLicense;
    if (licence === undefined) continue;
    // one message per user: the first access the licence refuses
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

  return { problems, canonical };
};
