/*
 * GROUP BY in the emulator's SOQL engine: the shapes the integration inventory relies on
 * (OauthToken grouped by AppName; PermissionSetAssignment grouped across a relationship).
 */
import { expect } from 'chai';
import { OrgModel } from '../../emulator/src/context.js';
import { SoqlError } from '../../emulator/src/soql.js';
import { demoState } from './helpers.js';

type Rec = Record<string, unknown>;
const data = { tooling: false, apiVersion: '62.0' };

describe('emulator SOQL engine: GROUP BY', () => {
  const state = demoState();
  // three users authorized Acme Sync, one CrankWheel
  const acme = state.connectedApps!.find((a) => a.name === 'Acme_Sync')!;
  acme.authorizedUsers = ['integration@acme.example', 'ops@acme.example', 'agent@acme.example'];
  const model = new OrgModel(state);
  const run = (q: string): Rec[] => model.engine.run(q, data).records as Rec[];

  it('folds OauthToken rows into one AggregateResult per app with COUNT_DISTINCT, SUM and MAX', () => {
    const rows = run('SELECT AppName, COUNT_DISTINCT(UserId) users, SUM(UseCount) uses, MAX(LastUsedDate) lastUsed FROM OauthToken GROUP BY AppName ORDER BY AppName');
    const plain = run('SELECT AppName, UserId, UseCount FROM OauthToken');
    const expected = ['Acme Sync', 'CrankWheel'].map((app) => {
      const mine = plain.filter((p) => p.AppName === app);
      return { app, users: new Set(mine.map((m) => m.UserId)).size, uses: mine.reduce((n, m) => n + Number(m.UseCount), 0) };
    });
    expect(rows.map((r) => ({ app: r.AppName, users: r.users, uses: r.uses }))).to.deep.equal(expected);
    expect(expected[0].users).to.equal(3);
    expect(rows[0].attributes).to.deep.equal({ type: 'AggregateResult' });
    expect(rows[0].lastUsed).to.be.a('string');
  });

  it('groups by a relationship field under its field name and names unaliased aggregates expr0…', () => {
    const rows = run("SELECT Assignee.Username, COUNT(PermissionSetId) FROM PermissionSetAssignment WHERE Assignee.Username LIKE '%@acme.example' GROUP BY Assignee.Username");
    const ops = rows.find((r) => r.Username === 'ops@acme.example');
    // ops@: the profile's set and the Sales_Ops group's aggregate set
    expect(ops?.expr0).to.equal(2);
    expect(rows.length).to.equal(new Set(rows.map((r) => r.Username)).size);
  });

  it('refuses a selected field that is neither grouped nor aggregated', () => {
    expect(() => run('SELECT AppName, UserId, COUNT(UseCount) FROM OauthToken GROUP BY AppName')).to.throw(SoqlError, /must be grouped or aggregated: UserId/);
  });
});
