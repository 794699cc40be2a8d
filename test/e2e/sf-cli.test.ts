/*
 * The plugin inside the REAL `sf` CLI (@salesforce/cli, installed into .cache/sf-cli by
 * scripts/install-sf-cli.sh): log in to the org emulator with `sf org login access-token`, link this
 * repository with `sf plugins link`, and run check → grant → check through `sf`, the way a user does.
 * Also packs the plugin with `npm pack`, checks what the tarball ships, and installs that tarball with
 * `sf plugins install file:…` with npm offline (package.json "bundleDependencies": the tarball carries its
 * production node_modules, incl. the @jsforce/jsforce-node 3.10.16 pin that keeps undici 8 off Node 20),
 * then runs check through the installed plugin.
 *
 * The emulator runs in this process (no alias registered by it: the real CLI does the login), so every
 * child process is spawned asynchronously, never with spawnSync, or the emulator could not answer.
 * Every `sf` child gets a temporary HOME: nothing here reads or writes the real sf auth store.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { expect } from 'chai';
import { startEmulator, type EmulatorHandle, type RequestLogEntry } from '../../emulator/src/index.js';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { GrantResult } from '../../src/commands/integration/grant.js';
import type { Finding } from '../../src/evaluation/types.js';
import { cliEnv, repoRoot, runCli } from './harness.js';
import { HELP_ERROR_CODES, exitCodeCases } from './exitCodeCases.js';

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

/** The directory of package `name` as Node resolves it from `from` (walks up the node_modules folders). */
const packageDir = (name: string, from: string): string | undefined => {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
};
const versionOf = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;

