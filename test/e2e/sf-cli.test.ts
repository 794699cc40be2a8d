/*
 * The plugin inside the REAL `sf` CLI (@salesforce/cli, installed into .cache/sf-cli by
 * scripts/install-sf-cli.sh): log in to the org emulator with `sf org login access-token`, link this
 * repository with `sf plugins link`, and run check → grant → check through `sf`, the way a user does.
 * Also packs the plugin with `npm pack` and checks what the tarball ships.
 *
 * The emulator runs in this process (no alias registered by it: the real CLI does the login), so every
 * child process is spawned asynchronously, never with spawnSync, or the emulator could not answer.
 * Every `sf` child gets a temporary HOME: nothing here reads or writes the real sf auth store.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { startEmulator, type EmulatorHandle, type RequestLogEntry } from '../../emulator/src/index.js';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { GrantResult } from '../../src/commands/integration/grant.js';
import type { Finding } from '../../src/evaluation/types.js';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const sfBin = join(repoRoot, '.cache', 'sf-cli', 'node_modules', '.bin', 'sf');
const pluginName = 'sf-integration-access';
const agent = 'agent@acme.example';

type Run = { code: number; stdout: string; stderr: string };
type Envelope<T> = { status: number; result?: T; name?: string; message?: string; warnings?: unknown[] };
type PluginEntry = { name: string; type: string; root: string };
type CommandEntry = { id: string; pluginName?: string; pluginType?: string };

/** Run a program without blocking the event loop (the emulator lives in this process). */
const run = (file: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string; stdio?: 'inherit' }): Promise<Run> =>
  new Promise((resolveRun, reject) => {
    const child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', options.stdio ?? 'pipe', options.stdio ?? 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code: code ?? (signal ? 128 : -1), stdout, stderr }));
  });

const parseJson = <T>(r: Run, what: string): Envelope<T> => {
  try {
    return JSON.parse(r.stdout) as Envelope<T>;
  } catch {
    throw new Error(`${what}: stdout is not JSON (exit ${r.code})\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`);
  }
};

const findingsOf = (result: CheckResult | undefined, username: string): Finding[] => {
  const user = result?.users.find((u) => u.username === username);
  expect(user, `user ${username} in ${JSON.stringify(result?.users.map((u) => u.username))}`).to.be.an('object');
  return user!.findings;
};
const describeFindings = (findings: Finding[]): string => findings.map((f) => `${f.status} ${f.requirement}`).join(' | ');

