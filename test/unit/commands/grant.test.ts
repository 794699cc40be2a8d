/*
 * `integration grant` as a command, in process (TestContext; the connection answers from an in-process demo
 * emulator, a fresh one per test since grant writes to it): flags, usage errors, the production prompt,
 * exit codes and the --json envelope. The whole write → deploy → assign → re-check path is in
 * test/e2e/grant.test.ts (the real bin/run.js); these tests prove the command hands its flags, its output,
 * its prompt and its spinner to the workflow (src/grant/run.ts) and keeps the exit-code contract.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { TestContext } from '@salesforce/core/testSetup';
import { SfCommand } from '@salesforce/sf-plugins-core';
import type { EmulatorHandle } from '../../../emulator/src/index.js';
import IntegrationGrant, { type GrantResult } from '../../../src/commands/integration/grant.js';
import { envelope, runCommand, startDemoEmulator, useEmulatedOrg, type EmulatedOrg } from './inProcess.js';

const AGENT = 'agent@acme.example';
const SET = 'CrankWheel_Integration';
const isWrite = (p: string): boolean => /\/composite\/sobjects|\/sobjects\/PermissionSetAssignment|deployRequest|\/Soap\/m\//.test(p);
type SetState = { name: string };
type UserState = { username: string; permissionSets?: string[] };

describe('command: integration grant (in process)', function () {
  this.timeout(60_000);
  const $$ = new TestContext();
  let emulator: EmulatorHandle;
  let org: EmulatedOrg;
  let dir: string;
  const savedPoll = process.env.SF_INTEGRATION_ACCESS_POLL_MS;

  before(() => {
    process.env.SF_INTEGRATION_ACCESS_POLL_MS = '50';
  });
  after(() => {
    if (savedPoll === undefined) delete process.env.SF_INTEGRATION_ACCESS_POLL_MS;
    else process.env.SF_INTEGRATION_ACCESS_POLL_MS = savedPoll;
  });
  beforeEach(async () => {
    emulator = await startDemoEmulator();
    org = await useEmulatedOrg($$, emulator);
    dir = mkdtempSync(path.join(tmpdir(), 'grant-cmd-'));
  });
  afterEach(async () => {
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const grant = (...argv: string[]): ReturnType<typeof runCommand<GrantResult>> =>
    runCommand<GrantResult>(IntegrationGrant, ['--target-org', org.org.username, '--api-version', '62.0', '--preset', 'crankwheel', '--user', AGENT, ...argv]);
  const setsInOrg = (): string[] => ((emulator.getState().permissionSets ?? []) as SetState[]).map((s) => s.name);
  const setsOfAgent = (): string[] => ((emulator.getState().users ?? []) as UserState[]).find((u) => u.username === AGENT)?.permissionSets ?? [];

  it('--dry-run and --deploy together: exit 2, nothing read or written', async () => {
    const outcome = await grant('--dry-run', '--deploy');
    expect(outcome.exitCode).to.equal(2);
    expect(outcome.error?.message).to.match(/--deploy|--dry-run/);
    expect(org.requests()).to.deep.equal([]);
  });

  it('--undo with --reduce: exit 2, nothing read or written', async () => {
    const undoFile = path.join(dir, 'undo.json');
    writeFileSync(undoFile, '{}');
    const outcome = await grant('--undo', undoFile, '--reduce');
    expect(outcome.exitCode).to.equal(2);
    expect(outcome.error?.message).to.match(/--reduce|--undo/);
    expect(org.requests()).to.deep.equal([]);
  });

  it('--dry-run: exit 0, the plan and its XML printed, nothing written, the spinner around the read', async () => {
    const outcome = await grant('--dry-run', '--output-dir', dir);
    expect(outcome.error, outcome.stderr).to.equal(undefined);
    expect(outcome.exitCode).to.equal(0);
    expect(outcome.stdout).to.include('+ EditEvent');
    expect(outcome.stdout).to.include('<?xml');
    expect(outcome.result?.deployStatus).to.equal('dryRun');
    expect(outcome.result?.permissionSet.fileStatus).to.equal('notWritten');
    expect(existsSync(path.join(dir, 'permissionsets'))).to.equal(false);
    expect(org.requests().filter(isWrite)).to.deep.equal([]);
    expect(outcome.spinner).to.have.length(2);
    expect(outcome.spinner[0]).to.match(/^start .*admin@acme\.example/);
    expect(outcome.spinner[1]).to.equal('stop');
  });

  it('without --deploy: the source is written, the org is not changed, and the check before it fails: exit 3, --json status 3', async () => {
    const outcome = await grant('--output-dir', dir, '--json');
    expect(outcome.error, outcome.stderr).to.equal(undefined);
    expect(outcome.exitCode).to.equal(3);
    const json = envelope(outcome);
    expect(json.status).to.equal(3);
    expect(json.warnings).to.deep.equal([]);
    const result = json.result as GrantResult;
    expect(result.deployStatus).to.equal('written');
    expect(result.permissionSet.fileStatus).to.equal('created');
    expect(result.changedOrg).to.equal(false);
    expect(result.check.users.map((u) => [u.username, u.passed])).to.deep.equal([[AGENT, false]]);
    expect(readFileSync(result.permissionSet.file ?? '', 'utf8')).to.include('<PermissionSet');
    expect(org.requests().filter(isWrite)).to.deep.equal([]);
    expect(setsInOrg()).to.not.include(SET);
  });

  it('--deploy to a production org asks first; a "no" is exit 1 with the named error, nothing deployed', async () => {
    const asked: string[] = [];
    $$.SANDBOX.stub(SfCommand.prototype, 'confirm').callsFake(({ message }: { message: string }) => (asked.push(message), Promise.resolve(false)));
    const outcome = await grant('--deploy', '--output-dir', dir);
    expect(asked).to.have.length(1);
    expect(asked[0]).to.include(SET);
    expect(outcome.exitCode).to.equal(1);
    expect(outcome.error?.name).to.equal('ProductionNotConfirmedError');
    expect(org.requests().filter((p) => p.includes('deployRequest'))).to.deep.equal([]);
    expect(setsInOrg()).to.not.include(SET);
  });

  it('--deploy --no-prompt: deployed, assigned and re-checked without asking: exit 0, the org changed', async () => {
    const confirm = $$.SANDBOX.stub(SfCommand.prototype, 'confirm').resolves(false);
    const outcome = await grant('--deploy', '--no-prompt', '--output-dir', dir, '--json');
    expect(outcome.error, outcome.stderr).to.equal(undefined);
    expect(confirm.called).to.equal(false);
    expect(outcome.exitCode).to.equal(0);
    const result = envelope(outcome).result as GrantResult;
    expect(result.deployStatus).to.equal('deployed');
    expect(result.changedOrg).to.equal(true);
    expect(result.check.users[0].passed).to.equal(true);
    expect(setsOfAgent()).to.include(SET);
  });
});
