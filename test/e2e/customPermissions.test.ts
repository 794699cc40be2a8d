/*
 * Custom permissions end to end through bin/run.js against the emulator (emulator/states/cases/custom-permissions.yaml):
 * check reports who grants each (profile, set, group, muting, session-based, absent from the org), grant
 * deploys a set with <customPermissions> and assigns it, and the re-check passes.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CheckResult } from '../../src/commands/integration/check.js';
import { RunningEmulator, repoRoot, runCli, startEmulator } from './harness.js';

const MANIFEST = join(repoRoot, 'test', 'fixtures', 'manifests', 'custom-permissions.yaml');

const customOf = (result: CheckResult, username: string): Array<[string, string, string]> =>
  (result.users.find((u) => u.username === username)?.findings ?? [])
    .filter((f) => f.kind === 'customPermission')
    .map((f) => [f.requirement, f.status, f.grantedBy.map((g) => `${g.kind}: ${g.name}`).join(', ')]);

describe('e2e: custom permissions (emulator/states/cases/custom-permissions.yaml)', function () {
  this.timeout(240_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator('emulator/states/cases/custom-permissions.yaml');
  });
  after(async () => emu?.stop());

  it('check names what grants each custom permission, and the org facts that make one impossible', async () => {
    const users = ['profile@cp.example', 'group@cp.example', 'muted@cp.example', 'session@cp.example', 'none@cp.example'];
    const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '-m', MANIFEST, '--feature', 'legacy', ...users.flatMap((u) => ['-u', u]), '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(3);
    const result = r.json!.result as CheckResult;
    const missing: [string, string, string] = ['custom permission Acme_Legacy_Mode', 'error', ''];
    expect(customOf(result, 'profile@cp.example')).to.deep.equal([
      ['custom permission Acme_Sync_Enabled', 'pass', 'Profile: Sync Profile'],
      ['custom permission acme__Bulk_Export', 'pass', 'PermissionSet: Acme_Export'],
      missing,
    ]);
    expect(customOf(result, 'group@cp.example')).to.deep.equal([
      ['custom permission Acme_Sync_Enabled', 'pass', 'PermissionSetGroup: Acme_Integration'],
      ['custom permission acme__Bulk_Export', 'pass', 'PermissionSetGroup: Acme_Integration'],
      missing,
    ]);
    expect(customOf(result, 'muted@cp.example')).to.deep.equal([
      ['custom permission Acme_Sync_Enabled', 'fail', ''],
      ['custom permission acme__Bulk_Export', 'pass', 'PermissionSetGroup: Acme_Muted'],
      missing,
    ]);
    const muted = result.users.find((u) => u.username === 'muted@cp.example')!.findings.find((f) => f.requirement === 'custom permission Acme_Sync_Enabled');
    expect(muted?.message).to.equal(
      'the custom permission Acme_Sync_Enabled is granted by Acme_Sync_Set in permission set group Acme_Muted but muted by the group\'s muting permission set Acme_Muted_Muting'
    );
    expect(customOf(result, 'session@cp.example').map((f) => f[1])).to.deep.equal(['warn', 'fail', 'error']);
    // --json findings carry stable ids that tools key on
    const ids = result.users.find((u) => u.username === 'session@cp.example')!.findings.filter((f) => f.kind === 'customPermission').map((f) => f.id);
    expect(ids).to.deep.equal(['customPermission.warning', 'customPermission.missing', 'customPermission.impossible']);
    expect(customOf(result, 'none@cp.example').map((f) => f[1])).to.deep.equal(['fail', 'fail', 'error']);
  });

  it('human output lists them under "Custom permissions" with the fix', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '-m', MANIFEST, '-u', 'none@cp.example']);
    expect(r.code).to.equal(3);
    expect(r.stdout).to.contain('Custom permissions');
    expect(r.stdout).to.contain('nothing the user holds grants the custom permission acme__Bulk_Export');
    expect(r.stdout).to.contain('Setup > Permission Sets > (set) > Custom Permissions');
  });

  it('grant deploys <customPermissions>, assigns the set, and the re-check passes', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sfia-cp-'));
    const r = await runCli(emu.home, [
      'integration', 'grant', '-m', MANIFEST, '-o', emu.alias, '-u', 'none@cp.example', '--output-dir', out, '--deploy', '--no-prompt', '--json',
    ]);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const xml = readFileSync(join(out, 'permissionsets', 'Acme_Sync_Integration.permissionset-meta.xml'), 'utf8');
    expect(xml).to.contain('<customPermissions>\n        <enabled>true</enabled>\n        <name>acme__Bulk_Export</name>');
    const after = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '-m', MANIFEST, '-u', 'none@cp.example', '--json']);
    expect(after.code, after.stdout + after.stderr).to.equal(0);
    expect(customOf(after.json!.result as CheckResult, 'none@cp.example')).to.deep.equal([
      ['custom permission Acme_Sync_Enabled', 'pass', 'PermissionSet: Acme_Sync_Integration'],
      ['custom permission acme__Bulk_Export', 'pass', 'PermissionSet: Acme_Sync_Integration'],
    ]);
    // the emulator's state (what Salesforce saved) holds the set's custom permissions
    const state = (await emu.state()) as { permissionSets?: Array<{ name: string; customPermissions?: string[] }> };
    expect(state.permissionSets?.find((s) => s.name === 'Acme_Sync_Integration')?.customPermissions).to.deep.equal(['Acme_Sync_Enabled', 'acme__Bulk_Export']);
  });
});
