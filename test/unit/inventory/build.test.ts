/*
 * The inventory model (pure): matching OAuth tokens to the org's apps, uninstalled apps in use, refresh
 * token policies from ConnectedApplication columns, permission holders per user, integration users.
 */
import { expect } from 'chai';
import { appKey, buildInventory, connectedAppRefreshPolicy } from '../../../src/inventory/build.js';
import type { HolderAssignment, InventorySnapshot } from '../../../src/inventory/types.js';

const org = { id: '00D000000000001AAA', name: 'Acme', edition: 'Enterprise Edition', isSandbox: false, instanceUrl: 'https://acme.my.salesforce.com', apiVersion: '62.0' };

const holder = (userId: string, username: string, kind: HolderAssignment['source']['kind'], name: string, licence = 'Salesforce'): HolderAssignment => ({
  userId,
  username,
  name: username,
  profile: kind === 'Profile' ? name : 'Standard User',
  userLicense: licence,
  source: { kind, name },
});

const snapshot = (over: Partial<InventorySnapshot> = {}): InventorySnapshot => ({
  org,
  permissionColumns: ['CanApproveUninstalledApps', 'ApiUserOnly'],
  tokenUsage: [],
  connectedApps: [],
  externalClientApps: [],
  holders: {},
  integrationLicenceUsers: [],
  integrationTokenUsage: [],
  ...over,
});

describe('inventory model', () => {
  it('matches OauthToken.AppName (the label) to ConnectedApplication.Name ignoring case, spaces and underscores', () => {
    expect(appKey('Acme Sync')).to.equal(appKey('Acme_Sync'));
    expect(appKey('Acme-Sync')).to.equal(appKey('acme sync'));
    expect(appKey('Acme Sync 2')).to.not.equal(appKey('Acme Sync'));
  });

  it('reads the refresh token policy from ConnectedApplication columns', () => {
    const app = { id: '0H4', name: 'A', adminApprovedOnly: true };
    expect(connectedAppRefreshPolicy({ ...app, refreshByInactivity: false, refreshPeriod: null })).to.equal('infinite');
    expect(connectedAppRefreshPolicy({ ...app, refreshByInactivity: true, refreshPeriod: 0 })).to.equal('zero');
    expect(connectedAppRefreshPolicy({ ...app, refreshByInactivity: true, refreshPeriod: 12 })).to.equal('specific_inactivity:12');
    expect(connectedAppRefreshPolicy({ ...app, refreshByInactivity: false, refreshPeriod: 90 })).to.equal('specific_lifetime:90');
  });

  it('reports an app in use that is neither a Connected App nor an External Client App here as not installed (high)', () => {
    const result = buildInventory(
      snapshot({
        tokenUsage: [
          { appName: 'Acme Sync', users: 2, useCount: 10, lastUsed: '2026-11-01T00:00:00.000+0000' },
          { appName: 'Vendor Cloud', users: 3, useCount: 7, lastUsed: '2026-10-01T00:00:00.000+0000' },
        ],
        connectedApps: [{ id: '0H4A', name: 'Acme_Sync', adminApprovedOnly: true, refreshByInactivity: false, refreshPeriod: null }],
        holders: { CanApproveUninstalledApps: { total: 4, assignments: [] } },
      })
    );
    expect(result.apps.map((a) => [a.name, a.installed, a.usage?.users])).to.deep.equal([
      ['Acme_Sync', true, 2],
      ['Vendor Cloud', false, 3],
    ]);
    expect(result.apps[0].tokenName).to.equal('Acme Sync');
    expect(result.findings).to.have.length(1);
    expect(result.findings[0]).to.include({ kind: 'uninstalledAppInUse', severity: 'high', app: 'Vendor Cloud' });
    expect(result.findings[0].message).to.contain('3 user(s)').and.contain('(4 active in this org)');
  });

  it('flags installed apps in use that all users may self-authorize, and relaxed IP only where the org exposes it', () => {
    const result = buildInventory(
      snapshot({
        tokenUsage: [{ appName: 'Open App', users: 1, useCount: 1 }],
        connectedApps: [
          { id: '0H4B', name: 'Open_App', adminApprovedOnly: false, refreshByInactivity: false, refreshPeriod: null },
          { id: '0H4C', name: 'Unused_Open_App', adminApprovedOnly: false, refreshByInactivity: false, refreshPeriod: null },
        ],
        externalClientApps: [{ id: '0xI1', developerName: 'Eca_One', label: 'ECA One', permittedUsers: 'adminApproved', ipRelaxation: 'relaxedRefresh', refreshTokenPolicy: 'infinite' }],
      })
    );
    expect(result.findings.map((f) => [f.kind, f.app])).to.deep.equal([
      ['ipRelaxed', 'Eca_One'],
      ['selfAuthorizedApp', 'Open_App'],
    ]);
    const eca = result.apps.find((a) => a.name === 'Eca_One');
    expect(eca?.usage).to.equal(undefined);
    expect(eca?.policies).to.deep.equal({ permittedUsers: 'adminApproved', ipRelaxation: 'relaxedRefresh', refreshTokenPolicy: 'infinite' });
  });

  it('lists each holder once with every assignment that grants the permission, and says when the list is capped', () => {
    const result = buildInventory(
      snapshot({
        holders: {
          CanApproveUninstalledApps: {
            total: 3,
            assignments: [
              holder('005A', 'b@x.example', 'PermissionSet', 'Approver'),
              holder('005A', 'b@x.example', 'PermissionSetGroup', 'Ops'),
              holder('005B', 'a@x.example', 'Profile', 'System Administrator'),
            ],
          },
        },
      })
    );
    const approve = result.permissions.find((p) => p.permission === 'CanApproveUninstalledApps')!;
    expect(approve.holders.map((h) => [h.username, h.grantedBy])).to.deep.equal([
      ['a@x.example', ['Profile: System Administrator']],
      ['b@x.example', ['PermissionSet: Approver', 'PermissionSetGroup: Ops']],
    ]);
    expect(approve).to.include({ total: 3, truncated: true, existsInOrg: true });
    expect(result.permissions.find((p) => p.permission === 'UseAnyApiClient')).to.include({ existsInOrg: false, total: 0, truncated: false });
  });

  it('joins the integration licence users and API Only holders, with their tokens matched by 15-character Id', () => {
    const result = buildInventory(
      snapshot({
        integrationLicenceUsers: [{ id: '005000000000001AAA', username: 'sync@x.example', name: 'Sync', profile: 'Minimum Access - API Only Integrations', userLicense: 'Salesforce Integration' }],
        holders: {
          ApiUserOnly: {
            total: 2,
            assignments: [
              holder('005000000000001AAA', 'sync@x.example', 'Profile', 'Minimum Access - API Only Integrations', 'Salesforce Integration'),
              holder('005000000000002AAA', 'etl@x.example', 'PermissionSet', 'Api_Only'),
            ],
          },
        },
        integrationTokenUsage: [
          { appName: 'Acme Sync', userId: '005000000000001', useCount: 5 },
          { appName: 'Acme Sync', userId: '005000000000001AAA', useCount: 5 },
          { appName: 'Other', userId: '005000000000009AAA', useCount: 1 },
        ],
      })
    );
    expect(result.integrationUsers.map((u) => [u.username, u.integrationLicence, u.apiOnly, u.apps.map((a) => a.appName)])).to.deep.equal([
      ['etl@x.example', false, true, []],
      ['sync@x.example', true, true, ['Acme Sync']],
    ]);
  });
});
