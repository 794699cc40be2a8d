/*
 * No secret in any output: a representative run of every command — check in every result format,
 * grant --dry-run and --deploy, preset list/show, and the error paths (unknown preset, missing access,
 * a session the org keeps rejecting, a deploy whose outcome cannot be read, a timeout) — with trace
 * logging (SF_LOG_LEVEL=trace, the sf log files under $HOME/.sf) and DEBUG=*, then every access token
 * the emulator issued (the refreshed ones too) and its refresh token are searched for, whole and in
 * fragments, in stdout, stderr, the files written and the log files.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cliEnv, CliResult, repoRoot, RunningEmulator, runCli, startEmulator, withEnv } from './harness.js';

type Output = { what: string; text: string };



/** Every 16-character window (step 8) of a secret's random part: catches a token cut, wrapped or re-encoded. */
const fragmentsOf = (secret: string): string[] => {
  const random = secret.includes('!') ? secret.slice(secret.indexOf('!') + 1) : secret;
  const out = [secret];
  for (let i = 0; i + 16 <= random.length; i += 8) out.push(random.slice(i, i + 16));
  return out;
};

/** The places where any fragment of any secret occurs, with a little context. */
const leaks = (outputs: Output[], secrets: string[]): string[] => {
  const found: string[] = [];
  for (const { what, text } of outputs) {
    for (const secret of secrets) {
      const hit = fragmentsOf(secret).find((f) => text.includes(f));
      if (hit) {
        const at = text.indexOf(hit);
        found.push(`${what}: …${text.slice(Math.max(0, at - 80), at)}[SECRET]`);
      }
    }
  }
  return found;
};

/** Re-register the org with a refresh token (the emulator CLI registers an access token only). */
const registerWithRefreshToken = async (emu: RunningEmulator): Promise<void> => {
  const { username, refreshToken } = await emu.tokens();
  rmSync(join(emu.home, '.sfdx', `${username}.json`), { force: true });
  const script = [
    "import { AuthInfo, StateAggregator } from '@salesforce/core';",
    'const [url, username, refreshToken, alias] = process.argv.slice(1);',
    "const auth = await AuthInfo.create({ username, oauth2Options: { refreshToken, loginUrl: url, clientId: 'PlatformCLI' } });",
    'await auth.save();',
    'await (await StateAggregator.getInstance()).aliases.setAndSave(alias, username);',
  ].join('\n');
  const child = spawn(process.execPath, ['--no-warnings', '--input-type=module', '-e', script, emu.url, username, refreshToken, emu.alias], {
    cwd: repoRoot,
    env: cliEnv(emu.home),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  expect(await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1))), err).to.equal(0);
};

