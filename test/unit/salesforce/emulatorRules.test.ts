/*
 * The emulator keeps its own rule table on purpose (it stands in for Salesforce and must not share
 * the plugin's mistakes). This test compares the two over the whole fixture vocabulary: every
 * dependency-closed combination of object access flags, with every system permission either side has
 * a rule for (alone and in pairs), on an ordinary object and on each object without object permissions;
 * field-level security; the permission dependency tables; the licence and object lists. A difference
 * fails: settle it by reading the Salesforce source (src/salesforce/sources.ts), then fix the side
 * that is wrong.
 */
import { expect } from 'chai';
import type { OrgSnapshot, PermissionSource, UserAccess } from '../../../src/snapshot/types.js';
import { effectiveAccess } from '../../../src/evaluation/effectiveAccess.js';
import {
  FALLBACK_PERMISSION_DEPENDENCIES,
  IMPLIED_BY_MODIFY_ALL_DATA,
  OBJECT_ACCESS,
  OBJECT_ACCESS_REQUIRES,
  OBJECTS_WITHOUT_OBJECT_PERMISSIONS,
  PLATFORM_FORBIDDEN_OBJECTS,
  type ObjectAccess,
  platformForbids,
  specialObjectAccess,
} from '../../../src/salesforce/index.js';
import * as emulator from '../../../emulator/src/rules.js';

/** Every subset of the seven flags that a save would accept (closed under the dependencies). */
const flagCombinations = (): ObjectAccess[][] => {
  const out: ObjectAccess[][] = [];
  for (let mask = 0; mask < 1 << OBJECT_ACCESS.length; mask++) {
    const flags = OBJECT_ACCESS.filter((_, i) => (mask & (1 << i)) !== 0);
    if (emulator.missingObjectDependencies(flags).length === 0) out.push(flags);
  }
  return out;
};

/** Every system permission either side's object rules consult. */
const RULE_PERMISSIONS = [
  ...new Set([
    'ViewAllData',
    'ModifyAllData',
    ...IMPLIED_BY_MODIFY_ALL_DATA,
    ...emulator.BROUGHT_BY_MODIFY_ALL_DATA,
    ...OBJECTS_WITHOUT_OBJECT_PERMISSIONS.flatMap((o) =>
      OBJECT_ACCESS.flatMap((a) => {
        const rule = specialObjectAccess(o, a);
        return rule?.kind === 'systemPermission' ? rule.names : [];
      })
    ),
    'ManageProfilesPermissionsets',
    'EditCaseComments',
  ]),
].sort();

const permissionSets = (): string[][] => {
  const out: string[][] = [[]];
  for (let i = 0; i < RULE_PERMISSIONS.length; i++) {
    out.push([RULE_PERMISSIONS[i]]);
    for (let j = i + 1; j < RULE_PERMISSIONS.length; j++) out.push([RULE_PERMISSIONS[i], RULE_PERMISSIONS[j]]);
  }
  return out;
};

const flagsRecord = (flags: readonly ObjectAccess[]): Record<ObjectAccess, boolean> =>
  Object.fromEntries(OBJECT_ACCESS.map((a) => [a, flags.includes(a)])) as Record<ObjectAccess, boolean>;

const OBJECTS = ['Account', 'Case', ...OBJECTS_WITHOUT_OBJECT_PERMISSIONS];

/** A snapshot with one permission set: the system permissions, and the flags on Account and Case. */
const pluginAccess = (perms: string[], flags: ObjectAccess[], fls?: 'read' | 'edit'): ReturnType<typeof effectiveAccess> => {
  const ps: PermissionSource = {
    id: '0PS000000000001AAA',
    kind: 'PermissionSet',
    name: 'Under_Test',
    label: 'Under Test',
    type: 'Regular',
    sessionBased: false,
    systemPermissions: perms,
    objectPermissions: flags.length > 0 ? { Account: flagsRecord(flags), Case: flagsRecord(flags) } : {},
    fieldPermissions: fls ? { 'Account.Industry': { read: true, edit: fls === 'edit' } } : {},
    appAccess: [],
  };
  const user = { id: '005000000000001AAA', username: 'u@x.example', permissionSetIds: [ps.id] } as unknown as UserAccess;
  return effectiveAccess({ permissionSets: { [ps.id]: ps }, users: [user] } as unknown as OrgSnapshot, user);
};

