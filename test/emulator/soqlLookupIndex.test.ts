/*
 * Filters on a field across lookups (`Assignee.Username IN (…)`, `Parent.Name = …`) answered through the
 * indexes (the target's column, then the lookup column): exactly the rows a test of every row keeps, in the
 * same order, on a generated org and on the demo org.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { OrgModel } from '../../emulator/src/context.js';
import { generateLargeOrg, LARGE_ORG_PROBE_USER, largeOrgUsername } from '../../emulator/src/generate.js';
import { demoState } from './helpers.js';

type Rec = Record<string, unknown>;
const data = { tooling: false, apiVersion: '62.0' };

/** `Id LIKE` is answered by no index: an OR with it makes the engine test every row of the table. */
const SCAN_EVERY_ROW = " OR Id LIKE 'no such row%'";

describe('emulator SOQL engine: filters across lookups through indexes', function () {
  this.timeout(120_000);
  const big = new OrgModel(generateLargeOrg({ users: 300, permissionSets: 200, fieldPermissionRows: 8000, groups: 10, seed: 7 }));
  const demo = new OrgModel(demoState());
  const ids = (model: OrgModel, q: string): string[] => model.engine.run(q, data).records.map((r) => String(r.Id));
  /** Ids the filter keeps, and the Ids a scan of every row keeps with the same filter. */
  const both = (model: OrgModel, from: string, where: string): { narrowed: string[]; scanned: string[] } => ({
    narrowed: ids(model, `SELECT Id FROM ${from} WHERE ${where}`),
    scanned: ids(model, `SELECT Id FROM ${from} WHERE (${where})${SCAN_EVERY_ROW}`),
  });
  const probe = LARGE_ORG_PROBE_USER;
  const several = [largeOrgUsername(1), largeOrgUsername(2), largeOrgUsername(150)];
  const inList = (xs: string[]): string => `(${xs.map((x) => `'${x}'`).join(', ')})`;
  /** the plugin's own filter shape (src/snapshot/read.ts): a username or an email */
  const byUsernameOrEmail = (xs: string[], prefix: string): string => `(${prefix}Username IN ${inList(xs)} OR ${prefix}Email IN ${inList(xs)})`;

  /** Every PermissionSetAssignment row's Id and assignee's username, read through the projection (no WHERE). */
  const assignments = (model: OrgModel): Array<{ id: string; username: string }> =>
    (model.engine.run('SELECT Id, Assignee.Username FROM PermissionSetAssignment', data).records as Rec[]).map((r) => ({
      id: String(r.Id),
      username: String((r.Assignee as Rec | null)?.Username),
    }));

  it('keeps the assignments of the usernames asked for, compared case-insensitively, and none for an unknown one', () => {
    const all = assignments(big);
    const expected = (names: string[]): string[] => all.filter((a) => names.includes(a.username.toLowerCase())).map((a) => a.id);

    const ofSeveral = both(big, 'PermissionSetAssignment', `Assignee.Username IN ${inList(several)}`);
    expect(ofSeveral.narrowed).to.deep.equal(expected(several));
    expect(ofSeveral.narrowed).to.deep.equal(ofSeveral.scanned);
    // three users, each with the profile's set and more
    expect(ofSeveral.narrowed.length).to.be.greaterThan(3);

    const mixedCase = both(big, 'PermissionSetAssignment', `Assignee.Username = '${probe.toUpperCase().replace('LARGE-ORG', 'Large-Org')}'`);
    expect(mixedCase.narrowed).to.deep.equal(expected([probe]));
    expect(mixedCase.narrowed).to.deep.equal(mixedCase.scanned);
    expect(mixedCase.narrowed.length).to.be.greaterThan(1);

    const nobody = both(big, 'PermissionSetAssignment', "Assignee.Username IN ('nobody@large-org.example')");
    expect(nobody.narrowed).to.deep.equal([]);
    expect(nobody.scanned).to.deep.equal([]);
  });

  it('answers the plugin-shaped filters with the rows of a scan of every row', () => {
    const cases: Array<[OrgModel, string, string]> = [
      [big, 'PermissionSetAssignment', byUsernameOrEmail(several, 'Assignee.')],
      [big, 'PermissionSetGroupComponent', `PermissionSetGroupId IN (SELECT PermissionSetGroupId FROM PermissionSetAssignment WHERE ${byUsernameOrEmail([probe], 'Assignee.')})`],
      [big, 'FieldPermissions', `ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE ${byUsernameOrEmail([probe], 'Assignee.')}) AND SobjectType = 'Contact'`],
      // two lookups: PermissionSetAssignment -> User -> Profile, and User -> Profile -> UserLicense
      [big, 'PermissionSetAssignment', "Assignee.Profile.Name = 'System Administrator'"],
      [demo, 'User', "Profile.UserLicense.Name = 'Salesforce Integration'"],
      // Parent looks up PermissionSet or MutingPermissionSet: both targets' rows are looked at
      [demo, 'ObjectPermissions', "Parent.Name IN ('CrankWheel_User', 'Sales_Ops_Muting')"],
      [demo, 'PermissionSetAssignment', "Assignee.Username IN ('ops@acme.example', 'AGENT@acme.example') OR PermissionSet.Name = 'Ciro_Integration'"],
    ];
    for (const [model, from, where] of cases) {
      const { narrowed, scanned } = both(model, from, where);
      expect(narrowed.length, `${from} WHERE ${where}`).to.be.greaterThan(0);
      expect(narrowed, `${from} WHERE ${where}`).to.deep.equal(scanned);
    }
  });

  it('answers a lookup with several target objects from the rows of each', () => {
    // FieldPermissions.Parent is a PermissionSet or a MutingPermissionSet; both carry CreatedById
    const { narrowed, scanned } = both(big, 'FieldPermissions', "Parent.CreatedBy.Username = 'ADMIN@large-org.example'");
    expect(narrowed).to.deep.equal(scanned);
    const mutingParents = ids(big, 'SELECT Id FROM FieldPermissions WHERE ParentId IN (SELECT Id FROM MutingPermissionSet)');
    expect(mutingParents.length).to.be.greaterThan(0);
    expect(narrowed).to.include.members(mutingParents);
  });

  it('keeps the rows whose lookup is empty for `lookup.field = null`', () => {
    // permission sets not owned by a profile have no ProfileId: Profile.Name is null for them
    const { narrowed, scanned } = both(demo, 'PermissionSet', 'Profile.Name = null');
    const ownerless = ids(demo, 'SELECT Id FROM PermissionSet WHERE ProfileId = null');
    expect(ownerless.length).to.be.greaterThan(0);
    expect(narrowed).to.deep.equal(ownerless);
    expect(scanned).to.deep.equal(ownerless);
  });

  it('follows the lookups of the matching rows only, not of every assignment in the org', () => {
    const all = assignments(big);
    const own = all.filter((a) => a.username === probe).length;
    const follow = sinon.spy(big.db, 'follow');
    try {
      const q = `SELECT PermissionSetGroupId, PermissionSetId FROM PermissionSetGroupComponent WHERE PermissionSetGroupId IN (SELECT PermissionSetGroupId FROM PermissionSetAssignment WHERE ${byUsernameOrEmail(
        [probe],
        'Assignee.'
      )})`;
      expect(big.engine.run(q, data).totalSize).to.be.greaterThan(0);
      // Assignee.Username, then Assignee.Email, of the probe user's own assignments at most
      expect(follow.callCount).to.be.at.most(2 * own);
      expect(all.length).to.be.greaterThan(10 * own);
    } finally {
      follow.restore();
    }
  });
});