describe('e2e: no access token, refresh token or session id in any output', function () {
  this.timeout(300_000);
  let emu: RunningEmulator;
  const outputs: Output[] = [];
  const codes: Record<string, number> = {};

  const run = async (what: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> => {
    const r = await withEnv({ SF_LOG_LEVEL: 'trace', ...env }, () => runCli(emu.home, args));
    outputs.push({ what: `${what} (stdout)`, text: r.stdout }, { what: `${what} (stderr)`, text: r.stderr });
    codes[what] = r.code;
    return r;
  };
  const file = (what: string, path: string): void => {
    expect(existsSync(path), path).to.equal(true);
    outputs.push({ what, text: readFileSync(path, 'utf8') });
  };
  const o = (): string[] => ['-o', emu.alias];
  const CW = ['--preset', 'crankwheel'];

  before(async function () {
    this.timeout(300_000);
    emu = await startEmulator('demo.yaml');
    await registerWithRefreshToken(emu);
    // the first command finds its session expired and refreshes it: a second access token is in play
    await fetch(`${emu.url}/__emulator/tokens`, { method: 'DELETE' });
    const h = emu.home;

    // check, in every format
    await run('check human --verbose', ['integration', 'check', ...CW, ...o(), '--user', 'agent@acme.example', '--verbose']);
    await run('check --json', ['integration', 'check', ...CW, ...o(), '--user', 'agent@acme.example', '--user', 'nobody@nowhere.example', '--json']);
    for (const format of ['junit', 'markdown', 'json']) {
      const path = join(h, `report.${format}`);
      // eslint-disable-next-line no-await-in-loop
      await run(`check --result-format ${format}`, ['integration', 'check', ...CW, ...o(), '--user', 'agent@acme.example', '--result-format', format, '--output-file', path]);
      file(`${format} report file`, path);
    }
    // grant
    await run('grant --dry-run', ['integration', 'grant', ...CW, ...o(), '--user', 'agent@acme.example', '--dry-run']);
    await run('grant --deploy --json', ['integration', 'grant', ...CW, ...o(), '--user', 'agent@acme.example', '--deploy', '--no-prompt', '--output-dir', join(h, 'src'), '--json']);
    file('permission set source', join(h, 'src', 'permissionsets', 'CrankWheel_Integration.permissionset-meta.xml'));
    await run('grant --deploy (human, DEBUG=*)', ['integration', 'grant', '--preset', 'ciro', ...o(), '--user', 'integration-nopsl@acme.example', '--deploy', '--no-prompt', '--output-dir', join(h, 'src')], { DEBUG: '*' });
    // presets
    await run('preset list', ['integration', 'preset', 'list']);
    await run('preset list --json', ['integration', 'preset', 'list', '--json']);
    await run('preset show', ['integration', 'preset', 'show', 'crankwheel']);
    // debug output on the console
    await run('check --json (DEBUG=*)', ['integration', 'check', ...CW, ...o(), '--user', 'ops@acme.example', '--json'], { DEBUG: '*' });
    // error paths
    await run('unknown preset', ['integration', 'check', '--preset', 'crankweel', ...o(), '--json']);
    await emu.setFaults([{ match: 'FROM PermissionSetAssignment', fault: 'INSUFFICIENT_ACCESS', times: 100, subrequests: true }]);
    await run('insufficient access', ['integration', 'check', ...CW, ...o(), '--user', 'agent@acme.example']);
    await emu.setFaults([{ match: '/composite', fault: 'INVALID_SESSION_ID', times: 1000 }]);
    await run('session rejected after refreshes (DEBUG=*)', ['integration', 'check', ...CW, ...o(), '--user', 'agent@acme.example', '--json'], { DEBUG: '*' });
    await run('session rejected after refreshes', ['integration', 'check', ...CW, ...o(), '--user', 'agent@acme.example']);
    await emu.setFaults([{ match: '[checkDeployStatus]', fault: 'INVALID_SESSION_ID', times: 1000 }]);
    await run('deploy poll rejected', ['integration', 'grant', ...CW, ...o(), '--user', 'ops@acme.example', '--permission-set-name', 'Ops_Access', '--deploy', '--no-prompt', '--output-dir', join(h, 'ops')]);
    await emu.setFaults([{ match: '/composite', fault: 'timeout', times: 1000 }]);
    await run('timeout', ['integration', 'check', ...CW, ...o(), '--user', 'agent@acme.example', '--json'], { SF_INTEGRATION_ACCESS_TIMEOUT_MS: '1000' });
    await emu.setFaults([]);

    // the sf log files (SF_LOG_LEVEL=trace)
    const sfDir = join(h, '.sf');
    for (const name of existsSync(sfDir) ? readdirSync(sfDir).filter((n) => /^sf-.*\.log$/.test(n)) : []) file(`log file ${name}`, join(sfDir, name));
    outputs.push({ what: 'emulator console', text: emu.output() });
  });
  after(async () => {
    await emu?.stop();
  });

  it('ran every command, the error paths failing as they should', () => {
    expect(codes['check human --verbose'], outputs.filter((x) => x.what.startsWith('check human')).map((x) => x.text.slice(0, 3000)).join('\n')).to.equal(3);
    expect(codes['check --json']).to.equal(3);
    expect(codes['grant --dry-run']).to.equal(0);
    expect(codes['grant --deploy --json']).to.equal(0);
    expect(codes['preset list']).to.equal(0);
    expect(codes['preset show']).to.equal(0);
    for (const error of ['unknown preset', 'insufficient access', 'session rejected after refreshes', 'deploy poll rejected', 'timeout']) {
      expect(codes[error], error).to.equal(1);
    }
  });

  it('exercised the secrets: the session was refreshed, and trace logs and DEBUG output were written', async () => {
    const tokens = await emu.tokens();
    expect(tokens.accessTokens.length, 'refreshed access tokens').to.be.at.least(2);
    const logs = outputs.filter((x) => x.what.startsWith('log file'));
    expect(logs.length, 'sf log files').to.be.at.least(1);
    const logText = logs.map((l) => l.text).join('\n');
    expect(logText).to.include('"level":10'); // trace entries
    expect(logText).to.include('/composite'); // requests are logged
    const debug = outputs.find((x) => x.what === 'check --json (DEBUG=*) (stdout)')!.text + outputs.find((x) => x.what === 'check --json (DEBUG=*) (stderr)')!.text;
    expect(debug).to.match(/DEBUG|TRACE/);
  });

  it('the scan finds a secret where there is one (it is not vacuous)', async () => {
    const tokens = await emu.tokens();
    const planted = `Authorization: Bearer ${tokens.accessTokens[1]}`;
    expect(leaks([{ what: 'planted', text: planted }], tokens.accessTokens)).to.have.length(1);
    expect(leaks([{ what: 'a cut token', text: `…${tokens.refreshToken.slice(20, 45)}…` }], [tokens.refreshToken])).to.have.length(1);
  });

  it('no access token, refresh token or fragment of one appears in stdout, stderr, reports, source files or logs', async () => {
    const tokens = await emu.tokens();
    const secrets = [...tokens.accessTokens, tokens.refreshToken];
    expect(outputs.length).to.be.greaterThan(30);
    expect(leaks(outputs, secrets)).to.deep.equal([]);
  });
});
