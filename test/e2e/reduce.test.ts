/*
 * `grant --reduce` and `grant --undo` end to end: the real bin/run.js against the org emulator, the demo
 * org's agent@ (CrankWheel_User gives Approve Uninstalled Connected Apps and the Person Account fields).
 * The dry run changes nothing; --deploy assigns the generated set, then unassigns CrankWheel_User and
 * writes an undo file that --undo restores; when the generated set could not be assigned, the removal
 * would lose required access: it is refused and everything removed is restored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { GrantResult } from '../../src/commands/integration/grant.js';
import type { UndoFile } from '../../src/grant/reduceApply.js';
import { RunningEmulator, runCli, startEmulator } from './harness.js';

type StateUser = { username: string; permissionSets?: string[]; permissionSetGroups?: string[] };
const setsOf = async (emu: RunningEmulator, username: string): Promise<string[]> => {
  const users = (await emu.state()).users as StateUser[];
  return [...(users.find((u) => u.username === username)?.permissionSets ?? [])].sort();
};
const undoFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.startsWith('sf-integration-access-undo-') && f.endsWith('.json'));

const AGENT = 'agent@acme.example';
const grant = (emu: RunningEmulator, extra: string[]): Promise<{ code: number; result: GrantResult; stderr: string; warnings: unknown }> =>
  runCli(emu.home, ['integration', 'grant', '--preset', 'crankwheel', '-o', emu.alias, '--user', AGENT, '--json', ...extra]).then((r) => ({
    code: r.code,
    result: r.json?.result as GrantResult,
    stderr: r.stderr,
    warnings: r.json?.warnings,
  }));

describe('e2e: grant --reduce and --undo', function () {
  this.timeout(300_000);
  let emu: RunningEmulator | undefined;
  beforeEach(async () => {
    emu = await startEmulator('demo.yaml');
  });
  afterEach(async () => {
    await emu?.stop();
  });

  it('plans the reduction without changing anything (dry run by default)', async () => {
    const before = await setsOf(emu!, AGENT);
    const r = await grant(emu!, ['--reduce']);
    expect(r.code, r.stderr).to.be.oneOf([0, 3]);
    expect(r.result.deployStatus).to.equal('dryRun');
    expect(r.result.reduction?.status).to.equal('planned');
    const agent = r.result.reduction!.plan.users.find((u) => u.username === AGENT)!;
    expect(agent.unassign.map((s) => `${s.kind}:${s.name}`)).to.deep.equal(['PermissionSet:CrankWheel_User']);
    // the demo org's Sales Agent profile grants Export Reports (high risk, not needed by CrankWheel): a profile
    // cannot be unassigned, so replacing it with a minimal one is a manual step
    expect(agent.profile).to.deep.equal({ name: 'Sales Agent', overGrants: ['ExportReport'], suggestion: 'Minimum Access - Salesforce' });
    expect(await setsOf(emu!, AGENT)).to.deep.equal(before);
    expect(undoFiles(emu!.home)).to.deep.equal([]);
  });

  it('assigns the generated set, unassigns what it covers, writes an undo file, and --undo restores it', async () => {
    const r = await grant(emu!, ['--reduce', '--deploy', '--no-prompt', '--output-dir', join(emu!.home, 'out')]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.result.reduction?.status).to.equal('removed');
    expect(r.result.check.users[0].passed).to.equal(true);
    expect(await setsOf(emu!, AGENT)).to.deep.equal(['CrankWheel_Integration']);

    const files = undoFiles(emu!.home);
    expect(files).to.have.length(1);
    const text = readFileSync(join(emu!.home, files[0]), 'utf8');
    const undo = JSON.parse(text) as UndoFile;
    expect(undo.orgId).to.equal(r.result.check.org.id);
    expect(undo.permissionSet).to.equal('CrankWheel_Integration');
    expect(undo.removed.map((x) => [x.username, x.kind, x.name])).to.deep.equal([[AGENT, 'PermissionSet', 'CrankWheel_User']]);
    expect(undo.removed[0].assignmentId).to.match(/^0Pa/);
    const tokens = await emu!.tokens();
    for (const secret of [tokens.accessToken, tokens.refreshToken, ...tokens.accessTokens]) expect(text).to.not.include(secret);

    const back = await grant(emu!, ['--undo', join(emu!.home, files[0])]);
    expect(back.code, back.stderr).to.equal(0);
    expect(back.result.undo?.restored.map((x) => [x.username, x.item, x.status])).to.deep.equal([[AGENT, 'permission set CrankWheel_User', 'restored']]);
    expect(await setsOf(emu!, AGENT)).to.deep.equal(['CrankWheel_Integration', 'CrankWheel_User']);
    // a second undo finds the assignment already there
    const again = await grant(emu!, ['--undo', join(emu!.home, files[0])]);
    expect(again.result.undo?.restored.map((x) => x.status)).to.deep.equal(['alreadyAssigned']);
  });

  it('refuses a reduction that would lose a required item and restores what it removed', async () => {
    // the generated set's assignment fails: without CrankWheel_User agent@ would lose what the manifest needs
    await emu!.setFaults([{ match: 'POST sobjects/PermissionSetAssignment', subrequests: true, fault: 'INSUFFICIENT_ACCESS', times: 1 }]);
    const r = await grant(emu!, ['--reduce', '--deploy', '--no-prompt', '--output-dir', join(emu!.home, 'out')]);
    expect(r.result.assignments.map((a) => a.status)).to.include('failed');
    expect(r.result.reduction?.status).to.equal('restored');
    const lost = r.result.reduction?.lost?.find((l) => l.username === AGENT);
    expect(lost?.items.length, JSON.stringify(r.result.reduction?.lost)).to.be.greaterThan(0);
    expect(r.result.reduction?.restored?.map((x) => [x.item, x.status])).to.deep.equal([['permission set CrankWheel_User', 'restored']]);
    expect(await setsOf(emu!, AGENT)).to.deep.equal(['CrankWheel_User']);
    expect(JSON.stringify(r.warnings)).to.match(/reduction was refused/);
    // the undo file still lists exactly what was removed (and restored)
    const files = undoFiles(emu!.home);
    expect((JSON.parse(readFileSync(join(emu!.home, files[0]), 'utf8')) as UndoFile).removed.map((x) => x.name)).to.deep.equal(['CrankWheel_User']);
  });

  it('refuses an undo file of another org', async () => {
    const file = join(emu!.home, 'other.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify({ version: 1, tool: 'sf-integration-access', orgId: '00D000000000042AAA', createdAt: '2026-01-01T00:00:00.000Z', permissionSet: 'X', removed: [] }));
    const r = await runCli(emu!.home, ['integration', 'grant', '--preset', 'crankwheel', '-o', emu!.alias, '--undo', file, '--json']);
    expect(r.code).to.equal(1);
    expect(r.json?.name).to.equal('UndoOtherOrgError');
  });
});