describe('e2e: the plugin linked into the real sf CLI', function () {
  this.timeout(180_000);

  let home: string;
  let work: string;
  let emulator: EmulatorHandle | undefined;
  let token: string;
  let env: NodeJS.ProcessEnv;
  let linked = false;

  /** The token and its secret half must never appear in anything sf prints (the message never quotes them). */
  const expectNoSecret = (r: Run, what: string): void => {
    const secrets = [token, ...(token.includes('!') ? [token.slice(token.indexOf('!') + 1)] : [])];
    const leaked = secrets.some((s) => r.stdout.includes(s) || r.stderr.includes(s));
    expect(leaked, `the output of \`${what}\` contains the access token`).to.equal(false);
  };
  /** Run the real sf with the test environment, in a scratch working directory; checks for the token. */
  const sf = async (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> => {
    const r = await run(sfBin, args, { env: { ...env, ...extraEnv }, cwd: work });
    expectNoSecret(r, `sf ${args.join(' ')}`);
    return r;
  };
  const requests = (): RequestLogEntry[] => emulator!.requestLog();

  before(async function () {
    this.timeout(600_000);
    if (!existsSync(sfBin)) {
      const install = await run('bash', [join(repoRoot, 'scripts', 'install-sf-cli.sh')], { env: process.env, cwd: repoRoot, stdio: 'inherit' });
      expect(install.code, 'bash scripts/install-sf-cli.sh').to.equal(0);
    }
    expect(existsSync(join(repoRoot, 'lib', 'commands', 'integration', 'check.js')), 'lib/ is built (npm run build)').to.equal(true);

    home = mkdtempSync(join(tmpdir(), 'sfia-sf-cli-'));
    work = join(home, 'work');
    mkdirSync(work);
    env = {
      ...process.env,
      HOME: home,
      USERPROFILE: home,
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      OCLIF_DISABLE_LINKED_ESM_WARNING: 'true',
      SF_INTEGRATION_ACCESS_POLL_MS: '100',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    };
    // whatever the caller's shell has must not reach the CLI: no stray org, token or config
    for (const key of ['SF_ACCESS_TOKEN', 'SFDX_ACCESS_TOKEN', 'SF_TARGET_ORG', 'SFDX_DEFAULTUSERNAME', 'SF_CONFIG_DIR']) delete env[key];

    emulator = await startEmulator({ state: join(repoRoot, 'emulator', 'states', 'demo.yaml'), register: false });
    token = emulator.accessToken;
  });

  after(async function () {
    this.timeout(60_000);
    try {
      if (linked) {
        const r = await run(sfBin, ['plugins', 'unlink', pluginName], { env, cwd: work });
        if (r.code !== 0) process.stderr.write(`sf plugins unlink exited ${r.code}: ${r.stderr}\n`);
      }
    } finally {
      await emulator?.stop();
      if (home) rmSync(home, { recursive: true, force: true });
    }
  });

  it('logs in to the emulator with sf org login access-token', async () => {
    emulator!.clearLog();
    const r = await sf(['org', 'login', 'access-token', '--instance-url', emulator!.instanceUrl, '--no-prompt', '--alias', 'demo', '--json'], {
      SF_ACCESS_TOKEN: token,
    });
    expect(r.code, r.stderr).to.equal(0);
    const json = parseJson<{ username: string; instanceUrl: string; orgId: string; isDevHub: boolean }>(r, 'sf org login access-token');
    expect(json.status).to.equal(0);
    expect(json.result?.username).to.equal(emulator!.username);
    expect(json.result?.instanceUrl?.replace(/\/$/, '')).to.equal(emulator!.instanceUrl.replace(/\/$/, ''));
    expect(json.result?.isDevHub).to.equal(false);
    // the CLI really asked the emulator who the token belongs to
    const paths = requests().map((q) => `${q.method} ${decodeURIComponent(q.path)}`);
    expect(paths.some((p) => p.startsWith('GET ') && p.includes('/services/oauth2/userinfo')), paths.join('\n')).to.equal(true);
    expect(paths.some((p) => p.includes('FROM Organization')), paths.join('\n')).to.equal(true);
  });

  it('links this repository with sf plugins link --no-install', async () => {
    const r = await sf(['plugins', 'link', repoRoot, '--no-install']);
    expect(r.code, r.stderr).to.equal(0);
    linked = true;
    const list = await sf(['plugins', '--json']);
    expect(list.code, list.stderr).to.equal(0);
    const plugins = JSON.parse(list.stdout) as PluginEntry[];
    const ours = plugins.find((p) => p.name === pluginName);
    expect(ours, `sf plugins: ${plugins.map((p) => p.name).join(', ')}`).to.be.an('object');
    expect(ours!.type).to.equal('link');
    expect(resolve(ours!.root)).to.equal(repoRoot);
  });

  it('sf integration check --help shows the usage and the examples', async () => {
    const r = await sf(['integration', 'check', '--help']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('USAGE');
    expect(r.stdout).to.include('$ sf integration check -o <value>');
    expect(r.stdout).to.include('EXAMPLES');
    // examples rendered by the real CLI: <%= config.bin %> <%= command.id %> became "sf integration check"
    expect(r.stdout.slice(r.stdout.indexOf('EXAMPLES'))).to.match(/^\s+\$ sf integration check .*--preset crankwheel/m);
    expect(r.stdout).not.to.include('<%=');
    expect(r.stdout).to.include('--result-format');
  });

  it('sf commands --json lists check, grant and preset list|show, from the linked plugin', async () => {
    const r = await sf(['commands', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const commands = JSON.parse(r.stdout) as CommandEntry[];
    const ours = commands.filter((c) => c.pluginName === pluginName);
    // (the plugin may grow more commands; these four are the ones a user of the README runs)
    expect(ours.map((c) => c.id.replace(/:/g, ' '))).to.include.members([
      'integration check',
      'integration grant',
      'integration preset list',
      'integration preset show',
    ]);
    expect(ours.every((c) => c.pluginType === 'link'), JSON.stringify(ours.map((c) => c.pluginType))).to.equal(true);
  });

  it('sf integration check: the CrankWheel agent lacks Edit Events (exit 3)', async () => {
    emulator!.clearLog();
    const r = await sf(['integration', 'check', '--preset', 'crankwheel', '-o', 'demo', '--user', agent, '--json']);
    expect(r.code, r.stderr).to.equal(3);
    const json = parseJson<CheckResult>(r, 'sf integration check');
    expect(json.status).to.equal(3);
    expect(json.result?.users[0].username).to.equal(agent);
    const findings = findingsOf(json.result, agent);
    expect(findings).to.be.an('array');
    expect(findings.length).to.be.greaterThan(0);
    const editEvent = findings.find((f) => f.requirement.startsWith('EditEvent'));
    expect(editEvent, describeFindings(findings)).to.be.an('object');
    expect(editEvent!.status).to.equal('fail');
    expect(json.result?.users[0].passed).to.equal(false);
    expect(json.result?.summary.failed).to.be.greaterThan(0);
    // it read the org through the emulator, and changed nothing there
    const log = requests();
    expect(log.length).to.be.greaterThan(0);
    expect(log.every((q) => q.status < 500), JSON.stringify(log.filter((q) => q.status >= 500))).to.equal(true);
  });

  it('sf integration grant --deploy: deploys and assigns the permission set (exit 0)', async () => {
    const outDir = join(home, 'out');
    const r = await sf(['integration', 'grant', '--preset', 'crankwheel', '-o', 'demo', '--user', agent, '--deploy', '--no-prompt', '--output-dir', outDir, '--json']);
    const json = parseJson<GrantResult>(r, 'sf integration grant');
    expect(r.code, `${json.name ?? ''}: ${json.message ?? ''}\n${r.stderr}`).to.equal(0);
    expect(json.status).to.equal(0);
    const result = json.result!;
    expect(result.deployStatus).to.equal('deployed');
    expect(result.changedOrg).to.equal(true);
    const name = result.permissionSet.name;
    const assigned = result.assignments.filter((a) => a.username === agent && a.status === 'assigned').map((a) => a.item);
    expect(assigned, JSON.stringify(result.assignments)).to.include(`permission set ${name}`);
    expect(result.check.users.find((u) => u.username === agent)?.passed).to.equal(true);

    // the source file it wrote, under --output-dir
    const file = join(outDir, 'permissionsets', `${name}.permissionset-meta.xml`);
    expect(result.permissionSet.file).to.equal(file);
    const xml = readFileSync(file, 'utf8');
    expect(xml).to.include('<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">');
    expect(xml).to.match(/<name>EditEvent<\/name>\s*<\/userPermissions>|<userPermissions>\s*<enabled>true<\/enabled>\s*<name>EditEvent<\/name>/);

    // and the org (the emulator's state) now has the set, with Edit Events, assigned to the agent
    const state = emulator!.getState();
    const set = state.permissionSets?.find((p) => p.name === name);
    expect(set, `permission set ${name} in ${JSON.stringify(state.permissionSets?.map((p) => p.name))}`).to.be.an('object');
    expect(set!.systemPermissions).to.include('EditEvent');
    expect(state.users?.find((u) => u.username === agent)?.permissionSets).to.include(name);
  });

  it('sf integration check again: everything is met (exit 0)', async () => {
    const r = await sf(['integration', 'check', '--preset', 'crankwheel', '-o', 'demo', '--user', agent, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const json = parseJson<CheckResult>(r, 'sf integration check');
    expect(json.status).to.equal(0);
    const findings = findingsOf(json.result, agent);
    expect(findings.filter((f) => f.status === 'fail'), describeFindings(findings)).to.deep.equal([]);
    const editEvent = findings.find((f) => f.requirement.startsWith('EditEvent'));
    expect(editEvent?.status).to.equal('pass');
    expect(json.result?.users[0].passed).to.equal(true);
  });

  it('npm pack ships lib, messages, presets, schemas and data, and not the emulator or the tests', async () => {
    const dest = join(home, 'pack');
    mkdirSync(dest);
    const pack = await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dest, '--json'], {
      env: { ...process.env, 'npm_config_update_notifier': 'false' },
      cwd: repoRoot,
    });
    expect(pack.code, pack.stderr).to.equal(0);
    const [info] = JSON.parse(pack.stdout) as Array<{ filename: string; name: string; version: string }>;
    expect(info.name).to.equal(pluginName);
    const tgz = join(dest, info.filename);
    expect(existsSync(tgz), tgz).to.equal(true);

    const tar = await run('tar', ['tzf', tgz], { env: process.env, cwd: dest });
    expect(tar.code, tar.stderr).to.equal(0);
    const entries = tar.stdout.split('\n').filter(Boolean);
    const topLevel = new Set(entries.map((e) => e.split('/')[1]));
    for (const dir of ['lib', 'messages', 'presets', 'schemas', 'data']) {
      expect(entries.some((e) => e.startsWith(`package/${dir}/`)), `package/${dir}/ in the tarball`).to.equal(true);
    }
    expect(entries).to.include('package/package.json');
    expect(entries).to.include('package/lib/commands/integration/check.js');
    expect(entries.some((e) => e.startsWith('package/presets/') && e.endsWith('crankwheel.yaml')), 'the crankwheel preset').to.equal(true);
    for (const dir of ['emulator', 'test', 'src', 'node_modules', '.cache', 'scripts']) {
      expect(topLevel.has(dir), `package/${dir}/ must not be in the tarball`).to.equal(false);
    }
    expect(entries.filter((e) => e.endsWith('.test.js') || (e.endsWith('.ts') && !e.endsWith('.d.ts')))).to.deep.equal([]);
  });
});