describe('Salesforce rules: the emulator and the plugin agree (settled by the sources)', () => {
  it('object access: read/create/edit/delete for every flag combination × rule permission (alone and in pairs) × object', () => {
    const combos = flagCombinations();
    expect(combos.length).to.be.greaterThan(10);
    const differences: string[] = [];
    let compared = 0;
    for (const perms of permissionSets()) {
      for (const flags of combos) {
        const plugin = pluginAccess(perms, flags);
        const grantOf = (lower: string): emulator.ObjectGrant | undefined => (lower === 'account' || lower === 'case') && flags.length > 0 ? flagsRecord(flags) : undefined;
        for (const object of OBJECTS) {
          const emu = emulator.entityVerdict(new Set(perms), grantOf, object);
          for (const access of ['read', 'create', 'edit', 'delete'] as const) {
            compared++;
            const p = plugin.explain({ type: 'object', object, access }).granted.length > 0;
            if (p !== emu[access]) differences.push(`${object} ${access} with [${perms.join(', ')}] flags [${flags.join(', ')}]: plugin ${p}, emulator ${emu[access]}`);
          }
        }
      }
    }
    expect(compared).to.be.greaterThan(10_000);
    expect(differences.slice(0, 20)).to.deep.equal([]);
  });

  it('field access: FLS × View All Fields × object flags × View/Modify All Data (which never grant field access)', () => {
    const differences: string[] = [];
    for (const perms of [[], ['ViewAllData'], ['ModifyAllData']]) {
      for (const flags of flagCombinations()) {
        for (const fls of [undefined, 'read', 'edit'] as const) {
          const plugin = pluginAccess(perms, flags, fls);
          const object = emulator.entityVerdict(new Set(perms), () => (flags.length > 0 ? flagsRecord(flags) : undefined), 'Account');
          const emu = emulator.fieldVerdict(object, fls, flags.includes('viewAllFields'), { permissionable: true, createable: true, updateable: true });
          const objectRead = plugin.explain({ type: 'object', object: 'Account', access: 'read' }).granted.length > 0;
          const readable = objectRead && plugin.explain({ type: 'field', object: 'Account', field: 'Industry', access: 'read' }).granted.length > 0;
          const writable = plugin.explain({ type: 'field', object: 'Account', field: 'Industry', access: 'edit' }).granted.length > 0;
          const updatable = writable && plugin.explain({ type: 'object', object: 'Account', access: 'edit' }).granted.length > 0;
          const what = `Account.Industry fls ${fls ?? 'none'} [${perms.join(', ')}] flags [${flags.join(', ')}]`;
          if (readable !== emu.accessible) differences.push(`${what} read: plugin ${readable}, emulator ${emu.accessible}`);
          if (updatable !== emu.updatable) differences.push(`${what} update: plugin ${updatable}, emulator ${emu.updatable}`);
        }
      }
    }
    expect(differences.slice(0, 20)).to.deep.equal([]);
  });

  it('object access dependencies are the same table (Help "Object Permissions")', () => {
    for (const access of OBJECT_ACCESS) {
      expect([...emulator.OBJECT_ACCESS_REQUIRES[access]].sort(), access).to.deep.equal([...OBJECT_ACCESS_REQUIRES[access]].sort());
    }
  });

  it('system permission dependencies are the same table (deploy-time "depends on"; Author Apex requires Modify All Data)', () => {
    const names = [...new Set([...Object.keys(emulator.SYSTEM_PERMISSION_REQUIRES), ...Object.keys(FALLBACK_PERMISSION_DEPENDENCIES)])].sort();
    for (const name of names) {
      expect([...(emulator.SYSTEM_PERMISSION_REQUIRES[name] ?? [])].sort(), name).to.deep.equal([...(FALLBACK_PERMISSION_DEPENDENCIES[name] ?? [])].sort());
    }
    expect(FALLBACK_PERMISSION_DEPENDENCIES.AuthorApex).to.include('ModifyAllData');
  });

  it('what Modify All Data brings along is the same list', () => {
    expect([...emulator.BROUGHT_BY_MODIFY_ALL_DATA].sort()).to.deep.equal([...IMPLIED_BY_MODIFY_ALL_DATA].sort());
  });

  it('objects without object permissions are the same list', () => {
    expect([...emulator.OBJECTS_WITHOUT_OBJECT_PERMISSIONS].sort()).to.deep.equal([...OBJECTS_WITHOUT_OBJECT_PERMISSIONS].sort());
  });

  it('the Salesforce Platform licence refuses the same objects (Help "User Licenses"; Case deliberately allowed)', () => {
    const objects = [...new Set([...emulator.PLATFORM_FORBIDDEN_OBJECTS, ...PLATFORM_FORBIDDEN_OBJECTS, 'ForecastingItem', 'Case', 'Account', 'Contact'])];
    for (const object of objects) {
      expect(emulator.licenseObjectViolation('Salesforce Platform', [], object, 'read') !== undefined, object).to.equal(platformForbids('Salesforce Platform', object));
    }
    expect(platformForbids('Salesforce Platform', 'Case')).to.equal(false);
  });
});
