/*
 * Loading, validating and writing org state files (emulator/STATE-FORMAT.md).
 * Validation follows the save rules in rules.ts: a file that breaks one is refused as a whole,
 * naming the rule and the place in the file.
 */
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import type { ConnectedAppState, FieldAccessName, ObjectAccessName, OrgState, PermissionBundle } from './orgState.js';
import {
  licenseObjectViolation,
  missingObjectDependencies,
  OBJECT_ACCESS_REQUIRES,
  OBJECTS_WITHOUT_OBJECT_PERMISSIONS,
  SYSTEM_PERMISSION_REQUIRES,
} from './rules.js';
import { buildDescribes, type DescribeCatalog } from './describes.js';
import { isKnownScope } from './metadata/readMetadata.js';

export type StateViolation = {
  /** short rule id, e.g. object-permission-dependencies */
  rule: string;
  /** where in the file, e.g. permissionSets[2].objectPermissions.Contact */
  place: string;
  /** what is wrong, in Salesforce's words where it has some */
  reason: string;
};

export class StateError extends Error {
  public readonly violations: StateViolation[];
  public constructor(violations: StateViolation[], file?: string) {
    const first = violations[0];
    const more = violations.length > 1 ? ` (and ${violations.length - 1} more)` : '';
    super(`${file ? `${file}: ` : ''}${first.place}: ${first.reason} [rule: ${first.rule}]${more}`);
    this.name = 'StateError';
    this.violations = violations;
  }
  public get rule(): string {
    return this.violations[0].rule;
  }
  public get place(): string {
    return this.violations[0].place;
  }
  public get reason(): string {
    return this.violations[0].reason;
  }
}

const OBJECT_ACCESS: ReadonlySet<string> = new Set(['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll', 'viewAllFields']);
const FIELD_ACCESS: ReadonlySet<string> = new Set(['read', 'edit']);
const ACCESS_LABEL: Record<ObjectAccessName, string> = {
  read: 'Read',
  create: 'Create',
  edit: 'Edit',
  delete: 'Delete',
  viewAll: 'View All',
  modifyAll: 'Modify All',
  viewAllFields: 'View All Fields',
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Whether valid JSON text repeats a key inside one object (what YAML's uniqueKeys refuses). A scan of
 * the text: keys are the strings right after `{` or after a `,` inside an object.
 */
const jsonHasDuplicateKeys = (text: string): boolean => {
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j += 2;
        } else if (d === 0x22) break;
        else j++;
      }
      if (expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        const keys = stack[stack.length - 1];
        if (keys?.has(key)) return true;
        keys?.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
  }
  return false;
};

/**
 * JSON text parsed with JSON.parse (a generated 10,000-user org is 12 MB of JSON: the YAML parser needs
 * over a gigabyte for it); undefined when the text is not plain JSON or repeats a key, so that YAML
 * parses it and reports what is wrong exactly as before.
 */
const parseJsonState = (text: string): unknown => {
  const start = text.trimStart();
  if (!start.startsWith('{')) return undefined;
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  return jsonHasDuplicateKeys(text) ? undefined : doc;
};

/** Parses YAML or JSON text into an OrgState (shape only; see validateState). */
export const parseStateText = (text: string, file?: string): OrgState => {
  let doc: unknown = parseJsonState(text);
  try {
    doc ??= YAML.parse(text, { uniqueKeys: true });
  } catch (e) {
    throw new StateError([{ rule: 'syntax', place: '(file)', reason: (e as Error).message }], file);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isRecord(doc)) throw new StateError([{ rule: 'shape', place: '(root)', reason: 'the state must be a mapping' }], file);
  return doc as OrgState;
};

/** Reads, parses and validates a state file. Throws StateError when refused. */
export const loadStateFile = (file: string): OrgState => {
  const state = parseStateText(readFileSync(file, 'utf8'), file);
  validateState(state, undefined, file);
  return state;
};

/** Writes a state back in the file format (YAML). */
export const serializeState = (state: OrgState): string =>
  YAML.stringify(JSON.parse(JSON.stringify(state)) as unknown, { lineWidth: 0 });

type Collector = (rule: string, place: string, reason: string) => void;

