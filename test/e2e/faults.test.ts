/*
 * Fault injection, end to end: the real bin/run.js against the org emulator while the emulator fails
 * requests the way Salesforce does (503, connection reset, no answer, REQUEST_LIMIT_EXCEEDED,
 * INVALID_SESSION_ID, UNABLE_TO_LOCK_ROW, INSUFFICIENT_ACCESS_OR_READONLY, a query page that fails).
 * Transient faults are retried a bounded number of times and then give the same verdict as a run
 * without them; the others end with exit 1 and a named error with actions — never a verdict from a
 * partial read. grant under faults: nothing is assigned when the deploy's outcome is unknown, one
 * user's failed assignment does not stop the others, and an interrupted run is completed by the next.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { GrantResult } from '../../src/commands/integration/grant.js';

/** Assignment outcomes without the assigned set's Id (an org-generated value), for comparison. */
const outcomes = (list: Array<{ username: string; item: string; status: string }>): Array<{ username: string; item: string; status: string }> =>
  list.map(({ username, item, status }) => ({ username, item, status }));
import { cliEnv, CliResult, repoRoot, RunningEmulator, runCli, startEmulator, withEnv } from './harness.js';

type Verdict = Array<{ username: string; passed: boolean; findings: Array<{ requirement: string; status: string }> }>;
type StateUser = { username: string; permissionSets?: string[] };

/** What a check concluded, without the parts that differ between runs (API usage, timestamps). */
const verdictOf = (r: CliResult): Verdict => {
  const result = r.json?.result as CheckResult | undefined;
  expect(result, `a result in ${r.stdout.slice(0, 300)} ${r.stderr}`).to.not.equal(undefined);
  return result!.users.map((u) => ({
    username: u.username,
    passed: u.passed,
    findings: u.findings.map((f) => ({ requirement: f.requirement, status: f.status })),
  }));
};

/** exit 1, a named error with actions, no stack trace or "undefined" for the user, and no verdict. */
const expectNamedFailure = (r: CliResult, name: string): void => {
  expect(r.code, r.stdout.slice(0, 500) + r.stderr).to.equal(1);
  expect(r.json?.status).to.equal(1);
  expect(r.json?.name).to.equal(name);
  expect(r.json?.result, 'no verdict from a failed read').to.equal(undefined);
  expect(r.stdout).not.to.include('"findings"');
  const actions = r.json?.actions as string[] | undefined;
  expect(actions?.length ?? 0, 'actions').to.be.greaterThan(0);
  for (const text of [String(r.json?.message), ...(actions ?? [])]) expect(text).not.to.include('undefined');
};
const expectCleanHumanError = (r: CliResult, name: string): void => {
  expect(r.code).to.equal(1);
  expect(r.stderr).to.include(`Error (${name})`);
  expect(r.stderr).to.include('Try this:');
  expect(r.stderr).not.to.match(/^\s+at .+:\d+:\d+\)?$/m);
  expect(r.stderr).not.to.include('undefined');
  expect(r.stdout).not.to.match(/^(PASS|FAIL) /m);
};

