/*
 * `sf integration inventory` end to end: the real bin/run.js against the org emulator. The demo org's
 * apps, permission holders and integration users; a larger org (300 more users, 25 more apps, external
 * client apps) read in exactly as many requests; CSV and Markdown written to files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { InventoryResult } from '../../src/commands/integration/inventory.js';
import type { ConnectedAppState, OrgState, UserState } from '../../emulator/src/orgState.js';
import { parseStateText } from '../../emulator/src/state.js';
import { generateLargeOrg } from '../../emulator/src/generate.js';
import { repoRoot, RunningEmulator, runCli, startEmulator } from './harness.js';

const demo = (): OrgState => parseStateText(readFileSync(join(repoRoot, 'emulator', 'states', 'demo.yaml'), 'utf8'));

/** The demo org with 300 more users and 25 more apps (20 installed, 5 not, 3 of them external client apps). */
const largerDemo = (): OrgState => {
  const state = demo();
  const extra: UserState[] = Array.from({ length: 300 }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    if (i % 3 === 0) return { username: `svc${n}@acme.example`, profile: 'Minimum Access - API Only Integrations' };
    if (i % 3 === 1) return { username: `agent${n}@acme.example`, profile: 'Sales Agent', permissionSets: ['CrankWheel_User'] };
    return { username: `user${n}@acme.example`, profile: 'Standard User' };
  });
  state.users = [...(state.users ?? []), ...extra];
  const apps: ConnectedAppState[] = Array.from({ length: 25 }, (_, i) => ({
    name: `Vendor_App_${String(i + 1).padStart(2, '0')}`,
    installed: i < 20,
    kind: i < 3 ? 'externalClientApp' : 'connectedApp',
    scopes: ['api', 'refresh_token'],
    refreshTokenPolicy: 'infinite',
    ipRelaxation: i === 0 ? 'relaxed' : 'enforce',
    permittedUsers: i % 2 === 0 ? 'adminApproved' : 'any',
    authorizedUsers: extra.slice(i * 10, i * 10 + 10).map((u) => u.username),
  }));
  state.connectedApps = [...(state.connectedApps ?? []), ...apps];
  return state;
};

/**
 * The generated large org with its users 1 to 300 turned into integration users (an API Only User
 * profile on the Salesforce licence, so that they may keep object access without a permission set licence) that keep their permission sets and groups: 300 integration
 * users whose excess comes from hundreds of distinct sets.
 */
