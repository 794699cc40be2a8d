/*
 * The SOQL engine over compiled tables, without HTTP: Id forms, ordering, tooling surface and the
 * index path on a large generated org.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { OrgModel } from '../../emulator/src/context.js';
import type { OrgState } from '../../emulator/src/orgState.js';
import { SoqlError } from '../../emulator/src/soql.js';
import { demoState, permissionableFields } from './helpers.js';

type Rec = Record<string, unknown>;
const data = { tooling: false, apiVersion: '62.0' };
const tooling = { tooling: true, apiVersion: '62.0' };

describe('emulator SOQL engine', function () {
  this.timeout(120_000);
  const model = new OrgModel(demoState());
  const run = (q: string, opts = data): Rec[] => model.engine.run(q, opts).records as Rec[];

  it('compiles the same state to the same Ids and matches 15-character Ids', () => {
    const again = new OrgModel(demoState());
    const ids = (m: OrgModel): string[] => m.engine.run('SELECT Id FROM User ORDER BY Username', data).records.map((r) => String(r.Id));
    expect(ids(again)).to.deep.equal(ids(model));
    const agent = run("SELECT Id FROM User WHERE Username = 'agent@acme.example'")[0].Id as string;
    expect(agent).to.have.length(18);
    expect(run(`SELECT Username FROM User WHERE Id = '${agent.slice(0, 15)}'`)[0].Username).to.equal('agent@acme.example');
  });

  it('orders with NULLS FIRST/LAST and uses canonical column spelling for any input case', () => {
    const rows = run("SELECT permissionsetgroupid, ASSIGNEE.username FROM PermissionSetAssignment WHERE assignee.username = 'ops@acme.example' ORDER BY PermissionSetGroupId NULLS LAST");
    expect(Object.keys(rows[0])).to.deep.equal(['attributes', 'PermissionSetGroupId', 'Assignee']);
    expect((rows[0].Assignee as Rec).Username).to.equal('ops@acme.example');
    expect(rows[0].PermissionSetGroupId).to.match(/^0PG/);
    expect(rows[1].PermissionSetGroupId).to.equal(null);
  });

  it('keeps Tooling-only objects off the data API and data objects off Tooling', () => {
    expect(() => run('SELECT Id FROM PermissionDependency')).to.throw(SoqlError, /not supported/);
    expect(() => run('SELECT Id FROM Account', tooling)).to.throw(SoqlError, /not supported/);
    expect(run('SELECT Id FROM Account')).to.deep.equal([]);
    expect(run("SELECT Name FROM PermissionSet WHERE Name = 'Ciro_Integration'", tooling)).to.have.length(1);
  });

  it('answers the connected app tables from the state', () => {
    const apps = run('SELECT Name, OptionsAllowAdminApprovedUsersOnly, OptionsRefreshTokenValidityMetric FROM ConnectedApplication');
    // the installed ones only (CrankWheel's app is not installed in the demo org)
    expect(apps.map((a) => a.Name)).to.deep.equal(['Acme_Sync', 'Legacy_Exporter']);
    expect(apps.map((a) => a.OptionsAllowAdminApprovedUsersOnly)).to.deep.equal([true, true]);
    const access = run("SELECT Parent.Profile.Name FROM SetupEntityAccess WHERE SetupEntityType = 'ConnectedApplication'");
    expect(((access[0].Parent as Rec).Profile as Rec).Name).to.equal('Minimum Access - API Only Integrations');
    const tokens = run('SELECT AppName, User.Username FROM OauthToken ORDER BY AppName');
    expect(tokens.map((t) => [t.AppName, (t.User as Rec).Username])).to.deep.equal([
      ['Acme Sync', 'integration@acme.example'],
      ['CrankWheel', 'admin@acme.example'],
    ]);
  });

  it('answers the same rows in the same order whether an index narrows the filter or every row is tested', () => {
    // no index answers LIKE, so this OR branch makes the engine test every row
    const scanAll = " OR Username LIKE 'no such user%'";
    const filters = [
      "Username IN ('ops@acme.example', 'agent@acme.example') OR Email IN ('admin@acme.example')",
      "(Username = 'agent@acme.example' OR Email = 'ops@acme.example') AND IsActive = true",
      "Id IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.Name = 'CrankWheel_User') OR Username = 'admin@acme.example'",
    ];
    for (const where of filters) {
      const narrowed = run(`SELECT Username FROM User WHERE ${where}`).map((r) => r.Username);
      const scanned = run(`SELECT Username FROM User WHERE ${where}${scanAll}`).map((r) => r.Username);
      expect(narrowed.length, where).to.be.greaterThan(1);
      expect(narrowed, where).to.deep.equal(scanned);
    }
    // an AND whose narrowest conjunct is the second one; rows in table order
    const all = run('SELECT ParentId, Field FROM FieldPermissions');
    const parent = String(all[all.length - 1].ParentId);
    const q = `SELECT ParentId, Field FROM FieldPermissions WHERE SobjectType IN ('Account', 'Contact') AND ParentId = '${parent}'`;
    const expected = all.filter((r) => r.ParentId === parent && /^(Account|Contact)\./.test(String(r.Field)));
    expect(expected.length).to.be.greaterThan(0);
    expect(run(q).map((r) => r.Field)).to.deep.equal(expected.map((r) => r.Field));
  });

  it('uses the ParentId index on a 200,000-row FieldPermissions table', () => {
    const fields = [...permissionableFields('Account').map((f) => `Account.${f}`), ...permissionableFields('Contact').map((f) => `Contact.${f}`)];
    const sets = Array.from({ length: 2500 }, (_, i) => ({
      name: `PS_${i}`,
      fieldPermissions: Object.fromEntries(Array.from({ length: 80 }, (_x, j) => [fields[(i + j) % fields.length], j % 3 === 0 ? ('edit' as const) : ('read' as const)])),
    }));
    const state: OrgState = {
      profiles: [{ name: 'System Administrator', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled'] }],
      permissionSets: sets,
      users: Array.from({ length: 10_000 }, (_, i) => ({ username: `u${i}@big.example`, profile: 'System Administrator', permissionSets: [`PS_${i % 2500}`] })),
    };
    const big = new OrgModel(state);
    expect(big.db.table('FieldPermissions')?.rows.length).to.equal(200_000);
    const parentIds = big.db.table('PermissionSet')!.rows.slice(0, 300).map((r) => `'${String(r.Id)}'`);
    const q = `SELECT Id, ParentId, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId IN (${parentIds.join(',')})`;
    // the index is used: the candidate rows come from the ParentId index (the 299 × 80 matching rows), not from a
    // scan of all 200,000 (counted, not timed: times are never asserted in tests)
    const positions = sinon.spy(big.db, 'positions');
    let res;
    try {
      res = big.engine.run(q, data);
      const viaParentId = positions.getCalls().filter((c) => c.args[1] === 'ParentId');
      expect(viaParentId.length, 'ParentId index lookups').to.be.greaterThan(0);
      expect(Math.max(...viaParentId.map((c) => c.returnValue.length))).to.equal(299 * 80);
    } finally {
      positions.restore();
    }
    // the 300 sets: the profile's set has no rows, the other 299 have 80 each
    expect(res.totalSize).to.equal(299 * 80);
    const semi = big.engine.run(
      "SELECT Field FROM FieldPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId IN (SELECT Id FROM User WHERE Username = 'u7@big.example'))",
      data
    );
    expect(semi.totalSize).to.equal(80);
  });
});
