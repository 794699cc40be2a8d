/*
 * The large-org generator (emulator/src/generate.ts): valid under the emulator's save rules, built on
 * the real describes, deterministic, and exactly the sizes asked for once the emulator compiles it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { generateLargeOrg, LARGE_ORG_ADMIN, LARGE_ORG_PROBE_USER, type LargeOrgOptions } from '../../emulator/src/generate.js';
import { validateState, StateError } from '../../emulator/src/state.js';
import { compileTables } from '../../emulator/src/tables.js';
import { FIXTURE_OBJECTS } from '../../emulator/src/describes.js';
import { SYSTEM_PERMISSION_REQUIRES } from '../../emulator/src/rules.js';
import { SALESFORCE_FIXTURES } from '../sharedFixtures.js';

const SMALL: LargeOrgOptions = { users: 300, permissionSets: 200, fieldPermissionRows: 8000, groups: 10, seed: 7 };

/** Permissionable fields per fixture object, straight from the real describe JSON (not through the emulator). */
const realPermissionable = (): Map<string, Set<string>> => {
  const out = new Map<string, Set<string>>();
  for (const object of FIXTURE_OBJECTS) {
    const d = JSON.parse(readFileSync(join(SALESFORCE_FIXTURES, 'describe', `${object}.json`), 'utf8')) as {
      fields: Array<{ name: string; permissionable: boolean }>;
    };
    out.set(object, new Set(d.fields.filter((f) => f.permissionable).map((f) => f.name)));
  }
  return out;
};

const compile = (options: LargeOrgOptions): ReturnType<typeof compileTables> => {
  const state = generateLargeOrg(options);
  return compileTables(state, validateState(state));
};

describe('generateLargeOrg', function () {
  this.timeout(180_000);

  it('produces a state the emulator accepts under its save rules', () => {
    const state = generateLargeOrg(SMALL);
    let refused: StateError | undefined;
    try {
      validateState(state);
    } catch (e) {
      if (!(e instanceof StateError)) throw e;
      refused = e;
    }
    expect(refused?.violations.slice(0, 5), 'violations').to.equal(undefined);
  });

  it('grants field permissions only on fields that exist and are permissionable in the real describes', () => {
    const state = generateLargeOrg(SMALL);
    const real = realPermissionable();
    const custom = new Set((state.objects?.extra ?? []).filter((e) => e.field && e.permissionable).map((e) => `${e.object}.${e.field!}`));
    const bundles = [
      ...(state.profiles ?? []),
      ...(state.permissionSets ?? []),
      ...(state.permissionSetGroups ?? []).flatMap((g) => (g.mutingPermissionSet ? [g.mutingPermissionSet] : [])),
    ];
    let standard = 0;
    for (const b of bundles) {
      for (const qualified of Object.keys(b.fieldPermissions ?? {})) {
        const [object, field] = qualified.split('.');
        if (real.has(object)) {
          expect(real.get(object)!.has(field), `${qualified} is permissionable in the fixture describe`).to.equal(true);
          standard++;
        } else {
          expect(custom.has(qualified), `${qualified} is a generated permissionable custom field`).to.equal(true);
        }
      }
    }
    // most rows lean on the real standard fields
    expect(standard).to.be.greaterThan(SMALL.fieldPermissionRows / 2);
  });

  it('keeps object and system permission dependencies (Edit needs Read, Manage Users needs View Setup …)', () => {
    const state = generateLargeOrg(SMALL);
    for (const b of [...(state.profiles ?? []), ...(state.permissionSets ?? [])]) {
      for (const [object, access] of Object.entries(b.objectPermissions ?? {})) {
        if (access.some((a) => a !== 'read')) expect(access, `${b.name} ${object}`).to.include('read');
        if (access.includes('delete')) expect(access, `${b.name} ${object}`).to.include('edit');
      }
      const held = new Set(b.systemPermissions ?? []);
      for (const p of held) for (const need of SYSTEM_PERMISSION_REQUIRES[p] ?? []) expect(held.has(need), `${b.name}: ${p} needs ${need}`).to.equal(true);
    }
  });

  it('is deterministic: the same options give the same state, another seed another one', () => {
    const a = JSON.stringify(generateLargeOrg(SMALL));
    const b = JSON.stringify(generateLargeOrg(SMALL));
    const c = JSON.stringify(generateLargeOrg({ ...SMALL, seed: 8 }));
    expect(a === b, 'same seed, same state').to.equal(true);
    expect(a === c, 'another seed, another state').to.equal(false);
    // and the compiled Ids are stable too
    const idsA = compile(SMALL).table('FieldPermissions')!.rows.slice(0, 50).map((r) => r.Id);
    const idsB = compile(SMALL).table('FieldPermissions')!.rows.slice(0, 50).map((r) => r.Id);
    expect(idsA).to.deep.equal(idsB);
  });

  it('compiles to exactly the requested users, permission sets, groups and FieldPermissions rows', () => {
    const db = compile(SMALL);
    expect(db.table('User')!.rows).to.have.length(SMALL.users);
    expect(db.table('PermissionSetGroup')!.rows).to.have.length(SMALL.groups);
    const sets = db.table('PermissionSet')!.rows;
    expect(sets.filter((r) => r.Type === 'Regular' || r.Type === 'Session')).to.have.length(SMALL.permissionSets);
    expect(sets.filter((r) => r.Type === 'Group')).to.have.length(SMALL.groups);
    expect(db.table('FieldPermissions')!.rows).to.have.length(SMALL.fieldPermissionRows);
    // some groups mute part of their members' access
    expect(db.table('MutingPermissionSet')!.rows.length).to.be.greaterThan(0);
  });

  it('gives the probe user several permission sets and two groups, one of them with a muting set', () => {
    const state = generateLargeOrg(SMALL);
    const probe = state.users!.find((u) => u.username === LARGE_ORG_PROBE_USER)!;
    expect(probe.permissionSets!.length).to.be.at.least(3);
    expect(probe.permissionSetGroups).to.have.length(2);
    const groups = state.permissionSetGroups!.filter((g) => probe.permissionSetGroups!.includes(g.name));
    expect(groups.some((g) => g.mutingPermissionSet !== undefined)).to.equal(true);
    expect(state.users![0]).to.include({ username: LARGE_ORG_ADMIN, profile: 'System Administrator' });
  });

  it('refuses a row target it cannot meet exactly instead of miscounting', () => {
    expect(() => generateLargeOrg({ users: 10, permissionSets: 100, fieldPermissionRows: 10, groups: 5 })).to.throw(RangeError, /FieldPermissions rows/);
    expect(() => generateLargeOrg({ users: 1, permissionSets: 10, fieldPermissionRows: 1000, groups: 0 })).to.throw(RangeError, /users/);
  });

  it("reaches the issue's scale: 10,000 users, 5,000 permission sets, 200,000 FieldPermissions rows, 50 groups", () => {
    const options = { users: 10_000, permissionSets: 5000, fieldPermissionRows: 200_000, groups: 50, seed: 1 };
    const db = compile(options);
    expect(db.table('User')!.rows).to.have.length(10_000);
    expect(db.table('FieldPermissions')!.rows).to.have.length(200_000);
    expect(db.table('PermissionSetGroup')!.rows).to.have.length(50);
    expect(db.table('PermissionSet')!.rows.filter((r) => r.Type === 'Regular')).to.have.length(5000);
    expect(db.table('PermissionSetAssignment')!.rows.length).to.be.greaterThan(10_000);
  });
});