const largeOrgWithIntegrationUsers = (): OrgState => {
  const state = generateLargeOrg({ users: 2000, permissionSets: 400, fieldPermissionRows: 5000, groups: 10, seed: 5 });
  state.profiles = [
    ...(state.profiles ?? []),
    { name: 'API Only Integration', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled', 'ApiUserOnly'] },
  ];
  for (const u of (state.users ?? []).slice(1, 301)) u.profile = 'API Only Integration';
  return state;
};

type Run = { code: number; result: InventoryResult; stderr: string; requests: number };

const inventory = async (emu: RunningEmulator, extra: string[] = []): Promise<Run> => {
  await emu.clearLog();
  const r = await runCli(emu.home, ['integration', 'inventory', '-o', emu.alias, '--json', ...extra]);
  const log = await emu.log();
  return { code: r.code, result: r.json?.result as InventoryResult, stderr: r.stderr, requests: log.length };
};

describe('e2e: integration inventory', function () {
  this.timeout(300_000);

  describe('the demo org', () => {
    let emu: RunningEmulator | undefined;
    let run: Run;
    before(async () => {
      emu = await startEmulator(demo() as unknown as Record<string, unknown>);
      run = await inventory(emu);
    });
    after(async () => {
      await emu?.stop();
    });

    it('lists the installed app and the uninstalled one its admin authorized, with usage and policies', () => {
      expect(run.code, run.stderr).to.equal(0);
      const byName = new Map(run.result.apps.map((a) => [a.name, a]));
      const acme = byName.get('Acme_Sync');
      expect(acme).to.include({ installed: true, kind: 'connectedApp', tokenName: 'Acme Sync' });
      expect(acme?.policies).to.deep.equal({ permittedUsers: 'adminApproved', refreshTokenPolicy: 'infinite' });
      expect(acme?.usage?.users).to.equal(1);
      const crankwheel = byName.get('CrankWheel');
      expect(crankwheel).to.include({ installed: false });
      expect(crankwheel?.usage?.users).to.equal(1);
      expect(run.result.findings.map((f) => [f.kind, f.app, f.severity])).to.deep.include(['uninstalledAppInUse', 'CrankWheel', 'high']);
    });

    it('names who holds Approve Uninstalled Connected Apps and through what; Use Any API Client does not exist here', () => {
      const approve = run.result.permissions.find((p) => p.permission === 'CanApproveUninstalledApps')!;
      const holders = Object.fromEntries(approve.holders.map((h) => [h.username, h.grantedBy]));
      expect(holders['admin@acme.example']).to.deep.equal(['Profile: System Administrator']);
      expect(holders['agent@acme.example']).to.deep.equal(['PermissionSet: CrankWheel_User']);
      expect(approve.truncated).to.equal(false);
      expect(approve.total).to.equal(approve.holders.length);
      const useAny = run.result.permissions.find((p) => p.permission === 'UseAnyApiClient')!;
      expect(useAny).to.include({ existsInOrg: false, total: 0 });
    });

    it('counts each integration user\'s excess by tier, relative to nothing required, from what their sets grant', () => {
      const users = Object.fromEntries(run.result.integrationUsers.map((u) => [u.username, u]));
      for (const u of run.result.integrationUsers) {
        expect(u.excess?.basis, u.username).to.equal('nothingRequired');
        const counts = u.excess!.counts;
        expect(u.excess?.total, u.username).to.equal(counts.critical + counts.high + counts.medium + counts.low);
      }
      // integration@: API Enabled from the profile plus the Ciro_Integration set's grants; its own app (Acme Sync) is not excess
      const integration = users['integration@acme.example'].excess!;
      expect(integration.total).to.be.greaterThan(1);
      // integration-nopsl@ holds only the API-only profile: API Enabled (API Only User is restrictive, never excess)
      const bare = users['integration-nopsl@acme.example'].excess!;
      expect(bare.total).to.be.lessThan(integration.total);
      expect(bare.counts.critical + bare.counts.high).to.equal(0);
    });

    it('lists the integration users with the apps they use', () => {
      const users = Object.fromEntries(run.result.integrationUsers.map((u) => [u.username, u]));
      expect(Object.keys(users)).to.include.members(['integration@acme.example', 'integration-nopsl@acme.example']);
      expect(users['integration@acme.example']).to.include({ integrationLicence: true, apiOnly: true });
      expect(users['integration@acme.example'].apps.map((a) => a.appName)).to.deep.equal(['Acme Sync']);
      expect(users['integration-nopsl@acme.example'].apps).to.deep.equal([]);
      expect(users['admin@acme.example']).to.equal(undefined);
    });

    it('writes CSV and Markdown files and still prints the human summary', async () => {
      const csvFile = join(emu!.home, 'inventory.csv');
      const csv = await runCli(emu!.home, ['integration', 'inventory', '-o', emu!.alias, '--result-format', 'csv', '--output-file', csvFile]);
      expect(csv.code, csv.stderr).to.equal(0);
      expect(csv.stdout).to.match(/NOT INSTALLED/);
      const lines = readFileSync(csvFile, 'utf8').trimEnd().split('\r\n');
      expect(lines[0].split(',')).to.include.members(['record', 'name', 'installed', 'users', 'grantedBy']);
      const header = lines[0].split(',');
      const crankwheel = lines.find((l) => l.startsWith('app,CrankWheel,'))!.split(',');
      expect(crankwheel[header.indexOf('installed')]).to.equal('false');
      expect(crankwheel[header.indexOf('findings')]).to.equal('uninstalledAppInUse');
      expect(lines.filter((l) => l.startsWith('permissionHolder,'))).to.have.length(
        run.result.permissions.reduce((n, p) => n + p.holders.length, 0)
      );
      const mdFile = join(emu!.home, 'inventory.md');
      const md = await runCli(emu!.home, ['integration', 'inventory', '-o', emu!.alias, '-r', 'markdown', '--output-file', mdFile]);
      expect(md.code, md.stderr).to.equal(0);
      const text = readFileSync(mdFile, 'utf8');
      expect(text).to.match(/^## Integration inventory: Acme Corporation/);
      expect(text).to.match(/\| CrankWheel \| connected app \| ❌ not installed \| 1 \|/);
    });
  });

  describe('request budget', () => {
    let base: Run;
    before(async () => {
      const small = await startEmulator(demo() as unknown as Record<string, unknown>);
      try {
        base = await inventory(small);
      } finally {
        await small.stop();
      }
    });

    it('reads the demo org in 8 requests: the inventory\'s round trip (3 Composite requests), then one read of the integration users\' access (5)', () => {
      expect(base.code, base.stderr).to.equal(0);
      expect(base.requests).to.equal(8);
    });

    it('reads a larger org (300 more users, 25 more apps) in exactly as many requests as the demo org', async () => {
      const big = await startEmulator(largerDemo() as unknown as Record<string, unknown>);
      try {
        const run = await inventory(big);
        expect(run.code, run.stderr).to.equal(0);
        // the larger org really is larger in what was read
        expect(run.result.apps.length).to.equal(base.result.apps.length + 25);
        const notInstalled = run.result.apps.filter((a) => !a.installed).map((a) => a.name);
        expect(notInstalled).to.include.members(['CrankWheel', 'Vendor_App_21', 'Vendor_App_25']);
        const ecas = run.result.apps.filter((a) => a.kind === 'externalClientApp');
        expect(ecas.map((a) => a.name)).to.deep.equal(['Vendor_App_01', 'Vendor_App_02', 'Vendor_App_03']);
        expect(ecas[0].policies.ipRelaxation).to.equal('relaxed');
        expect(ecas[0].usage?.users).to.equal(10);
        expect(run.result.findings.filter((f) => f.kind === 'ipRelaxed').map((f) => f.app)).to.deep.equal(['Vendor_App_01']);
        expect(run.result.findings.filter((f) => f.kind === 'selfAuthorizedApp')).to.have.length(10);
        const approve = run.result.permissions.find((p) => p.permission === 'CanApproveUninstalledApps')!;
        expect(approve.total).to.equal(base.result.permissions[0].total + 100);
        expect(run.result.integrationUsers.length).to.equal(base.result.integrationUsers.length + 100);
        expect(run.requests, `${base.requests} requests for the demo org`).to.equal(base.requests);
      } finally {
        await big.stop();
      }
    });

    it('reads a generated org of 2,000 users, 400 permission sets and 300 integration users in as many requests, counting holders beyond the listed page', async () => {
      const state = largeOrgWithIntegrationUsers();
      const activeIntegrationUsers = (state.users ?? []).filter((u) => u.profile === 'API Only Integration' && u.isActive !== false).length;
      const emu = await startEmulator(state as unknown as Record<string, unknown>);
      try {
        const run = await inventory(emu);
        expect(run.code, run.stderr).to.equal(0);
        // 9 measured: one more Composite request carries the second pages of the 300 users' sets' object and
        // field permissions (over 2,000 rows; up to five pages travel in one request). Rows, not users, cost requests.
        expect(run.requests, `${base.requests} requests for the demo org`).to.be.at.most(base.requests + 1);
        const approve = run.result.permissions.find((p) => p.permission === 'CanApproveUninstalledApps')!;
        expect(approve.total).to.be.greaterThan(100);
        expect(approve.holders.length).to.be.at.most(approve.total);
        expect(run.result.apps.map((a) => a.name)).to.deep.equal(['Large_Sync']);
        expect(run.result.apps[0].usage?.users).to.equal(20);
        // every integration user's excess was read and counted
        expect(activeIntegrationUsers).to.be.greaterThan(280);
        expect(run.result.integrationUsers.length).to.be.at.least(activeIntegrationUsers);
        expect(run.result.integrationUsers.filter((u) => u.excess === undefined)).to.deep.equal([]);
        expect(run.result.integrationUsers.filter((u) => u.excess!.total > 1).length).to.be.greaterThan(200);
      } finally {
        await emu.stop();
      }
    });
  });
});
