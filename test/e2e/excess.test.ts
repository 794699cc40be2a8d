/*
 * check --excess, --fail-on-excess, --baseline and --fail-on new, end to end: the real bin/run.js against
 * the emulator with the demo org (emulator/states/demo.yaml), whose admin, agent and Ciro integration user
 * hold realistic excess.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { ExcessItem } from '../../src/excess/types.js';
import { RunningEmulator, runCli, startEmulator } from './harness.js';

const ADMIN = 'admin@acme.example';
const AGENT = 'agent@acme.example';
const CIRO = 'integration@acme.example';

const resultOf = (r: { json?: { result?: unknown } }): CheckResult => r.json?.result as CheckResult;
const excessOf = (result: CheckResult, username: string): ExcessItem[] => {
  const user = result.users.find((u) => u.username === username);
  expect(user?.excess, `excess of ${username}`).to.not.equal(undefined);
  return user!.excess!.items;
};
const item = (items: ExcessItem[], key: string): ExcessItem => {
  const found = items.find((i) => i.key === key);
  expect(found, `${key} among ${items.map((i) => i.key).join(', ')}`).to.not.equal(undefined);
  return found!;
};

describe('e2e: check --excess and --baseline', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  let contactManifest: string;
  const check = (args: string[]): ReturnType<typeof runCli> => runCli(emu.home, ['integration', 'check', '-o', emu.alias, ...args]);

  before(async () => {
    emu = await startEmulator('demo.yaml');
    // a manifest the agent meets: its exit code is decided by the excess gate alone
    contactManifest = join(emu.home, 'contacts.yaml');
    writeFileSync(contactManifest, 'name: contact-reader\nlabel: Contact reader\nsystemPermissions: [ApiEnabled]\nobjects:\n  Contact:\n    access: [read]\n    fields:\n      read: [Email]\n');
  });
  after(async () => {
    await emu?.stop();
  });

  describe('--excess', () => {
    it('lists the admin’s excess with sources and tiers, and leaves the exit code alone', async () => {
      const r = await check(['--preset', 'crankwheel', '--user', ADMIN, '--excess', '--json']);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json?.status).to.equal(0);
      const items = excessOf(resultOf(r), ADMIN);
      const mad = item(items, 'systemPermission:ModifyAllData');
      expect(mad.tier).to.equal('critical');
      expect(mad.sources).to.deep.equal([{ kind: 'Profile', name: 'System Administrator' }]);
      for (const p of ['AuthorApex', 'CustomizeApplication', 'ManageUsers', 'AssignPermissionSets', 'ManageProfilesPermissionsets', 'ModifyMetadata', 'ViewAllData']) {
        expect(item(items, `systemPermission:${p}`).tier, p).to.equal('critical');
      }
      expect(item(items, 'systemPermission:DataExport').tier).to.equal('high');
      // read beyond the manifest's objects: Case is not in CrankWheel's manifest
      expect(item(items, 'objectAccess:Case').access).to.deep.equal(['modifyAll', 'viewAll', 'delete', 'edit', 'create', 'read']);
      expect(item(items, 'objectAccess:Contact').access).to.include('modifyAll');
      // required by CrankWheel: never excess
      expect(items.map((i) => i.key)).to.not.include('systemPermission:ApiEnabled');
      expect(items.map((i) => i.key)).to.not.include('systemPermission:CanApproveUninstalledApps');
      expect(items.map((i) => i.key)).to.not.include('systemPermission:EditEvent');
      expect(resultOf(r).excess?.counts.critical).to.equal(8);
    });

    it('names the Ciro user’s idle permission set, its permissions, object access and app access', async () => {
      const r = await check(['--preset', 'ciro', '--user', CIRO, '--excess', '--json']);
      expect(r.code).to.equal(3); // Ciro's own gaps, as without --excess
      const items = excessOf(resultOf(r), CIRO);
      const set = item(items, 'permissionSet:PermissionSet:Legacy_Data_Sync');
      expect(set.tier).to.equal('high');
      const hardDelete = item(items, 'systemPermission:BulkApiHardDelete');
      expect(hardDelete.sources).to.deep.equal([{ kind: 'PermissionSet', name: 'Legacy_Data_Sync' }]);
      expect(item(items, 'objectAccess:Case').access).to.deep.equal(['delete', 'edit', 'create', 'read']);
      expect(item(items, 'fieldAccess:Case').fields).to.deep.equal({ edit: ['Subject'], read: ['Priority'] });
      expect(item(items, 'appAccess:Legacy_Exporter').sources).to.deep.equal([{ kind: 'PermissionSet', name: 'Legacy_Data_Sync' }]);
      // Ciro_Integration grants required items: not listed; API Only User restricts: not excess
      expect(items.map((i) => i.key)).to.not.include('permissionSet:PermissionSet:Ciro_Integration');
      expect(items.map((i) => i.key)).to.not.include('systemPermission:ApiUserOnly');
    });

    it('is not in the result without --excess, and the human output shows it ranked', async () => {
      const plain = await check(['--preset', 'ciro', '--user', CIRO, '--json']);
      expect(resultOf(plain).users[0].excess).to.equal(undefined);
      expect(resultOf(plain).excess).to.equal(undefined);
      const human = await check(['--preset', 'ciro', '--user', CIRO, '--excess']);
      expect(human.stdout).to.match(/integration@acme\.example — excess beyond the manifest: 0 critical, 3 high, 5 medium, 1 low/);
      expect(human.stdout).to.match(/high\s+Bulk API Hard Delete \(BulkApiHardDelete\)\s+← PermissionSet: Legacy_Data_Sync/);
      expect(human.stdout).to.include('Excess: 0 critical, 3 high, 5 medium, 1 low.');
    });

    it('reads the same number of requests for one user and for five', async () => {
      await emu.clearLog();
      await check(['--preset', 'crankwheel', '--user', 'ops@acme.example', '--excess', '--json']);
      const one = (await emu.log()).length;
      await emu.clearLog();
      const five = ['ops@acme.example', ADMIN, AGENT, CIRO, 'platform@acme.example'].flatMap((u) => ['--user', u]);
      const r = await check(['--preset', 'crankwheel', ...five, '--excess', '--json']);
      expect(resultOf(r).users).to.have.length(5);
      expect((await emu.log()).length).to.equal(one);
    });
  });

  describe('--fail-on-excess', () => {
    it('exits 3 when excess at or above the tier exists, 0 below it (the agent’s riskiest excess is high)', async () => {
      const critical = await check(['--manifest', contactManifest, '--user', AGENT, '--fail-on-excess', 'critical', '--json']);
      expect(critical.code, critical.stderr).to.equal(0);
      expect(resultOf(critical).excess).to.deep.include({ failOn: 'critical', atOrAboveFailOn: 0 });
      const high = await check(['--manifest', contactManifest, '--user', AGENT, '--fail-on-excess', 'high', '--json']);
      expect(high.code).to.equal(3);
      expect(high.json?.status).to.equal(3);
      expect(resultOf(high).users[0].passed).to.equal(true);
      // Export Reports (profile), Approve Uninstalled Connected Apps and the CrankWheel_User set holding it
      expect(resultOf(high).excess?.atOrAboveFailOn).to.equal(3);
      expect(excessOf(resultOf(high), AGENT).filter((i) => i.tier === 'high').map((i) => i.key).sort()).to.deep.equal(
        ['permissionSet:PermissionSet:CrankWheel_User', 'systemPermission:CanApproveUninstalledApps', 'systemPermission:ExportReport'].sort()
      );
    });

    it('fails the JUnit test cases at or above the tier only', async () => {
      const out = join(emu.home, 'excess.xml');
      const r = await check(['--manifest', contactManifest, '--user', AGENT, '--fail-on-excess', 'high', '--result-format', 'junit', '--output-file', out]);
      expect(r.code).to.equal(3);
      expect(r.stdout).to.include('--fail-on-excess high: 3 items at or above high (exit 3).');
      const xml = new XMLParser({ ignoreAttributes: false }).parse((await import('node:fs')).readFileSync(out, 'utf8')) as {
        testsuites: { testsuite: Array<{ '@_name': string; testcase: Array<{ '@_name': string; failure?: unknown }> | { '@_name': string; failure?: unknown } }> };
      };
      const suites = xml.testsuites.testsuite;
      const suite = suites.find((s) => s['@_name'].endsWith(`${AGENT} excess`));
      expect(suite, suites.map((s) => s['@_name']).join(', ')).to.not.equal(undefined);
      const cases = ([] as Array<{ '@_name': string; failure?: unknown }>).concat(suite!.testcase);
      expect(cases.filter((c) => c.failure !== undefined).map((c) => c['@_name']).sort()).to.deep.equal(
        ['Approve Uninstalled Connected Apps (CanApproveUninstalledApps)', 'Export Reports (ExportReport)', 'permission set CrankWheel_User: grants nothing the manifest needs (3 excess items)'].sort()
      );
      expect(cases.length).to.be.greaterThan(1);
    });

    it('rejects an unknown tier as a usage error (exit 2)', async () => {
      const r = await check(['--preset', 'crankwheel', '--user', AGENT, '--fail-on-excess', 'severe']);
      expect(r.code).to.equal(2);
    });
  });

  describe('--baseline and --fail-on new', () => {
    it('after a grant: newly passing items, no new failures', async () => {
      const baseline = join(emu.home, 'before-grant.json');
      const before = await check(['--preset', 'crankwheel', '--user', AGENT, '--excess', '--json']);
      expect(before.code).to.equal(3);
      writeFileSync(baseline, before.stdout);
      const grant = await runCli(emu.home, ['integration', 'grant', '--preset', 'crankwheel', '-o', emu.alias, '--user', AGENT, '--deploy', '--no-prompt', '--output-dir', join(emu.home, 'force-app'), '--json']);
      expect(grant.code, grant.stdout + grant.stderr).to.equal(0);
      const after = await check(['--preset', 'crankwheel', '--user', AGENT, '--excess', '--baseline', baseline, '--json']);
      expect(after.code).to.equal(0);
      const drift = resultOf(after).drift!;
      expect(drift.newlyPassing.map((c) => c.requirement).sort()).to.deep.equal(
        ['Contact.MobilePhone: read', 'EditEvent (Edit Events)', 'Event.Description: edit', 'Event.WhatId: edit', 'Event.WhoId: edit'].sort()
      );
      expect(drift.newlyFailing).to.deep.equal([]);
      expect(drift.excessCompared).to.equal(true);
      // the generated set is least privilege: nothing new beyond the manifest
      expect(drift.newlyExcess).to.deep.equal([]);
      expect(drift.hasNewFailures).to.equal(false);
    });

    it('after a sandbox refresh: new failures, new excess and a deactivated user fail only with what is new', async () => {
      const users = [AGENT, 'ops@acme.example'].flatMap((u) => ['--user', u]);
      const baseline = join(emu.home, 'before-refresh.json');
      const before = await check(['--preset', 'crankwheel', ...users, '--excess', '--json']);
      writeFileSync(baseline, JSON.stringify(before.json?.result)); // the result alone is accepted too
      // ops@ fails already (known gaps): with --fail-on new an unchanged org exits 0
      const unchanged = await check(['--preset', 'crankwheel', ...users, '--excess', '--baseline', baseline, '--fail-on', 'new', '--json']);
      expect(resultOf(unchanged).users.some((u) => !u.passed)).to.equal(true);
      expect(unchanged.code, JSON.stringify(resultOf(unchanged).drift)).to.equal(0);
      const plainExit = await check(['--preset', 'crankwheel', ...users, '--baseline', baseline, '--json']);
      expect(plainExit.code).to.equal(3);

      // the refresh: the agent loses the set grant made (and CrankWheel_User) and gains a data loader set; ops@ is deactivated
      const state = (await emu.state()) as { users: Array<Record<string, unknown>>; permissionSets: Array<Record<string, unknown>> };
      state.permissionSets.push({ name: 'Data_Loader', systemPermissions: ['BulkApiHardDelete'] });
      const agent = state.users.find((u) => u.username === AGENT)!;
      agent.permissionSets = [...((agent.permissionSets as string[]) ?? []).filter((s) => s !== 'CrankWheel_User' && s !== 'CrankWheel_Integration'), 'Data_Loader'];
      state.users.find((u) => u.username === 'ops@acme.example')!.isActive = false;
      await emu.setState(state);

      const r = await check(['--preset', 'crankwheel', ...users, '--excess', '--baseline', baseline, '--fail-on', 'new', '--json']);
      expect(r.code).to.equal(3);
      const drift = resultOf(r).drift!;
      expect(drift.usersGone.map((g) => [g.username, g.reason])).to.deep.equal([['ops@acme.example', 'inactive']]);
      const failing = drift.newlyFailing.map((c) => `${c.username} ${c.requirement}`);
      expect(failing).to.include(`${AGENT} Account.PersonEmail?: read`);
      expect(failing).to.include('ops@acme.example user is active');
      const newExcess = drift.newlyExcess.map((c) => c.item.key);
      expect(newExcess).to.include('systemPermission:BulkApiHardDelete');
      expect(newExcess).to.include('permissionSet:PermissionSet:Data_Loader');
      const human = await check(['--preset', 'crankwheel', ...users, '--excess', '--baseline', baseline]);
      expect(human.stdout).to.include('Since the baseline (crankwheel, Acme Corporation, 2 users):');
      expect(human.stdout).to.match(/✖ user inactive {2}ops@acme\.example: ops@acme\.example is inactive/);
      expect(human.stdout).to.match(/\+ newly excess {3}agent@acme\.example {2}high {2}Bulk API Hard Delete \(BulkApiHardDelete\) {2}← PermissionSet: Data_Loader/);
      const md = join(emu.home, 'drift.md');
      await check(['--preset', 'crankwheel', ...users, '--excess', '--baseline', baseline, '--result-format', 'markdown', '--output-file', md]);
      const markdown = (await import('node:fs')).readFileSync(md, 'utf8');
      expect(markdown).to.include('### Changes since the baseline');
      expect(markdown).to.include('| ❌ user inactive | ops@acme.example |');
      expect(markdown).to.include('### Excess privilege');
    });

    it('--fail-on needs --baseline (exit 2); a file that is not a check result exits 1 with a named error', async () => {
      const usage = await check(['--preset', 'crankwheel', '--user', AGENT, '--fail-on', 'new']);
      expect(usage.code).to.equal(2);
      const bad = join(emu.home, 'not-a-result.json');
      writeFileSync(bad, JSON.stringify({ status: 0, result: { hello: 'world' } }));
      const r = await check(['--preset', 'crankwheel', '--user', AGENT, '--baseline', bad, '--json']);
      expect(r.code).to.equal(1);
      expect(r.json?.name).to.equal('BaselineNotACheckResultError');
      expect(String(r.json?.message)).to.include('not-a-result.json');
    });
  });
});
