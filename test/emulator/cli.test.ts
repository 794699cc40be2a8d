/*
 * The emulator as a process: `node emulator/lib/cli.js` prints one `ready <url>` line, serves the
 * demo org (REST, Metadata SOAP, test endpoints), and exits 0 on SIGTERM writing --state-out.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parseStateText } from '../../emulator/src/state.js';
import { repoRoot } from './helpers.js';

const startCli = (args: string[]): Promise<{ child: ChildProcess; url: string; stdout: () => string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'emulator', 'lib', 'cli.js'), ...args], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^ready (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
      if (m) resolve({ child, url: m[1], stdout: () => out });
    });
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`emulator exited ${String(code)} before ready: ${err}`)));
  });

const exitCode = (child: ChildProcess): Promise<number | null> => new Promise((resolve) => child.on('exit', (code) => resolve(code)));

describe('emulator CLI process', function () {
  this.timeout(180_000);
  let tmp: string;

  before(() => {
    execFileSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'emulator'], { cwd: repoRoot, stdio: 'pipe' });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'emu-cli-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints exactly one ready line, serves the demo org and exits 0 on SIGTERM with --state-out', async () => {
    const stateOut = path.join(tmp, 'out.yaml');
    const { child, url, stdout } = await startCli(['--state-out', stateOut]);
    const done = exitCode(child);

    // test endpoints need no token; the state is the demo org
    const state = (await (await fetch(`${url}/__emulator/state`)).json()) as { users: Array<{ username: string }> };
    expect(state.users.map((u) => u.username)).to.include('agent@acme.example');

    // data API needs a token: without one it is 401
    const denied = await fetch(`${url}//services/data/v62.0/query?q=SELECT+Id+FROM+User`);
    expect(denied.status).to.equal(401);

    // a fault rule set through the test endpoint: the next matching request gets a reset
    const put = await fetch(`${url}/__emulator/faults`, { method: 'PUT', body: JSON.stringify([{ match: '/limits', fault: 'reset' }]) });
    expect(put.status).to.equal(200);
    let reset = false;
    try {
      await fetch(`${url}/services/data/v62.0/limits`);
    } catch {
      reset = true;
    }
    expect(reset).to.equal(true);
    const log = (await (await fetch(`${url}/__emulator/log`)).json()) as Array<{ path: string; status: number }>;
    expect(log.map((e) => e.path)).to.deep.equal(['//services/data/v62.0/query?q=SELECT+Id+FROM+User'.replace('//', '/'), '/services/data/v62.0/limits']);
    expect(log.map((e) => e.status)).to.deep.equal([401, 0]);

    // a state change through the test endpoint ends up in --state-out
    const next = { ...state, users: state.users.filter((u) => u.username !== 'former@acme.example') };
    const replaced = await fetch(`${url}/__emulator/state`, { method: 'PUT', body: JSON.stringify(next) });
    expect(replaced.status).to.equal(200);
    const refused = await fetch(`${url}/__emulator/state`, { method: 'PUT', body: 'users: [{username: x@y.z, profile: Nope}]' });
    expect(refused.status).to.equal(400);
    expect(((await refused.json()) as { violations: Array<{ place: string }> }).violations[0].place).to.equal('users[0].profile');

    child.kill('SIGTERM');
    expect(await done).to.equal(0);
    expect(stdout()).to.match(/^ready http:\/\/127\.0\.0\.1:\d+\n$/);
    const written = parseStateText(readFileSync(stateOut, 'utf8'));
    expect(written.users?.map((u) => u.username)).to.not.include('former@acme.example');
    expect(written.users?.map((u) => u.username)).to.include('agent@acme.example');
  });

  it('refuses a state file that breaks a rule, naming the place, with a non-zero exit', async () => {
    const bad = path.join(tmp, 'bad.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, 'profiles: [{name: P, userLicense: Salesforce, objectPermissions: {Contact: [edit]}}]\nusers: [{username: a@b.c, profile: P}]\n');
    const child = spawn(process.execPath, [path.join(repoRoot, 'emulator', 'lib', 'cli.js'), '--state', bad], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    expect(await exitCode(child)).to.equal(1);
    expect(out).to.equal('');
    expect(err).to.contain('profiles[0].objectPermissions.Contact');
  });

  it('routes Metadata API SOAP requests with the session id from the envelope', async () => {
    const { child, url } = await startCli([]);
    const done = exitCode(child);
    try {
      const envelope = (session: string): string =>
        `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:met="http://soap.sforce.com/2006/04/metadata"><soapenv:Header><met:SessionHeader><met:sessionId>${session}</met:sessionId></met:SessionHeader></soapenv:Header><soapenv:Body><met:readMetadata><met:type>PermissionSet</met:type><met:fullNames>Ciro_Integration</met:fullNames></met:readMetadata></soapenv:Body></soapenv:Envelope>`;
      const denied = await fetch(`${url}/services/Soap/m/62.0`, { method: 'POST', body: envelope('nope'), headers: { 'content-type': 'text/xml', SOAPAction: '""' } });
      expect(denied.status).to.equal(500);
      expect(await denied.text()).to.contain('INVALID_SESSION_ID');
    } finally {
      child.kill('SIGTERM');
      expect(await done).to.equal(0);
    }
  });
});

describe('emulator CLI: two emulators in one HOME', function () {
  this.timeout(180_000);
  const home = mkdtempSync(path.join(os.tmpdir(), 'emu-home-'));
  const env = { ...process.env, HOME: home, SF_USE_GENERIC_UNIX_KEYCHAIN: 'true', SF_DISABLE_TELEMETRY: 'true', SF_SKIP_NEW_VERSION_CHECK: 'true' };
  const run = (alias: string): Promise<{ child: ChildProcess; url?: string; code?: number | null; stderr: string }> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [path.join(repoRoot, 'emulator', 'lib', 'cli.js'), '--state', path.join(repoRoot, 'emulator', 'states', 'demo.yaml'), '--alias', alias], {
        cwd: repoRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let stderr = '';
      child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /^ready (http:\/\/127\.0\.0\.1:\d+)\n/.exec(out);
        if (m) resolve({ child, url: m[1], stderr });
      });
      child.on('exit', (code) => resolve({ child, code, stderr }));
    });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('a second emulator does not silently take over the first one\'s user and alias while it runs; once it stopped, it says it re-pointed them', async () => {
    const first = await run('first');
    expect(first.url, first.stderr).to.be.a('string');
    const second = await run('second');
    expect(second.url, 'the second emulator must not start').to.equal(undefined);
    expect(second.code).to.equal(1);
    expect(second.stderr).to.contain(`already points at a running emulator (${first.url!}`);
    first.child.kill('SIGTERM');
    await exitCode(first.child);
    const third = await run('second');
    expect(third.url, third.stderr).to.be.a('string');
    expect(third.stderr).to.contain('(no longer running); it now points here');
    third.child.kill('SIGTERM');
    await exitCode(third.child);
  });
});
