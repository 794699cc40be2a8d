/*
 * check --record and the replay, end to end: a recording made through bin/run.js against the org emulator
 * holds no token, no org or user Id, no Authorization header; it replays offline through bin/run.js with the
 * same verdicts; a run that ends with an org error records and replays that error. The recordings in
 * test/fixtures/recordings/ (made with `npm run record:fixtures`) are regression fixtures: each replays to the
 * verdicts its recording.json says the recorded run gave.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { replayRecording } from '../../emulator/src/replay-run.js';
import type { CheckResult } from '../../src/commands/integration/check.js';
import { repoRoot, RunningEmulator, runCli, startEmulator } from './harness.js';

const FIXTURES = join(repoRoot, 'test', 'fixtures', 'recordings');

/** Every file under dir, as text. */
const filesOf = (dir: string): Array<{ file: string; text: string }> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesOf(join(dir, e.name)) : [{ file: join(dir, e.name), text: readFileSync(join(dir, e.name), 'utf8') }]
  );

describe('e2e: recordings in test/fixtures/recordings replay to their recorded verdicts', function () {
  this.timeout(120_000);
  const dirs = readdirSync(FIXTURES, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

  it('holds the recordings the README promises: a failing and a passing check, and one with a group, muting and an installed app', () => {
    expect(dirs).to.include.members(['crankwheel-agent-fail', 'ciro-admin-pass', 'crankwheel-ops-group-muting']);
  });

  for (const name of dirs) {
    it(`${name}: same verdicts offline, every request answered from the recording`, async () => {
      const r = await replayRecording(join(FIXTURES, name));
      const outcome = r.meta.outcome!;
      expect(outcome.users!.length, 'the recording holds verdicts').to.be.greaterThan(0);
      expect(outcome.users!.flatMap((u) => u.findings).length).to.be.greaterThan(3);
      expect(r.misses, 'requests without a recorded answer').to.deep.equal([]);
      expect(r.differences).to.deep.equal([]);
      expect(r.code, r.stderr).to.equal(outcome.exitCode);
      expect(r.envelope?.status).to.equal(outcome.exitCode);
      // the statuses themselves, not only their agreement: a recorded fail is a fail in the replay
      const replayed = (r.envelope?.result as CheckResult).users.flatMap((u) => u.findings.map((f) => `${u.username} ${f.kind} ${f.requirement} ${f.status}`));
      expect(replayed).to.have.members(outcome.users!.flatMap((u) => u.findings.map((f) => `${u.username} ${f.kind} ${f.requirement} ${f.status}`)));
    });
  }

  it('the failing recording fails what the emulator org lacks (EditEvent, Contact.MobilePhone read), the passing one passes', () => {
    const meta = (n: string): { outcome: { exitCode: number; users: Array<{ passed: boolean; findings: Array<{ requirement: string; status: string }> }> } } =>
      JSON.parse(readFileSync(join(FIXTURES, n, 'recording.json'), 'utf8')) as never;
    const fail = meta('crankwheel-agent-fail').outcome;
    expect(fail.exitCode).to.equal(3);
    expect(fail.users[0].findings.filter((f) => f.status === 'fail').map((f) => f.requirement)).to.include.members(['EditEvent (Edit Events)', 'Contact.MobilePhone: read']);
    const pass = meta('ciro-admin-pass').outcome;
    expect(pass.exitCode).to.equal(0);
    expect(pass.users[0].passed).to.equal(true);
  });

  it('a replay whose recording lacks an answer says so and does not pretend to agree', async () => {
    const source = join(FIXTURES, 'crankwheel-agent-fail');
    const copy = mkdtempSync(join(tmpdir(), 'sfia-rec-missing-'));
    mkdirSync(join(copy, 'exchanges'));
    copyFileSync(join(source, 'recording.json'), join(copy, 'recording.json'));
    // all but the last answer (a Composite request of the second round trip)
    for (const f of readdirSync(join(source, 'exchanges')).sort().slice(0, -1)) copyFileSync(join(source, 'exchanges', f), join(copy, 'exchanges', f));
    try {
      const r = await replayRecording(copy);
      expect(r.misses.length).to.be.greaterThan(0);
      expect(r.differences.length).to.be.greaterThan(0);
      expect(r.code).to.equal(1);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});

describe('e2e: check --record against the emulator', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;

  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });

  it('writes every request and answer with tokens, org and user Ids scrubbed, and replays to the same verdicts', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'sfia-rec-')), 'rec'); // outlives the emulator's HOME
    const r = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '--user', 'agent@acme.example', '-o', emu.alias, '--record', dir, '--json']);
    expect(r.code, r.stderr).to.equal(3);
    const result = r.json?.result as CheckResult;
    const files = filesOf(dir);
    const exchanges = files.filter((f) => f.file.includes(`${join('exchanges', '')}`));
    // one file per request the emulator saw
    const composites = (await emu.log()).filter((l) => l.path.endsWith('/composite'));
    expect(exchanges.length).to.equal(composites.length);
    const all = files.map((f) => f.text).join('\n');
    const { accessTokens, refreshToken } = await emu.tokens();
    const secrets = [...accessTokens, refreshToken, result.org.id, result.org.id.slice(0, 15), result.users[0].id, result.users[0].id.slice(0, 15), emu.url];
    for (const secret of secrets) expect(all, 'a secret or Id in the recording').not.to.include(secret);
    expect(all.toLowerCase()).not.to.include('"authorization"');
    expect(all).not.to.include('Bearer');
    expect(all).to.include('005REDACTED0001');
    // the running user (admin@, the session's owner) appears nowhere by Id either: every 005/00D Id is a placeholder
    expect(all.match(/(?<![A-Za-z0-9])(005|00D)(?!REDACTED)[A-Za-z0-9]{12}(?![A-Za-z0-9])/g) ?? []).to.deep.equal([]);
    const meta = JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8')) as { args: string[]; outcome: { exitCode: number } };
    expect(meta.args).to.deep.equal(['--preset', 'crankwheel', '--user', 'agent@acme.example']);
    expect(meta.outcome.exitCode).to.equal(3);

    await emu.stop();
    const replay = await replayRecording(dir);
    expect(replay.misses).to.deep.equal([]);
    expect(replay.differences).to.deep.equal([]);
    const replayed = replay.envelope?.result as CheckResult;
    expect(replayed.users.map((u) => u.findings.map((f) => [f.requirement, f.status]))).to.deep.equal(result.users.map((u) => u.findings.map((f) => [f.requirement, f.status])));
    emu = await startEmulator('demo.yaml');
    rmSync(join(dir, '..'), { recursive: true, force: true });
  });

  it('a run that ends with an org error records it, and its replay ends with the same error', async () => {
    const dir = join(emu.home, 'rec-error');
    await emu.setFaults([{ match: '/composite', fault: 'REQUEST_LIMIT_EXCEEDED', times: 100 }]);
    const r = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '--user', 'agent@acme.example', '-o', emu.alias, '--record', dir, '--json']);
    await emu.setFaults([]);
    expect(r.code).to.equal(1);
    const meta = JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8')) as { outcome: { exitCode: number; error: { name: string; salesforceErrorCode: string } } };
    expect(meta.outcome).to.deep.equal({ exitCode: 1, error: { name: 'OrgRequestLimitError', salesforceErrorCode: 'REQUEST_LIMIT_EXCEEDED' } });
    const replay = await replayRecording(dir);
    expect(replay.differences).to.deep.equal([]);
    expect(replay.envelope?.name).to.equal('OrgRequestLimitError');
  });

  it('refuses to record into a directory that holds something else', async () => {
    const dir = join(emu.home, 'not-empty');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const r = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '--user', 'agent@acme.example', '-o', emu.alias, '--record', dir, '--json']);
    expect(r.code).to.equal(1);
    expect(String(r.json?.message)).to.include('not empty');
    expect(existsSync(join(dir, 'recording.json'))).to.equal(false);
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).to.equal('mine');
  });
});