describe('e2e: the plugin linked into the real sf CLI', function () {
  this.timeout(180_000);

  let home: string;
  let work: string;
  let emulator: EmulatorHandle | undefined;
  let token: string;
  let env: NodeJS.ProcessEnv;
  let linked = false;
  let packing: Promise<{ tgz: string; entries: string[] }> | undefined;

  /** `npm pack` this repository once (lib/ as built; no prepack, so no oclif.manifest.json) into the test HOME. */
  const packed = (): Promise<{ tgz: string; entries: string[] }> =>
    (packing ??= (async (): Promise<{ tgz: string; entries: string[] }> => {
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
      return { tgz, entries: tar.stdout.split('\n').filter(Boolean) };
    })());

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
    env = { ...cliEnv(home), OCLIF_DISABLE_LINKED_ESM_WARNING: 'true' };
    // whatever the caller's shell has must not reach the CLI: no stray org, token or config
    for (const key of ['SF_ACCESS_TOKEN', 'SFDX_ACCESS_TOKEN', 'SF_TARGET_ORG', 'SFDX_DEFAULTUSERNAME', 'SF_CONFIG_DIR']) delete env[key];
    // nor anything that would move sf's config/data dirs (where `sf plugins install` writes) out of this HOME
    for (const key of ['SF_DATA_DIR', 'SF_CACHE_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME']) delete env[key];

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

  it('exit codes: the same failure exits the same under sf and bin/run.js, and --help lists them under ERROR CODES', async () => {
    const help = await sf(['integration', 'check', '--help']);
    expect(help.code, help.stderr).to.equal(0);
    expect(help.stdout).to.include('ERROR CODES');
    const section = help.stdout.slice(help.stdout.indexOf('ERROR CODES'));
    for (const code of HELP_ERROR_CODES) expect(section).to.include(code);
    for (const c of exitCodeCases('demo')) {
      // eslint-disable-next-line no-await-in-loop
      const [viaSf, viaRun] = [await sf(c.args), await runCli(home, c.args)];
      expect(viaSf.code, `sf: ${c.what}\n${viaSf.stdout}${viaSf.stderr}`).to.equal(c.code);
      expect(viaRun.code, `bin/run.js: ${c.what}\n${viaRun.stdout}${viaRun.stderr}`).to.equal(c.code);
      if (c.name) {
        expect((JSON.parse(viaSf.stdout) as { name: string }).name, `sf: ${c.what}`).to.equal(c.name);
        expect(viaRun.json?.name, `bin/run.js: ${c.what}`).to.equal(c.name);
      }
    }
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

  it('sf search finds integration check: typing part of the name and Enter shows its help', async () => {
    // sf search is interactive (raw-mode keypresses): drive it through a pseudo-terminal with util-linux `script`,
    // typing only once the prompt is on screen and pressing Enter once the one match is highlighted (its summary shows;
    // the pseudo-terminal has no size, so the list itself is zero rows high)
    expect(existsSync('/usr/bin/script'), 'util-linux script (a pseudo-terminal for sf search)').to.equal(true);
    const driver = [
      'import { spawn } from "node:child_process";',
      `const child = spawn("/usr/bin/script", ["-qfec", ${JSON.stringify(`${sfBin} search`)}, "/dev/null"], { stdio: ["pipe", "pipe", "inherit"] });`,
      'let screen = ""; let typed = false; let entered = false;',
      'child.stdout.on("data", (c) => {',
      '  process.stdout.write(c);',
      '  screen += c.toString().replace(/\\u001b\\[[0-9;?]*[A-Za-z]/g, "");',
      '  if (!typed && screen.includes("Search for a command")) { typed = true; setTimeout(() => child.stdin.write("integration chec"), 500); }',
      '  const at = screen.lastIndexOf("Search for a command integration chec");',
      '  if (typed && !entered && at >= 0 && screen.slice(at + 36).includes("Check that a user has everything an integration needs")) { entered = true; setTimeout(() => child.stdin.write("\\r"), 1000); }',
      '  if (entered && screen.includes("FLAG DESCRIPTIONS")) child.stdin.end();',
      '});',
      'setTimeout(() => { child.stdin.end(); child.kill(); }, 90000);',
      'child.on("exit", (code) => process.exit(code ?? 1));',
    ].join('\n');
    const r = await run(process.execPath, ['--input-type=module', '-e', driver], { env, cwd: work });
    expectNoSecret(r, 'sf search');
    // eslint-disable-next-line no-control-regex
    const screen = r.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
    expect(screen, `exit ${r.code}: ${screen.slice(-2000)} ${r.stderr.slice(-2000)}`).to.include('Search for a command');
    expect(screen, screen.slice(-2000)).to.match(/\$ sf integration check .*--preset crankwheel/);
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
    const { entries } = await packed();
    const topLevel = new Set(entries.map((e) => e.split('/')[1]));
    for (const dir of ['lib', 'messages', 'presets', 'schemas', 'data']) {
      expect(entries.some((e) => e.startsWith(`package/${dir}/`)), `package/${dir}/ in the tarball`).to.equal(true);
    }
    expect(entries).to.include('package/package.json');
    expect(entries).to.include('package/lib/commands/integration/check.js');
    expect(entries.some((e) => e.startsWith('package/presets/') && e.endsWith('crankwheel.yaml')), 'the crankwheel preset').to.equal(true);
    for (const dir of ['emulator', 'test', 'src', '.cache', 'scripts']) {
      expect(topLevel.has(dir), `package/${dir}/ must not be in the tarball`).to.equal(false);
    }
    // (a shrinkwrap is never applied to a tarball install; the bundled node_modules is what pins versions)
    expect(entries).not.to.include('package/npm-shrinkwrap.json');
    const own = entries.filter((e) => !e.startsWith('package/node_modules/'));
    expect(own.filter((e) => e.endsWith('.test.js') || (e.endsWith('.ts') && !e.endsWith('.d.ts')))).to.deep.equal([]);
  });

  it("npm pack bundles the production dependencies (with the jsforce-node 3.10.16 pin), not the dev ones nor the emulator's", async () => {
    const { tgz, entries } = await packed();
    /** bundled package name → the package.json entries for it (a package may sit at several depths) */
    const bundled = (name: string): string[] => entries.filter((e) => e.endsWith(`node_modules/${name}/package.json`));
    for (const dep of ['@oclif/core', '@salesforce/core', '@salesforce/sf-plugins-core', '@salesforce/source-deploy-retrieve', 'yaml']) {
      expect(bundled(dep), `${dep} bundled`).to.have.length.greaterThan(0);
    }
    for (const dev of ['mocha', 'chai', 'typescript', 'ts-node', 'sinon', 'eslint', 'oclif', 'c8']) {
      expect(bundled(dev), `${dev} (a devDependency) must not be bundled`).to.deep.equal([]);
    }
    // the emulator is a workspace of its own (emulator/package.json): neither it nor what only it depends on ships
    for (const emulatorOnly of ['@sf-integration-access/emulator', '@jetstreamapp/soql-parser-js', 'chevrotain']) {
      expect(bundled(emulatorOnly), `${emulatorOnly} (the emulator's) must not be bundled`).to.deep.equal([]);
    }
    // jsforce-node (what @salesforce/core talks to the org with) is the 3.10.16 our lockfile pins, and no
    // undici 8 (which throws on load on Node 20) is in the bundle
    const versions = async (name: string): Promise<string[]> =>
      Promise.all(
        bundled(name).map(async (entry) => {
          const r = await run('tar', ['xzf', tgz, '-O', entry], { env: process.env, cwd: dirname(tgz) });
          expect(r.code, r.stderr).to.equal(0);
          return (JSON.parse(r.stdout) as { version: string }).version;
        })
      );
    expect(await versions('@jsforce/jsforce-node')).to.deep.equal(['3.10.16']);
    expect((await versions('undici')).filter((v) => Number(v.split('.')[0]) >= 8)).to.deep.equal([]);
  });

  it('sf plugins install file:<tarball> works with npm offline, and sf integration check runs through the installed plugin', async function () {
    this.timeout(300_000);
    const { tgz } = await packed();
    // the linked checkout would shadow the installed plugin (same name): unlink it first
    if (linked) {
      const unlink = await sf(['plugins', 'unlink', pluginName]);
      expect(unlink.code, unlink.stderr).to.equal(0);
      linked = false;
    }
    // an unsigned plugin needs a yes: the allow-list answers it (the same file a user would write)
    const url = `file:${tgz}`;
    mkdirSync(join(home, '.config', 'sf'), { recursive: true });
    writeFileSync(join(home, '.config', 'sf', 'unsignedPluginAllowList.json'), JSON.stringify([url]));

    // npm offline with an empty cache: every dependency must come out of the tarball itself. None of the
    // caller's npm settings (npm test exports npm_config_*, e.g. its warm cache) may reach sf's npm.
    const npmEnv: NodeJS.ProcessEnv = {};
    for (const key of Object.keys(env)) if (key.toLowerCase().startsWith('npm_')) npmEnv[key] = undefined;
    Object.assign(npmEnv, {
      'npm_config_offline': 'true',
      'npm_config_cache': join(home, 'npm-cache'),
      'npm_config_update_notifier': 'false',
    });
    const started = Date.now();
    const install = await sf(['plugins', 'install', url], npmEnv);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    expect(install.code, `sf plugins install ${url} (${seconds}s)\n${install.stdout}\n${install.stderr}`).to.equal(0);

    const list = await sf(['plugins', '--json']);
    expect(list.code, list.stderr).to.equal(0);
    const ours = (JSON.parse(list.stdout) as PluginEntry[]).filter((p) => p.name === pluginName);
    expect(ours.map((p) => p.type)).to.deep.equal(['user']);
    const root = resolve(ours[0].root);
    expect(root).to.equal(join(home, '.local', 'share', 'sf', 'node_modules', pluginName));
    // nothing was fetched next to it: its whole dependency tree is its own bundle
    expect(readdirSync(dirname(root)).filter((n) => !n.startsWith('.'))).to.deep.equal([pluginName]);
    // and the chain that broke on Node 20 is the pinned one: core → jsforce-node 3.10.16, no undici 8
    const core = packageDir('@salesforce/core', root);
    expect(core, '@salesforce/core from the installed plugin').to.be.a('string');
    expect(core!.startsWith(root), `${core!} is inside the plugin`).to.equal(true);
    const jsforce = packageDir('@jsforce/jsforce-node', core!);
    expect(jsforce && versionOf(jsforce)).to.equal('3.10.16');
    const undici = packageDir('undici', jsforce!);
    if (undici) expect(Number(versionOf(undici).split('.')[0]), `undici ${versionOf(undici)}`).to.be.lessThan(8);

    // the installed plugin reads the org (the grant above made the agent pass)
    emulator!.clearLog();
    const r = await sf(['integration', 'check', '--preset', 'crankwheel', '-o', 'demo', '--user', agent, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const json = parseJson<CheckResult>(r, 'sf integration check (installed plugin)');
    expect(json.status).to.equal(0);
    const findings = findingsOf(json.result, agent);
    expect(findings.find((f) => f.requirement.startsWith('EditEvent'))?.status, describeFindings(findings)).to.equal('pass');
    expect(requests().length).to.be.greaterThan(0);
  });
});