const checkShape = (state: OrgState, add: Collector): void => {
  const s = state as Record<string, unknown>;
  const listOf = (key: string): unknown[] => {
    const v = s[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) {
      add('shape', key, 'must be a list');
      return [];
    }
    return v;
  };
  const checkBundle = (place: string, b: Record<string, unknown>): void => {
    if (b.systemPermissions !== undefined && !isStringArray(b.systemPermissions)) add('shape', `${place}.systemPermissions`, 'must be a list of names');
    if (b.customPermissions !== undefined && !isStringArray(b.customPermissions)) add('shape', `${place}.customPermissions`, 'must be a list of names');
    if (b.objectPermissions !== undefined) {
      if (!isRecord(b.objectPermissions)) add('shape', `${place}.objectPermissions`, 'must map object names to access lists');
      else
        for (const [obj, acc] of Object.entries(b.objectPermissions)) {
          if (!isStringArray(acc)) add('shape', `${place}.objectPermissions.${obj}`, 'must be a list of access names');
          else for (const a of acc) if (!OBJECT_ACCESS.has(a)) add('shape', `${place}.objectPermissions.${obj}`, `unknown object access '${a}' (read create edit delete viewAll modifyAll viewAllFields)`);
        }
    }
    if (b.fieldPermissions !== undefined) {
      if (!isRecord(b.fieldPermissions)) add('shape', `${place}.fieldPermissions`, "must map 'Object.Field' to read | edit");
      else
        for (const [f, acc] of Object.entries(b.fieldPermissions)) {
          if (typeof acc !== 'string' || !FIELD_ACCESS.has(acc)) add('shape', `${place}.fieldPermissions.${f}`, "must be 'read' or 'edit'");
          if (!/^[^.]+\.[^.]+$/.test(f)) add('shape', `${place}.fieldPermissions.${f}`, "field names are written 'Object.Field'");
        }
    }
  };
  const named = (key: string, nameKey: string, bundle: boolean): void => {
    listOf(key).forEach((item, i) => {
      const place = `${key}[${i}]`;
      if (!isRecord(item)) return add('shape', place, 'must be a mapping');
      if (typeof item[nameKey] !== 'string' || (item[nameKey]).length === 0) add('shape', `${place}.${nameKey}`, 'is required');
      if (bundle) checkBundle(place, item);
    });
  };
  named('permissionSetLicenses', 'developerName', false);
  named('customPermissions', 'name', false);
  listOf('customPermissions').forEach((c, i) => {
    if (isRecord(c) && typeof c.name === 'string' && !/^(?:[A-Za-z][A-Za-z0-9]*__)?[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*$/.test(c.name))
      add('shape', `customPermissions[${i}].name`, `'${c.name}' is not a custom permission API name (Name or ns__Name)`);
  });
  named('profiles', 'name', true);
  listOf('profiles').forEach((p, i) => {
    if (isRecord(p) && typeof p.userLicense !== 'string') add('shape', `profiles[${i}].userLicense`, 'is required');
  });
  named('permissionSets', 'name', true);
  named('permissionSetGroups', 'name', false);
  listOf('permissionSetGroups').forEach((g, i) => {
    if (!isRecord(g)) return;
    if (!isStringArray(g.members ?? [])) add('shape', `permissionSetGroups[${i}].members`, 'must be a list of permission set names');
    if (g.mutingPermissionSet !== undefined) {
      if (!isRecord(g.mutingPermissionSet) || typeof g.mutingPermissionSet.name !== 'string')
        add('shape', `permissionSetGroups[${i}].mutingPermissionSet`, 'must be a mapping with a name');
      else checkBundle(`permissionSetGroups[${i}].mutingPermissionSet`, g.mutingPermissionSet);
    }
  });
  named('users', 'username', false);
  listOf('users').forEach((u, i) => {
    if (!isRecord(u)) return;
    if (typeof u.profile !== 'string') add('shape', `users[${i}].profile`, 'is required');
    for (const k of ['permissionSets', 'permissionSetGroups', 'permissionSetLicenses'])
      if (u[k] !== undefined && !isStringArray(u[k])) add('shape', `users[${i}].${k}`, 'must be a list of names');
  });
  named('connectedApps', 'name', false);
  if (s.objects !== undefined && !isRecord(s.objects)) add('shape', 'objects', 'must be a mapping with extra / absent');
  if (s.orgWideDefaults !== undefined && !isRecord(s.orgWideDefaults)) add('shape', 'orgWideDefaults', 'must map objects to sharing models');
};

type BundleRef = { place: string; bundle: PermissionBundle };

/** Names Salesforce keeps unique: licences, profiles, sets (muting sets included), groups, users, apps. */
const checkUniqueNames = (state: OrgState, add: Collector): void => {
  const unique = (key: string, names: string[], what: string): void => {
    const seen = new Map<string, number>();
    names.forEach((n, i) => {
      const k = n.toLowerCase();
      if (seen.has(k)) add('duplicate-name', `${key}[${i}]`, `duplicate ${what} '${n}' (also ${key}[${seen.get(k)}])`);
      else seen.set(k, i);
    });
  };
  unique('permissionSetLicenses', (state.permissionSetLicenses ?? []).map((l) => l.developerName), 'permission set licence');
  unique('profiles', (state.profiles ?? []).map((p) => p.name), 'profile');
  unique('permissionSets', (state.permissionSets ?? []).map((p) => p.name), 'permission set');
  unique('permissionSetGroups', (state.permissionSetGroups ?? []).map((g) => g.name), 'permission set group');
  unique('users', (state.users ?? []).map((u) => u.username), 'username');
  unique('connectedApps', (state.connectedApps ?? []).map((a) => a.name), 'connected app');
  const sets = new Set((state.permissionSets ?? []).map((p) => p.name));
  const mutingNames = new Set<string>();
  (state.permissionSetGroups ?? []).forEach((g, i) => {
    const m = g.mutingPermissionSet;
    if (!m) return;
    if (sets.has(m.name) || mutingNames.has(m.name))
      add('duplicate-name', `permissionSetGroups[${i}].mutingPermissionSet.name`, `'${m.name}' is already used by another permission set`);
    mutingNames.add(m.name);
  });
};

/** Validates a state; throws StateError listing every violation. Returns the describes it used. */
export const validateState = (state: OrgState, describesIn?: DescribeCatalog, file?: string): DescribeCatalog => {
  const violations: StateViolation[] = [];
  const add: Collector = (rule, place, reason) => {
    violations.push({ rule, place, reason });
  };
  checkShape(state, add);
  if (violations.length > 0) throw new StateError(violations, file);

  const describes = describesIn ?? buildDescribes(state);
  const perms = describes.availablePermissions;
  const dataObjects = new Set(describes.dataObjectNames().map((n) => n.toLowerCase()));

  const checkSystemPermissions = ({ place, bundle }: BundleRef, muting: boolean): void => {
    (bundle.systemPermissions ?? []).forEach((p, i) => {
      if (!perms.has(p)) {
        add('unknown-permission', `${place}.systemPermissions[${i}]`, `'${p}' is not a system permission in this org`);
      }
    });
    if (muting) return;
    const held = new Set(bundle.systemPermissions ?? []);
    (bundle.systemPermissions ?? []).forEach((p, i) => {
      const missing = (SYSTEM_PERMISSION_REQUIRES[p] ?? []).filter((r) => !held.has(r) && perms.has(r));
      if (missing.length > 0)
        add('system-permission-dependencies', `${place}.systemPermissions[${i}]`, `Permission ${p} depends on permission(s): ${missing.join(', ')}`);
    });
  };
  const checkObjectPermissions = ({ place, bundle }: BundleRef, muting: boolean): void => {
    for (const [object, access] of Object.entries(bundle.objectPermissions ?? {})) {
      const p = `${place}.objectPermissions.${object}`;
      if (!dataObjects.has(object.toLowerCase())) {
        add('unknown-object', p, `no such object '${object}' in this org`);
        continue;
      }
      if (OBJECTS_WITHOUT_OBJECT_PERMISSIONS.has(describes.get(object)?.name ?? object)) {
        add('no-object-permissions', p, `${object} has no object permissions (access follows other rules)`);
        continue;
      }
      const missing = muting ? [] : missingObjectDependencies(access);
      if (missing.length > 0) {
        const needers = access.filter((a) => (missing as string[]).some((m) => dependsOn(a, m as ObjectAccessName)));
        add(
          'object-permission-dependencies',
          p,
          `${needers.map((a) => ACCESS_LABEL[a]).join(', ')} on ${object} requires ${missing.map((m) => ACCESS_LABEL[m]).join(', ')}`
        );
      }
    }
  };
  const checkFieldPermissions = ({ place, bundle }: BundleRef): void => {
    for (const [qualified] of Object.entries(bundle.fieldPermissions ?? {})) {
      const p = `${place}.fieldPermissions.${qualified}`;
      const [object, field] = qualified.split('.');
      if (!dataObjects.has(object.toLowerCase())) {
        add('unknown-object', p, `no such object '${object}' in this org`);
        continue;
      }
      const f = describes.field(object, field);
      if (!f) add('unknown-field', p, `no such field '${qualified}' in this org`);
      else if (!f.permissionable) add('field-not-permissionable', p, `${qualified} is not permissionable (no field-level security)`);
    }
  };
  const customPermissionNames = new Set((state.customPermissions ?? []).map((c) => c.name.toLowerCase()));
  const checkCustomPermissions = ({ place, bundle }: BundleRef): void => {
    (bundle.customPermissions ?? []).forEach((name, i) => {
      // Salesforce refuses a permission set naming a custom permission the org does not have
      if (!customPermissionNames.has(name.toLowerCase()))
        add('unknown-custom-permission', `${place}.customPermissions[${i}]`, `no custom permission '${name}' in this org (customPermissions lists the org's)`);
    });
  };
  const checkBundle = (ref: BundleRef, muting: boolean): void => {
    checkSystemPermissions(ref, muting);
    checkObjectPermissions(ref, muting);
    checkFieldPermissions(ref);
    checkCustomPermissions(ref);
  };

  const psls = new Set((state.permissionSetLicenses ?? []).map((l) => l.developerName));
  const profiles = new Map((state.profiles ?? []).map((p) => [p.name, p]));
  const sets = new Map((state.permissionSets ?? []).map((p) => [p.name, p]));
  const groups = new Map((state.permissionSetGroups ?? []).map((g) => [g.name, g]));
  const usernames = new Set((state.users ?? []).map((u) => u.username));
  checkUniqueNames(state, add);

  (state.profiles ?? []).forEach((p, i) => {
    checkBundle({ place: `profiles[${i}]`, bundle: p }, false);
    // a profile's licence limits the profile itself (Platform cannot hold CRM objects)
    for (const [object, access] of Object.entries(p.objectPermissions ?? {})) {
      for (const a of access) {
        const why = licenseObjectViolation(p.userLicense, [p.userLicense === 'Salesforce Integration' ? 'SalesforceAPIIntegrationPsl' : ''], object, a);
        if (why) {
          add('user-license', `profiles[${i}].objectPermissions.${object}`, why);
          break;
        }
      }
    }
  });
  (state.permissionSets ?? []).forEach((s, i) => {
    checkBundle({ place: `permissionSets[${i}]`, bundle: s }, false);
    if (s.license !== undefined && !psls.has(s.license))
      add('unknown-reference', `permissionSets[${i}].license`, `no permission set licence '${s.license}'`);
  });
  (state.permissionSetGroups ?? []).forEach((g, i) => {
    (g.members ?? []).forEach((m, j) => {
      if (!sets.has(m)) add('unknown-reference', `permissionSetGroups[${i}].members[${j}]`, `no permission set '${m}'`);
    });
    if (g.mutingPermissionSet) checkBundle({ place: `permissionSetGroups[${i}].mutingPermissionSet`, bundle: g.mutingPermissionSet }, true);
  });

  (state.users ?? []).forEach((u, i) => {
    const place = `users[${i}]`;
    const profile = profiles.get(u.profile);
    if (!profile) add('unknown-reference', `${place}.profile`, `no profile '${u.profile}'`);
    const userPsls = u.permissionSetLicenses ?? [];
    userPsls.forEach((l, j) => {
      if (!psls.has(l)) add('unknown-reference', `${place}.permissionSetLicenses[${j}]`, `no permission set licence '${l}'`);
    });
    const licence = profile?.userLicense;
    const checkAssigned = (setName: string, at: string): void => {
      const ps = sets.get(setName);
      if (!ps) return;
      if (licence) {
        for (const [object, access] of Object.entries(ps.objectPermissions ?? {})) {
          const why = access.map((a) => licenseObjectViolation(licence, userPsls, object, a)).find((x) => x !== undefined);
          if (why) {
            add('user-license', at, why);
            break;
          }
        }
      }
      if (ps.license && !userPsls.includes(ps.license))
        add('permission-set-license', at, `Permission set ${ps.name} requires the permission set license ${ps.license}, which user ${u.username} does not have`);
    };
    (u.permissionSets ?? []).forEach((s, j) => {
      if (!sets.has(s)) add('unknown-reference', `${place}.permissionSets[${j}]`, `no permission set '${s}'`);
      else checkAssigned(s, `${place}.permissionSets[${j}]`);
    });
    (u.permissionSetGroups ?? []).forEach((gName, j) => {
      const g = groups.get(gName);
      if (!g) add('unknown-reference', `${place}.permissionSetGroups[${j}]`, `no permission set group '${gName}'`);
      else for (const m of g.members ?? []) checkAssigned(m, `${place}.permissionSetGroups[${j}]`);
    });
    if (profile && licence) {
      for (const [object, access] of Object.entries(profile.objectPermissions ?? {})) {
        const why = access.map((a) => licenseObjectViolation(licence, userPsls, object, a)).find((x) => x !== undefined);
        if (why) {
          add('user-license', `${place}.profile`, why);
          break;
        }
      }
    }
  });

  (state.connectedApps ?? []).forEach((a, i) => {
    checkAppPolicies(a, `connectedApps[${i}]`, add);
    (a.profiles ?? []).forEach((p, j) => {
      if (!profiles.has(p)) add('unknown-reference', `connectedApps[${i}].profiles[${j}]`, `no profile '${p}'`);
    });
    (a.permissionSets ?? []).forEach((p, j) => {
      if (!sets.has(p)) add('unknown-reference', `connectedApps[${i}].permissionSets[${j}]`, `no permission set '${p}'`);
    });
    (a.authorizedUsers ?? []).forEach((p, j) => {
      if (!usernames.has(p)) add('unknown-reference', `connectedApps[${i}].authorizedUsers[${j}]`, `no user '${p}'`);
    });
  });

  if (violations.length > 0) throw new StateError(violations, file);
  return describes;
};

const IP_RELAXATIONS = new Set(['enforce', 'relaxed', 'relaxedrefresh', 'relaxed2fa', 'bypass', 'bypass_2factor', 'enforce_relaxrefresh']);
const REFRESH_POLICY = /^(infinite|zero|immediately|specific_(lifetime|inactivity):\d+:(hours?|days?|months?))$/i;

/** An app's kind, policies and scopes must be ones Salesforce knows (the vocabulary of org-state.md). */
const checkAppPolicies = (a: ConnectedAppState, place: string, add: Collector): void => {
  if (a.kind !== undefined && a.kind !== 'connectedApp' && a.kind !== 'externalClientApp')
    add('app-policy', `${place}.kind`, `unknown app kind '${String(a.kind)}' (connectedApp | externalClientApp)`);
  if (a.permittedUsers !== undefined && a.permittedUsers !== 'any' && a.permittedUsers !== 'adminApproved')
    add('app-policy', `${place}.permittedUsers`, `unknown permitted users policy '${a.permittedUsers}' (any | adminApproved)`);
  if (a.ipRelaxation !== undefined && !IP_RELAXATIONS.has(a.ipRelaxation.toLowerCase()))
    add('app-policy', `${place}.ipRelaxation`, `unknown IP relaxation '${a.ipRelaxation}' (enforce | relaxed | relaxedRefresh)`);
  if (a.refreshTokenPolicy !== undefined && !REFRESH_POLICY.test(a.refreshTokenPolicy))
    add('app-policy', `${place}.refreshTokenPolicy`, `unknown refresh token policy '${a.refreshTokenPolicy}' (infinite | zero | specific_lifetime:N:UNIT | specific_inactivity:N:UNIT)`);
  (a.scopes ?? []).forEach((sc, j) => {
    if (!isKnownScope(sc)) add('app-policy', `${place}.scopes[${j}]`, `'${sc}' is not an OAuth scope Salesforce knows`);
  });
};

const dependsOn = (access: ObjectAccessName, need: ObjectAccessName): boolean => OBJECT_ACCESS_REQUIRES[access].includes(need);

/** Field access merged: edit wins over read. */
export const mergeFieldAccess = (a: FieldAccessName | undefined, b: FieldAccessName): FieldAccessName => (a === 'edit' || b === 'edit' ? 'edit' : 'read');
