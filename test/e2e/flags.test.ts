/*
 * Bad input, end to end: unknown and inactive users, users files with blank lines, comments and
 * duplicates, an org alias that does not exist, an org whose session the emulator no longer accepts,
 * and usage errors. Every error: the exit code a script expects, a message naming the problem and the
 * fix, no stack trace, no "undefined".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CheckResult } from '../../src/commands/integration/check.js';
import { CliResult, RunningEmulator, runCli, startEmulator } from './harness.js';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;

/** The human form of an error: named, with a fix, no stack trace, no "undefined". */
const expectHumanError = (r: CliResult, code: number, name: string): void => {
  expect(r.code, r.stdout + r.stderr).to.equal(code);
  expect(r.stderr).to.include(`(${name})`);
  expect(r.stderr).not.to.match(STACK_LINE);
  expect(r.stderr + r.stdout).not.to.include('undefined');
};
/** The --json form: status = exit code, the name, a message and actions without "undefined", no result. */
const expectJsonError = (r: CliResult, code: number, name: string): void => {
  expect(r.code, r.stdout + r.stderr).to.equal(code);
  expect(r.json?.status).to.equal(code);
  expect(r.json?.name).to.equal(name);
  expect(r.json?.result).to.equal(undefined);
  const actions = (r.json?.actions as string[] | undefined) ?? [];
  for (const text of [String(r.json?.message), ...actions]) expect(text).not.to.include('undefined');
};

describe('e2e: bad flags and bad input', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  const check = (args: string[]): Promise<CliResult> => runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '-o', emu.alias, ...args]);

  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });

  it('no requested user exists: exit 1, NoUsersResolvedError naming the input and how to list users', async () => {
    const r = await check(['--user', 'nobody@nowhere.example', '--json']);
    expectJsonError(r, 1, 'NoUsersResolvedError');
    expect(String(r.json?.message)).to.include('nobody@nowhere.example');
    expect((r.json?.actions as string[]).join('\n')).to.include('SELECT Username, Email FROM User');
    expectHumanError(await check(['--user', 'nobody@nowhere.example']), 1, 'NoUsersResolvedError');
  });

  it('some users exist: exit 3, the others listed as unresolved, the known user still checked', async () => {
    const r = await check(['--user', 'nobody@nowhere.example', '--user', 'agent@acme.example', '--json']);
    expect(r.code, r.stderr).to.equal(3);
    const result = r.json!.result as CheckResult;
    expect(result.users.map((u) => u.username)).to.deep.equal(['agent@acme.example']);
    expect(result.unresolvedUsers).to.deep.equal([{ input: 'nobody@nowhere.example', reason: 'notFound', candidates: [] }]);
    const human = await check(['--user', 'nobody@nowhere.example', '--user', 'agent@acme.example']);
    expect(human.code).to.equal(3);
    expect(human.stdout).to.include('nobody@nowhere.example');
    expect(human.stdout).to.include('no such user');
    expect(human.stdout + human.stderr).not.to.include('undefined');
  });

  it('an inactive user: exit 3, a failing finding (like a frozen one) that says the user cannot authenticate and how to fix it', async () => {
    const r = await check(['--user', 'former@acme.example', '--json']);
    expect(r.code, r.stderr).to.equal(3);
    const user = (r.json!.result as CheckResult).users[0];
    expect(user.username).to.equal('former@acme.example');
    expect(user.passed).to.equal(false);
    const inactive = user.findings.find((f) => f.path === 'user' && (f.message ?? '').includes('inactive'));
    // an inactive user is something the admin can fix, not something the org cannot do: fail, not error
    expect(inactive?.status, JSON.stringify(user.findings.slice(0, 3))).to.equal('fail');
    expect(inactive?.id).to.equal('userStatus.missing');
    expect(inactive?.fix).to.match(/^Activate the user/);
  });

  it('--users-file: blank lines, # comments, CRLF, a byte order mark and duplicates in any case are ignored', async () => {
    const file = join(emu.home, 'users.txt');
    writeFileSync(
      file,
      '\uFEFF# integration users\r\n\r\nagent@acme.example\r\n   AGENT@ACME.EXAMPLE   # the same user again\nops@acme.example\t\n\n  # indented comment\nagent@acme.example\n'
    );
    const r = await check(['--users-file', file, '--json']);
    expect(r.code, r.stderr).to.equal(3);
    const result = r.json!.result as CheckResult;
    expect(result.users.map((u) => u.username)).to.deep.equal(['agent@acme.example', 'ops@acme.example']);
    expect(result.unresolvedUsers).to.deep.equal([]);
  });

  it('--users-file with only comments: exit 1, UsersFileEmptyError naming the file', async () => {
    const file = join(emu.home, 'empty-users.txt');
    writeFileSync(file, '# nobody yet\n\n   \n');
    const r = await check(['--users-file', file, '--json']);
    expectJsonError(r, 1, 'UsersFileEmptyError');
    expect(String(r.json?.message)).to.include('empty-users.txt');
    expectHumanError(await check(['--users-file', file]), 1, 'UsersFileEmptyError');
  });

  it('an org alias that does not exist: exit 1, NamedOrgNotFoundError, no request to any org', async () => {
    await emu.clearLog();
    const r = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '-o', 'no-such-org', '--json']);
    expectJsonError(r, 1, 'NamedOrgNotFoundError');
    expect(String(r.json?.message)).to.include('no-such-org');
    expectHumanError(await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '-o', 'no-such-org']), 1, 'NamedOrgNotFoundError');
    expect(await emu.log()).to.deep.equal([]);
  });

  it('usage errors exit 2: an unknown flag, both or neither of --preset and --manifest, a bad --result-format', async () => {
    for (const args of [
      ['--preset', 'crankwheel', '--bogus'],
      ['--preset', 'crankwheel', '--manifest', join(emu.home, 'users.txt')],
      [],
      ['--preset', 'crankwheel', '--result-format', 'xml'],
    ]) {
      // eslint-disable-next-line no-await-in-loop
      const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, ...args]);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).not.to.match(STACK_LINE);
      expect(r.stderr).not.to.include('undefined');
      expect(r.stdout).not.to.match(/^(PASS|FAIL) /m);
    }
  });

  it('a --target-org whose session the org no longer accepts: exit 1, OrgSessionExpiredError with "sf org login"; grant changes nothing', async () => {
    const before = JSON.stringify(await emu.state());
    const expire = await fetch(`${emu.url}/__emulator/tokens`, { method: 'DELETE' });
    expect(expire.status).to.equal(200);
    const r = await check(['--user', 'agent@acme.example', '--json']);
    expectJsonError(r, 1, 'OrgSessionExpiredError');
    expect((r.json?.actions as string[]).join('\n')).to.include('sf org login');
    expect(String(r.json?.message)).to.include('admin@acme.example');
    expectHumanError(await check(['--user', 'agent@acme.example']), 1, 'OrgSessionExpiredError');

    const grant = await runCli(emu.home, [
      'integration', 'grant', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'agent@acme.example',
      '--deploy', '--no-prompt', '--output-dir', join(emu.home, 'expired'), '--json',
    ]);
    expectJsonError(grant, 1, 'OrgSessionExpiredError');
    expect((grant.json?.actions as string[]).join('\n')).to.include('sf org login');
    expect(JSON.stringify(await emu.state())).to.equal(before);
  });
});