const api = async (emu: RunningEmulator, method: string, path: string, body?: unknown): Promise<unknown> => {
  const res = await fetch(`${emu.url}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return text ? (JSON.parse(text) as unknown) : undefined;
};
const setLatency = (emu: RunningEmulator, ms: number): Promise<unknown> => api(emu, 'PUT', '/__emulator/latency', { ms });


/**
 * Re-register the emulator's org in its HOME with the refresh token (the emulator CLI registers an
 * access token only), the way `sf org login web` leaves it: @salesforce/core exchanges the refresh token.
 */
const registerWithRefreshToken = async (emu: RunningEmulator, alias: string): Promise<void> => {
  const { username, refreshToken } = await emu.tokens();
  rmSync(join(emu.home, '.sfdx', `${username}.json`), { force: true });
  const script = [
    "import { AuthInfo, StateAggregator } from '@salesforce/core';",
    'const [url, username, refreshToken, alias] = process.argv.slice(1);',
    "const auth = await AuthInfo.create({ username, oauth2Options: { refreshToken, loginUrl: url, clientId: 'PlatformCLI' } });",
    'await auth.save();',
    'await (await StateAggregator.getInstance()).aliases.setAndSave(alias, username);',
  ].join('\n');
  const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', script, emu.url, username, refreshToken, alias], {
    cwd: repoRoot,
    env: cliEnv(emu.home),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  expect(code, err).to.equal(0);
};

const CHECK = ['integration', 'check', '--preset', 'crankwheel', '--user', 'agent@acme.example', '--json'];

describe('e2e: faults during check', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  let baseline: Verdict;
  let baselineComposites: number;

  const check = (extra: string[] = []): Promise<CliResult> => runCli(emu.home, [...CHECK, '-o', emu.alias, ...extra]);

  before(async () => {
    emu = await startEmulator('demo.yaml');
    await emu.clearLog();
    const r = await check();
    expect(r.code, r.stderr).to.equal(3);
    baseline = verdictOf(r);
    baselineComposites = (await emu.log()).filter((l) => l.path.endsWith('/composite')).length;
    expect(baselineComposites).to.be.greaterThan(0);
  });
  after(async () => {
    await emu?.stop();
  });
  beforeEach(async () => {
    await emu.setFaults([]);
    await emu.clearLog();
  });

  for (const fault of ['http503', 'reset', 'UNABLE_TO_LOCK_ROW'] as const) {
    it(`retries ${fault} twice in a row and gives the same verdict as without it`, async () => {
      await emu.setFaults([{ match: 'POST /services/data/v62.0/composite', fault, times: 2 }]);
      const r = await check();
      expect(r.code, r.stderr).to.equal(3);
      expect(verdictOf(r)).to.deep.equal(baseline);
      const log = await emu.log();
      const failed = log.filter((l) => l.path.endsWith('/composite') && l.status !== 200);
      expect(failed.map((l) => l.status)).to.deep.equal(fault === 'http503' ? [503, 503] : fault === 'reset' ? [0, 0] : [400, 400]);
      expect(log.filter((l) => l.path.endsWith('/composite') && l.status === 200)).to.have.length(baselineComposites);
    });
  }

  it('gives up on a lasting 503 after a bounded number of attempts: exit 1, OrgUnavailableError, no verdict', async () => {
    await emu.setFaults([{ match: '/composite', fault: 'http503', times: 1000 }]);
    const started = Date.now();
    const r = await check();
    expectNamedFailure(r, 'OrgUnavailableError');
    expect(String(r.json?.message)).to.include('4 attempt(s)');
    const attempts = (await emu.log()).filter((l) => l.status === 503).length;
    // 4 attempts of each composite of the first round trip at most, never a second round on partial data
    expect(attempts).to.be.within(4, 4 * baselineComposites);
    expect(Date.now() - started).to.be.below(60_000);
  });

  it('fails one query of a batch the way Salesforce does (a composite subrequest answering 503), retries the batch', async () => {
    await emu.setFaults([{ match: 'FROM Organization', fault: 'http503', times: 1, subrequests: true }]);
    const r = await check();
    expect(r.code, r.stderr).to.equal(3);
    expect(verdictOf(r)).to.deep.equal(baseline);
    expect((await emu.log()).filter((l) => l.path.endsWith('/composite')).length).to.equal(baselineComposites + 1);
  });

  it('bounds a request the org never answers by SF_INTEGRATION_ACCESS_TIMEOUT_MS, then retries it', async () => {
    await emu.setFaults([{ match: '/composite', fault: 'timeout', times: 1 }]);
    const started = Date.now();
    const r = await withEnv({ SF_INTEGRATION_ACCESS_TIMEOUT_MS: '1500' }, () => check());
    expect(r.code, r.stderr).to.equal(3);
    expect(verdictOf(r)).to.deep.equal(baseline);
    expect(Date.now() - started).to.be.below(30_000);
  });

  it('stops after two timed-out attempts: exit 1, OrgTimeoutError naming the setting, no verdict, no hang', async () => {
    await emu.setFaults([{ match: '/composite', fault: 'timeout', times: 1000 }]);
    const started = Date.now();
    const r = await withEnv({ SF_INTEGRATION_ACCESS_TIMEOUT_MS: '1500' }, () => check());
    expectNamedFailure(r, 'OrgTimeoutError');
    expect(String(r.json?.message)).to.match(/within 1\.5 seconds \(2 attempt\(s\)\)/);
    expect((r.json?.actions as string[]).join('\n')).to.include('SF_INTEGRATION_ACCESS_TIMEOUT_MS');
    expect(Date.now() - started).to.be.below(30_000);
  });

  it('does not retry REQUEST_LIMIT_EXCEEDED (the daily limit): exit 1, OrgRequestLimitError, one request refused', async () => {
    await emu.setFaults([{ match: '/composite', fault: 'REQUEST_LIMIT_EXCEEDED', times: 1 }]);
    const r = await check();
    expectNamedFailure(r, 'OrgRequestLimitError');
    expect((r.json?.actions as string[]).join('\n')).to.include('API Requests, Last 24 Hours');
    expect((await emu.log()).filter((l) => l.status === 403)).to.have.length(1);
  });

  it('INVALID_SESSION_ID with an access-token-only login: exit 1, OrgSessionExpiredError telling to log in again', async () => {
    await emu.setFaults([{ match: '/composite', fault: 'INVALID_SESSION_ID', times: 1 }]);
    const r = await check();
    expectNamedFailure(r, 'OrgSessionExpiredError');
    expect(String(r.json?.message)).to.include('admin@acme.example');
    expect((r.json?.actions as string[]).join('\n')).to.include('sf org login web');
    expect((await emu.log()).filter((l) => l.status === 401)).to.have.length(1); // not retried blindly
    await emu.setFaults([{ match: '/composite', fault: 'INVALID_SESSION_ID', times: 1 }]);
    expectCleanHumanError(await runCli(emu.home, [...CHECK.filter((a) => a !== '--json'), '-o', emu.alias]), 'OrgSessionExpiredError');
  });

  it('INSUFFICIENT_ACCESS_OR_READONLY on permission sets: names the permission the RUNNING user needs', async () => {
    await emu.setFaults([{ match: '/FROM PermissionSet WHERE/', fault: 'INSUFFICIENT_ACCESS', times: 100, subrequests: true }]);
    const r = await check();
    expectNamedFailure(r, 'OrgInsufficientAccessError');
    const message = String(r.json?.message);
    expect(message).to.include('running user admin@acme.example');
    expect(message).to.include('PermissionSet');
    expect(message).to.include('"View Setup and Configuration" (ViewSetup)');
    expect((r.json?.actions as string[]).join('\n')).to.include('--target-org');
  });

  it("INSUFFICIENT_ACCESS_OR_READONLY on other users' assignments: asks for View All Users for the running user", async () => {
    await emu.setFaults([{ match: 'FROM PermissionSetAssignment', fault: 'INSUFFICIENT_ACCESS', times: 100, subrequests: true }]);
    const r = await check();
    expectNamedFailure(r, 'OrgInsufficientAccessError');
    expect(String(r.json?.message)).to.include('"View All Users" (ViewAllUsers)');
    expect(String(r.json?.message)).to.include('admin@acme.example');
  });
});

describe('e2e: a session the org no longer accepts, with a refresh token', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;

  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });

  it('refreshes the session once and gives the same verdict', async () => {
    const before = await runCli(emu.home, [...CHECK, '-o', emu.alias]);
    expect(before.code).to.equal(3);
    await registerWithRefreshToken(emu, 'emu-refresh');
    await api(emu, 'DELETE', '/__emulator/tokens'); // the session times out: no access token issued so far is accepted
    await emu.clearLog();
    const r = await runCli(emu.home, [...CHECK, '-o', 'emu-refresh']);
    expect(r.code, r.stderr).to.equal(3);
    expect(verdictOf(r)).to.deep.equal(verdictOf(before));
    const log = await emu.log();
    expect(log.filter((l) => l.path === '/services/oauth2/token' && l.status === 200).length).to.be.at.least(1);
    expect((await emu.tokens()).accessTokens.length).to.be.at.least(2);
  });

  it('a refreshed session that fails again ends with OrgSessionExpiredError, not a loop', async () => {
    await emu.setFaults([{ match: '/composite', fault: 'INVALID_SESSION_ID', times: 1000 }]);
    await emu.clearLog();
    const started = Date.now();
    const r = await runCli(emu.home, [...CHECK, '-o', 'emu-refresh']);
    await emu.setFaults([]);
    expectNamedFailure(r, 'OrgSessionExpiredError');
    expect(Date.now() - started).to.be.below(30_000);
    expect((await emu.log()).filter((l) => l.status === 401).length).to.be.below(20);
  });
});

describe('e2e: a query failing on page 3 of 5', function () {
  this.timeout(180_000);
  // 90 permission sets × 100 fields: the FieldPermissions query of the check returns 9,000 rows, served
  // 2,000 a page (the Salesforce default), i.e. 5 pages: the first in the Composite answer, then 4
  // nextRecordsUrl requests; page 3 is `/query/01g…-4000`.
  const fields = Array.from({ length: 100 }, (_, i) => `Sync_Field_${String(i + 1).padStart(3, '0')}__c`);
  const sets = Array.from({ length: 90 }, (_, i) => ({
    name: `Sync_Fields_${String(i + 1).padStart(2, '0')}`,
    fieldPermissions: Object.fromEntries(fields.map((f) => [`Contact.${f}`, 'read'])),
  }));
  const state = {
    name: 'Big Corp',
    edition: 'Enterprise',
    isSandbox: true,
    apiEnabledForOrg: true,
    objects: { extra: fields.map((field) => ({ object: 'Contact', field, type: 'string', permissionable: true })) },
    profiles: [
      { name: 'System Administrator', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled', 'ViewSetup', 'ViewAllUsers', 'ModifyAllData', 'ViewAllData'] },
      { name: 'Sync Profile', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled'], objectPermissions: { Contact: ['read'] } },
    ],
    permissionSets: sets,
    users: [
      { username: 'admin@big.example', email: 'admin@big.example', profile: 'System Administrator' },
      { username: 'sync@big.example', email: 'sync@big.example', profile: 'Sync Profile', permissionSets: sets.map((s) => s.name) },
    ],
  };
  const manifest = ['name: big-sync', 'label: Big Sync', 'systemPermissions: [ApiEnabled]', 'objects:', '  Contact:', '    access: [read]', '    fields:', `      read: [${fields.join(', ')}]`, ''].join('\n');
  const PAGE_3 = '/\\/query\\/01g\\w+-4000$/';
  let emu: RunningEmulator;
  let baseline: Verdict;
  let manifestFile: string;

  const check = (): Promise<CliResult> => runCli(emu.home, ['integration', 'check', '--manifest', manifestFile, '-o', emu.alias, '--user', 'sync@big.example', '--json']);

  before(async () => {
    emu = await startEmulator(state);
    manifestFile = join(emu.home, 'big-sync.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(manifestFile, manifest);
    await emu.clearLog();
    const r = await check();
    expect(r.code, r.stderr).to.equal(0);
    baseline = verdictOf(r);
    expect(baseline[0].findings.filter((f) => f.requirement.startsWith('Contact.Sync_Field_')).every((f) => f.status === 'pass')).to.equal(true);
    // pages 2-5 travel inside Composite requests (Query More as a subrequest, five per request), not as GETs
    expect((await emu.log()).filter((l) => l.path.includes('/query/01g'))).to.deep.equal([]);
  });
  after(async () => {
    await emu?.stop();
  });
  beforeEach(async () => {
    await emu.setFaults([]);
    await emu.clearLog();
  });

  for (const fault of ['http503', 'reset'] as const) {
    it(`retries page 3 after ${fault} and reads all 9,000 rows: the same verdict`, async () => {
      await emu.setFaults([{ match: PAGE_3, fault, times: 1, subrequests: true }]);
      const r = await check();
      expect(r.code, r.stderr).to.equal(0);
      expect(verdictOf(r)).to.deep.equal(baseline);
    });
  }

  it('a page that cannot be read fails the check: exit 1, a named error, no verdict from 4,000 of 9,000 rows', async () => {
    await emu.setFaults([{ match: PAGE_3, fault: 'INSUFFICIENT_ACCESS', times: 1, subrequests: true }]);
    const r = await check();
    expectNamedFailure(r, 'OrgInsufficientAccessError');
    expect(String(r.json?.message)).to.include('admin@big.example');
  });

  it('a page that keeps failing with 503 is retried a bounded number of times, then exit 1 without a verdict', async () => {
    await emu.setFaults([{ match: PAGE_3, fault: 'http503', times: 1000, subrequests: true }]);
    const r = await check();
    expectNamedFailure(r, 'OrgUnavailableError');
  });
});

describe('e2e: grant under faults', function () {
  this.timeout(240_000);
  let emu: RunningEmulator;
  const usersOf = async (): Promise<StateUser[]> => (await emu.state()).users as StateUser[];
  const setsOf = async (username: string): Promise<string[]> => (await usersOf()).find((u) => u.username === username)?.permissionSets ?? [];
  const grant = (users: string[], outDir: string, extra: string[] = []): Promise<CliResult> =>
    runCli(emu.home, [
      'integration', 'grant', '--preset', 'crankwheel', '-o', emu.alias, ...users.flatMap((u) => ['--user', u]),
      '--deploy', '--no-prompt', '--output-dir', join(emu.home, outDir), '--json', ...extra,
    ]);

  beforeEach(async () => {
    emu = await startEmulator('demo.yaml');
  });
  afterEach(async () => {
    await emu?.stop();
  });

  it('an outcome the deploy poll cannot read assigns nothing (exit 1, DeployOutcomeUnknownError); the next run completes', async () => {
    await emu.setFaults([{ match: '[checkDeployStatus]', fault: 'INSUFFICIENT_ACCESS', times: 1000 }]);
    await emu.clearLog();
    const r = await grant(['agent@acme.example'], 'polls');
    expectNamedFailure(r, 'DeployOutcomeUnknownError');
    expect((r.json?.actions as string[]).join('\n')).to.include('Run the same command again');
    expect(String(r.json?.message)).to.include('Modify Metadata');
    expect((await emu.log()).filter((l) => l.path.includes('composite/sobjects'))).to.deep.equal([]);
    expect(await setsOf('agent@acme.example')).not.to.include('CrankWheel_Integration');

    await emu.setFaults([]);
    const again = await grant(['agent@acme.example'], 'polls');
    expect(again.code, again.stderr).to.equal(0);
    expect(await setsOf('agent@acme.example')).to.include('CrankWheel_Integration');
  });

  it('a deploy poll answering 503 twice is polled again and the grant completes', async () => {
    await emu.setFaults([{ match: '[checkDeployStatus]', fault: 'http503', times: 2 }]);
    await emu.clearLog();
    const r = await grant(['agent@acme.example'], 'polls503');
    expect(r.code, r.stdout.slice(0, 300) + r.stderr).to.equal(0);
    expect((r.json?.result as GrantResult).deployStatus).to.equal('deployed');
    expect((await emu.log()).filter((l) => l.path.includes('/Soap/m/') && l.status === 503)).to.have.length(2);
    expect(await setsOf('agent@acme.example')).to.include('CrankWheel_Integration');
  });

  it("one user's failed assignment is reported for that user while the other is assigned; a re-run assigns the rest", async () => {
    // UNABLE_TO_LOCK_ROW on ops@'s PermissionSetAssignment record only (Salesforce answers it per record
    // in an sObject Collections insert when another transaction holds the user row)
    const ids = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'ops@acme.example', '--json']);
    const opsId = (ids.json?.result as CheckResult).users[0].id;
    expect(opsId).to.match(/^005/);
    await emu.setFaults([{ match: `"AssigneeId":"${opsId}"`, fault: 'UNABLE_TO_LOCK_ROW', times: 1000, subrequests: true }]);
    const r = await grant(['agent@acme.example', 'ops@acme.example'], 'two');
    expect(r.code, r.stderr).to.equal(3); // the re-check shows ops@ still missing what the set grants
    const result = r.json!.result as GrantResult;
    const item = 'permission set CrankWheel_Integration';
    expect(outcomes(result.assignments)).to.deep.include({ username: 'agent@acme.example', item, status: 'assigned' });
    const failed = result.assignments.find((a) => a.username === 'ops@acme.example');
    expect(failed?.status).to.equal('failed');
    expect(failed?.message).to.include('UNABLE_TO_LOCK_ROW');
    expect(await setsOf('agent@acme.example')).to.include('CrankWheel_Integration');
    expect(await setsOf('ops@acme.example')).not.to.include('CrankWheel_Integration');

    await emu.setFaults([]);
    const again = await grant(['agent@acme.example', 'ops@acme.example'], 'two');
    expect(again.code, again.stderr).to.equal(0);
    const second = again.json!.result as GrantResult;
    expect(second.deployStatus).to.equal('unchanged');
    expect(outcomes(second.assignments)).to.deep.include({ username: 'ops@acme.example', item, status: 'assigned' });
    expect(outcomes(second.assignments)).to.deep.include({ username: 'agent@acme.example', item, status: 'alreadyAssigned' });
  });

  it('a run interrupted (SIGINT) while polling the deploy leaves a state the next run completes, and no temp files', async () => {
    await setLatency(emu, 600);
    const out = join(emu.home, 'interrupted');
    const child = spawn(
      process.execPath,
      [join(repoRoot, 'bin', 'run.js'), 'integration', 'grant', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'agent@acme.example', '--deploy', '--no-prompt', '--output-dir', out],
      { env: cliEnv(emu.home), cwd: emu.home, stdio: ['ignore', 'pipe', 'pipe'] }
    );
    let stderr = '';
    let interruptedAt = 0;
    child.stdout.resume();
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      // the spinner shows the deploy's status once the first poll has answered InProgress
      if (!interruptedAt && stderr.includes('InProgress')) {
        interruptedAt = Date.now();
        child.kill('SIGINT');
      }
    });
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.on('close', (code, signal) => r({ code, signal })));
    expect(interruptedAt, stderr).to.be.greaterThan(0);
    expect(Date.now() - interruptedAt, 'stops promptly').to.be.below(10_000);
    expect(exit.code, `exit ${String(exit.code)} ${String(exit.signal)}`).to.equal(130); // the shell convention for Ctrl-C
    expect(stderr).not.to.match(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
    await new Promise((r) => setTimeout(r, 1500)); // let requests already on the wire land
    expect(await setsOf('agent@acme.example')).not.to.include('CrankWheel_Integration'); // nothing assigned

    await setLatency(emu, 0);
    const again = await runCli(emu.home, [
      'integration', 'grant', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'agent@acme.example', '--deploy', '--no-prompt', '--output-dir', out, '--json',
    ]);
    expect(again.code, again.stderr).to.equal(0);
    const result = again.json!.result as GrantResult;
    expect(outcomes(result.assignments)).to.deep.include({ username: 'agent@acme.example', item: 'permission set CrankWheel_Integration', status: 'assigned' });
    expect(result.check.users[0].passed).to.equal(true);
    expect(await setsOf('agent@acme.example')).to.include('CrankWheel_Integration');
    const dir = join(out, 'permissionsets');
    expect(existsSync(dir)).to.equal(true);
    expect(readdirSync(dir)).to.deep.equal(['CrankWheel_Integration.permissionset-meta.xml']);
  });
});
