/*
 * `integration check` as a command, in process (TestContext; the connection answers from the in-process
 * demo emulator): flags, usage errors, exit codes and the --json envelope.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { TestContext } from '@salesforce/core/testSetup';
import type { EmulatorHandle } from '../../../emulator/src/index.js';
import IntegrationCheck, { type CheckResult } from '../../../src/commands/integration/check.js';
import { envelope, runCommand, startDemoEmulator, useEmulatedOrg, type EmulatedOrg } from './inProcess.js';

describe('command: integration check (in process)', function () {
  this.timeout(60_000);
  const $$ = new TestContext();
  let emulator: EmulatorHandle;
  let org: EmulatedOrg;
  let dir: string;

  before(async () => {
    emulator = await startDemoEmulator();
    dir = mkdtempSync(path.join(tmpdir(), 'check-cmd-'));
  });
  after(async () => {
    await emulator?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    org = await useEmulatedOrg($$, emulator);
  });

  const check = (...argv: string[]): ReturnType<typeof runCommand<CheckResult>> =>
    runCommand<CheckResult>(IntegrationCheck, ['--target-org', org.org.username, '--api-version', '62.0', ...argv]);

  it('a user who lacks what the preset needs: exit 3, and the --json envelope says status 3 with the failing user', async () => {
    const outcome = await check('--preset', 'crankwheel', '--user', 'agent@acme.example', '--json');
    expect(outcome.error, outcome.stderr).to.equal(undefined);
    expect(outcome.exitCode).to.equal(3);
    const json = envelope(outcome);
    expect(json.status).to.equal(3);
    expect(json.warnings).to.be.an('array');
    const result = json.result as CheckResult;
    expect(result.users.map((u) => [u.username, u.passed])).to.deep.equal([['agent@acme.example', false]]);
    expect(result.summary.failed).to.be.greaterThan(0);
    expect(outcome.result?.users[0].username).to.equal('agent@acme.example');
    expect(org.requests()).to.not.deep.equal([]);
  });

  it('a user who has everything a manifest asks: exit 0, status 0', async () => {
    const manifest = path.join(dir, 'contact-read.yaml');
    writeFileSync(manifest, ['name: contact-read', 'label: Contact read', 'objects:', '  Contact:', '    access: [read]', ''].join('\n'));
    const outcome = await check('--manifest', manifest, '--user', emulator.username, '--json');
    expect(outcome.error, outcome.stderr).to.equal(undefined);
    expect(outcome.exitCode).to.equal(0);
    expect(envelope(outcome).status).to.equal(0);
    expect((envelope(outcome).result as CheckResult).users[0].passed).to.equal(true);
  });

  it('without --json the human verdict is printed and nothing is JSON', async () => {
    const outcome = await check('--preset', 'crankwheel', '--user', 'agent@acme.example');
    expect(outcome.exitCode).to.equal(3);
    expect(outcome.stdout).to.include('agent@acme.example');
    expect(() => JSON.parse(outcome.stdout) as unknown).to.throw();
  });

  it('--preset and --manifest together: exit 2 before any request to the org', async () => {
    const outcome = await check('--preset', 'crankwheel', '--manifest', path.join(dir, 'x.yaml'));
    expect(outcome.exitCode).to.equal(2);
    expect(outcome.error?.message).to.match(/--manifest|--preset/);
    expect(org.requests()).to.deep.equal([]);
  });

  it('neither --preset nor --manifest: exit 2', async () => {
    const outcome = await check('--user', 'agent@acme.example');
    expect(outcome.exitCode).to.equal(2);
    expect(org.requests()).to.deep.equal([]);
  });

  it('a --result-format that is not one of the formats: exit 2', async () => {
    const outcome = await check('--preset', 'crankwheel', '--result-format', 'yaml');
    expect(outcome.exitCode).to.equal(2);
    expect(org.requests()).to.deep.equal([]);
  });

  it('an unknown --diagnose code: exit 2, named, before any request to the org', async () => {
    const outcome = await check('--preset', 'crankwheel', '--diagnose', 'NO_SUCH_CODE');
    expect(outcome.exitCode).to.equal(2);
    expect(outcome.error?.name).to.equal('UnknownDiagnoseCodeError');
    expect(org.requests()).to.deep.equal([]);
  });

  it('an unknown preset: exit 1 (no verdict), and the --json envelope carries the error', async () => {
    const outcome = await check('--preset', 'crankweel', '--json');
    expect(outcome.exitCode).to.equal(1);
    const json = envelope(outcome);
    expect(json.status).to.equal(1);
    expect(json.name).to.be.a('string').and.match(/Preset/);
    expect(json).to.not.have.property('result');
    expect(org.requests()).to.deep.equal([]);
  });
});
