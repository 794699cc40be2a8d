#!/usr/bin/env node
/*
 * npm run bench: requests, bytes and wall time of `sf integration check` and `grant` against the org
 * emulator, beside a baseline measured in the same run (the `org display`-equivalent request pattern
 * through @salesforce/core: auth check + one query), plus the plugin's start cost and the large-org
 * figures (one-user check, 1,000-user check peak RSS, CPU time of evaluate()). Not a test: it prints a
 * table and writes bench-results/latest.json (fields described in bench-results/README.md).
 *
 *   node scripts/bench.js [--quick] [--latencies 0,100] [--users N --permission-sets N --field-permission-rows N --groups N]
 *
 * --quick: one latency (0 ms), two presets, a smaller large org — for trying the script itself (writes
 * bench-results/quick.json, not latest.json).
 * Every `sf` command runs as a child process (bin/run.js) in a temporary HOME; the emulator runs in a
 * child process of this script (emulator/lib/index.js, state generated in memory: no YAML parsing).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir, totalmem, release } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { cliEnv } from './cliEnv.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DEMO_STATE = join(root, 'emulator', 'states', 'demo.yaml');
const SEED_PRESETS = ['accord', 'ticketing-api', 'crankwheel', 'ciro', 'ciro-quick', 'ampersand-connected-app', 'ampersand-external-client-app'];
const DEMO_USER = 'agent@acme.example';

const baseEnv = (home) => cliEnv(home, { NODE_NO_WARNINGS: '1', NO_COLOR: '1', FORCE_COLOR: '0' });

// ------------------------------------------------------------------------------------------------ child modes

/** `--serve CONFIG_JSON`: run the emulator in this (child) process; prints `ready URL` and a load report. */
const serve = async (config) => {
  const t0 = performance.now();
  const emulator = await import(pathToFileURL(join(root, 'emulator', 'lib', 'index.js')).href);
  let state = config.stateFile;
  let generateMs = 0;
  if (config.generate) {
    const { generateLargeOrg } = await import(pathToFileURL(join(root, 'emulator', 'lib', 'generate.js')).href);
    state = generateLargeOrg(config.generate);
    generateMs = performance.now() - t0;
  }
  const t1 = performance.now();
  const handle = await emulator.startEmulator({ state, alias: config.alias, register: true, latencyMs: 0, username: config.username });
  const loadMs = performance.now() - t1;
  const stop = () => {
    void handle.stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ generateMs, loadMs, rssMB: process.memoryUsage().rss / 2 ** 20 })}\nready ${handle.instanceUrl}\n`);
};

/** `--baseline ALIAS`: the `org display`-equivalent pattern through @salesforce/core: auth (token check) + one query. */
const baseline = async (alias) => {
  const { Org } = await import('@salesforce/core');
  const org = await Org.create({ aliasOrUsername: alias });
  await org.refreshAuth();
  const conn = org.getConnection();
  const result = await conn.query('SELECT Id, Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization');
  process.stdout.write(`${JSON.stringify({ records: result.totalSize })}\n`);
};

/** `--eval-cpu ALIAS USER PRESET`: read the snapshot once, then time evaluate() (CPU) on it. */
const evalCpu = async (alias, user, preset) => {
  const { Org } = await import('@salesforce/core');
  const lib = (p) => import(pathToFileURL(join(root, 'lib', p)).href);
  const { loadRequirements } = await lib('shared/requirementsInput.js');
  const { readSnapshot } = await lib('snapshot/read.js');
  const { evaluate } = await lib('evaluation/index.js');
  const requirements = await loadRequirements({ preset });
  const org = await Org.create({ aliasOrUsername: alias });
  const conn = org.getConnection();
  const snapshot = await readSnapshot(conn, requirements, { users: [user], app: requirements.oauth?.app });
  const runs = [];
  let findings = 0;
  for (let i = 0; i < 7; i++) {
    const before = process.cpuUsage();
    const result = evaluate(requirements, snapshot);
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / 1000);
    findings = JSON.stringify(result).length;
  }
  runs.sort((a, b) => a - b);
  process.stdout.write(
    `${JSON.stringify({
      cpuMsMedian: runs[Math.floor(runs.length / 2)],
      cpuMsMax: runs[runs.length - 1],
      cpuMsFirst: runs[0],
      permissionSetsInSnapshot: Object.keys(snapshot.permissionSets).length,
      resultBytes: findings,
    })}\n`
  );
};

// ------------------------------------------------------------------------------------------------ helpers

const run = (args, { env, cwd, rusageFile } = {}) =>
  new Promise((resolveRun) => {
    const nodeArgs = rusageFile ? ['--import', pathToFileURL(rusageFile.preload).href] : [];
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, ...args], {
      env: rusageFile ? { ...env, BENCH_RUSAGE_OUT: rusageFile.out } : env,
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c.toString()));
    child.stderr.on('data', (c) => (stderr += c.toString()));
    child.on('close', (code) => resolveRun({ code, stdout, stderr, wallMs: performance.now() - started }));
  });

const startServe = (config, home) =>
  new Promise((resolveStart, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=4096', fileURLToPath(import.meta.url), '--serve', JSON.stringify(config)], {
      env: baseEnv(home),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start in 120 s: ${err}`)), 120_000);
    child.stderr.on('data', (c) => (err += c.toString()));
    child.stdout.on('data', (c) => {
      out += c.toString();
      const m = /^(\{.*\})\nready (\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        const url = m[2];
        const api = async (method, path, body) => {
          const r = await fetch(`${url}${path}`, {
            method,
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await r.text();
          return text ? JSON.parse(text) : undefined;
        };
        resolveStart({
          url,
          load: JSON.parse(m[1]),
          log: () => api('GET', '/__emulator/log'),
          clearLog: () => api('DELETE', '/__emulator/log'),
          setLatency: (ms) => api('PUT', '/__emulator/latency', { ms }),
          getState: () => api('GET', '/__emulator/state'),
          setState: (s) => api('PUT', '/__emulator/state', s),
          stop: () =>
            new Promise((r) => {
              if (child.exitCode !== null) return r();
              child.once('exit', r);
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${err}`)));
  });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s[Math.floor(s.length / 2)];
};
const round = (x, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

/** Request log → counts: all requests, Metadata API (SOAP) ones, bytes each way. */
const summariseLog = (log) => ({
  requests: log.length,
  metadataRequests: log.filter((l) => l.path.includes('/Soap/m/')).length,
  bytesOut: log.reduce((n, l) => n + (l.bytesOut ?? 0), 0),
  bytesIn: log.reduce((n, l) => n + (l.bytesIn ?? 0), 0),
});

const parseArgs = (argv) => {
  const opts = { quick: false, latencies: [0, 100], large: { users: 10_000, permissionSets: 5000, fieldPermissionRows: 200_000, groups: 50, seed: 1 } };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const num = () => Number(argv[++i]);
    if (a === '--quick') opts.quick = true;
    else if (a === '--latencies') opts.latencies = argv[++i].split(',').map(Number);
    else if (a === '--users') opts.large.users = num();
    else if (a === '--permission-sets') opts.large.permissionSets = num();
    else if (a === '--field-permission-rows') opts.large.fieldPermissionRows = num();
    else if (a === '--groups') opts.large.groups = num();
    else throw new Error(`unknown argument ${a}`);
  }
  if (opts.quick) {
    opts.latencies = [0];
    opts.large = { users: 2000, permissionSets: 1000, fieldPermissionRows: 50_000, groups: 20, seed: 1 };
  }
  return opts;
};

// ------------------------------------------------------------------------------------------------ the benchmark

const bench = async (opts) => {
  const home = mkdtempSync(join(tmpdir(), 'sfia-bench-'));
  const env = baseEnv(home);
  const cli = (args, extra = {}) => run([join(root, 'bin', 'run.js'), ...args], { env, cwd: home, ...extra });
  const presets = opts.quick ? ['crankwheel', 'ciro'] : SEED_PRESETS;
  const preload = join(home, 'rusage-preload.mjs');
  writeFileSync(
    preload,
    "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const r = process.resourceUsage(); " +
      'writeFileSync(process.env.BENCH_RUSAGE_OUT, JSON.stringify({ maxRssKB: r.maxRSS, userCpuMs: r.userCPUTime / 1000, systemCpuMs: r.systemCPUTime / 1000 })); });\n'
  );
  const rusage = (name) => ({ preload, out: join(home, `${name}.rusage.json`) });
  const readRusage = (r) => (existsSync(r.out) ? JSON.parse(readFileSync(r.out, 'utf8')) : undefined);
  const results = {
    schema: 1,
    when: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGB: round(totalmem() / 2 ** 30, 1), node: process.version, os: release(), note: 'shared with other jobs: compare runs of one machine only' },
    startup: {},
    demo: { state: 'emulator/states/demo.yaml', user: DEMO_USER, runs: [] },
    large: {},
  };
  const progress = (s) => process.stderr.write(`bench: ${s}\n`);
  const emulators = [];
  try {
    // ---- start cost --------------------------------------------------------------------------------
    progress('start cost');
    const times = { version: [], help: [] };
    for (let i = 0; i < 3; i++) {
      times.version.push((await cli(['--version'])).wallMs);
      times.help.push((await cli(['integration', 'check', '--help'])).wallMs);
    }
    results.startup = { versionMs: round(median(times.version)), checkHelpMs: round(median(times.help)), runs: 3 };

    // ---- demo org: baseline, check and grant per preset and latency ---------------------------------
    progress('demo org');
    const demo = await startServe({ stateFile: DEMO_STATE, alias: 'demo' }, home);
    emulators.push(demo);
    const pristine = await demo.getState();
    for (const latency of opts.latencies) {
      await demo.setLatency(latency);
      await demo.clearLog();
      const b = await run([fileURLToPath(import.meta.url), '--baseline', 'demo'], { env, cwd: home });
      if (b.code !== 0) throw new Error(`baseline failed: ${b.stderr}`);
      const baseLog = summariseLog(await demo.log());
      const base = { command: 'baseline (org display pattern)', preset: '-', latencyMs: latency, exitCode: b.code, ...baseLog, wallMs: round(b.wallMs) };
      results.demo.runs.push(base);
      for (const preset of presets) {
        for (const command of ['check', 'grant']) {
          await demo.setState(pristine);
          await demo.clearLog();
          const args =
            command === 'check'
              ? ['integration', 'check', '--preset', preset, '-o', 'demo', '--user', DEMO_USER, '--json']
              : ['integration', 'grant', '--preset', preset, '-o', 'demo', '--user', DEMO_USER, '--deploy', '--no-prompt', '--output-dir', join(home, `out-${preset}-${latency}`), '--json'];
          progress(`${command} ${preset} @${latency} ms`);
          const r = await cli(args);
          const s = summariseLog(await demo.log());
          results.demo.runs.push({
            command,
            preset,
            latencyMs: latency,
            exitCode: r.code,
            ...s,
            wallMs: round(r.wallMs),
            vsBaseline: { requests: round(s.requests / base.requests, 2), bytesOut: round(s.bytesOut / base.bytesOut, 2), wall: round(r.wallMs / base.wallMs, 2) },
          });
        }
      }
    }
    await demo.stop();
    emulators.pop();

    // ---- large org ------------------------------------------------------------------------------------
    progress(`large org: ${opts.large.users} users, ${opts.large.permissionSets} permission sets, ${opts.large.fieldPermissionRows} FieldPermissions rows, ${opts.large.groups} groups`);
    const { LARGE_ORG_ADMIN, LARGE_ORG_PROBE_USER, largeOrgUsername } = await import(pathToFileURL(join(root, 'emulator', 'lib', 'generate.js')).href);
    const large = await startServe({ generate: opts.large, alias: 'large', username: LARGE_ORG_ADMIN }, home);
    emulators.push(large);
    results.large = {
      options: opts.large,
      generateMs: round(large.load.generateMs),
      emulatorLoadMs: round(large.load.loadMs),
      emulatorRssMB: round(large.load.rssMB),
      runs: [],
    };
    const usersFile = (n) => {
      const file = join(home, `users-${n}.txt`);
      const lines = [];
      for (let i = 1; i <= n; i++) lines.push(largeOrgUsername(i));
      writeFileSync(file, `${lines.join('\n')}\n`);
      return file;
    };
    const largeRuns = [
      { name: 'check 1 user', args: ['--user', LARGE_ORG_PROBE_USER], latencies: opts.latencies },
      { name: 'check 100 users', args: ['--users-file', usersFile(100)], latencies: [0] },
      { name: 'check 1,000 users', args: ['--users-file', usersFile(1000)], latencies: [0], human: true },
      { name: 'check 1,000 users --json', args: ['--users-file', usersFile(1000)], latencies: [0] },
    ];
    for (const spec of largeRuns) {
      for (const latency of spec.latencies) {
        await large.setLatency(latency);
        await large.clearLog();
        progress(`large: ${spec.name} @${latency} ms`);
        const ru = rusage(`large-${spec.name.replace(/\W+/g, '-')}-${latency}`);
        const r = await cli(['integration', 'check', '--preset', 'crankwheel', '-o', 'large', ...spec.args, ...(spec.human ? [] : ['--json'])], { rusageFile: ru });
        const s = summariseLog(await large.log());
        const usage = readRusage(ru);
        results.large.runs.push({
          command: spec.name,
          preset: 'crankwheel',
          latencyMs: latency,
          exitCode: r.code,
          ...s,
          wallMs: round(r.wallMs),
          stdoutKB: round(r.stdout.length / 1024),
          peakRssMB: usage ? round(usage.maxRssKB / 1024) : undefined,
          cpuMs: usage ? round(usage.userCpuMs + usage.systemCpuMs) : undefined,
        });
      }
    }
    await large.setLatency(0);
    progress('large: evaluate() CPU time');
    const e = await run([fileURLToPath(import.meta.url), '--eval-cpu', 'large', LARGE_ORG_PROBE_USER, 'crankwheel'], { env, cwd: home });
    if (e.code !== 0) throw new Error(`eval-cpu failed: ${e.stderr}`);
    results.large.evaluateOneUser = JSON.parse(e.stdout.trim().split('\n').pop());
    await large.stop();
    emulators.pop();
  } finally {
    for (const emu of emulators) await emu.stop();
    rmSync(home, { recursive: true, force: true });
  }
  return results;
};

// ------------------------------------------------------------------------------------------------ output

const table = (rows, columns) => {
  const widths = columns.map(([title, get]) => Math.max(title.length, ...rows.map((r) => String(get(r) ?? '').length)));
  const line = (cells) => cells.map((c, i) => String(c ?? '').padEnd(widths[i])).join('  ').trimEnd();
  return [line(columns.map(([t]) => t)), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map(([, get]) => get(r))))].join('\n');
};

const print = (r) => {
  const kb = (b) => round(b / 1024, 1);
  const out = [];
  out.push(`sf-integration-access benchmark — ${r.when}`);
  out.push(`machine: ${r.machine.cpus} × ${r.machine.cpuModel}, ${r.machine.memoryGB} GB, Node ${r.machine.node} (${r.machine.note})`);
  out.push('');
  out.push(`start cost: bin/run.js --version ${r.startup.versionMs} ms; bin/run.js integration check --help ${r.startup.checkHelpMs} ms (median of ${r.startup.runs})`);
  out.push('');
  out.push(`demo org (${r.demo.state}), user ${r.demo.user}; requests after authentication (Metadata API SOAP requests, deploy polling included, in brackets)`);
  out.push(
    table(r.demo.runs, [
      ['command', (x) => x.command],
      ['preset', (x) => x.preset],
      ['latency', (x) => `${x.latencyMs} ms`],
      ['exit', (x) => x.exitCode],
      ['requests', (x) => `${x.requests} (${x.metadataRequests})`],
      ['KB from org', (x) => kb(x.bytesOut)],
      ['KB to org', (x) => kb(x.bytesIn)],
      ['wall ms', (x) => x.wallMs],
      ['× baseline req/wall', (x) => (x.vsBaseline ? `${x.vsBaseline.requests} / ${x.vsBaseline.wall}` : '1 / 1')],
    ])
  );
  const l = r.large;
  out.push('');
  out.push(
    `large org: ${l.options.users} users, ${l.options.permissionSets} permission sets, ${l.options.fieldPermissionRows} FieldPermissions rows, ${l.options.groups} groups ` +
      `(generated in ${l.generateMs} ms, emulator loaded in ${l.emulatorLoadMs} ms, emulator RSS ${l.emulatorRssMB} MB)`
  );
  out.push(
    table(l.runs, [
      ['command', (x) => x.command],
      ['latency', (x) => `${x.latencyMs} ms`],
      ['exit', (x) => x.exitCode],
      ['requests', (x) => `${x.requests} (${x.metadataRequests})`],
      ['KB from org', (x) => kb(x.bytesOut)],
      ['KB to org', (x) => kb(x.bytesIn)],
      ['stdout KB', (x) => x.stdoutKB],
      ['wall ms', (x) => x.wallMs],
      ['CLI CPU ms', (x) => x.cpuMs],
      ['CLI peak RSS MB', (x) => x.peakRssMB],
    ])
  );
  const ev = l.evaluateOneUser;
  out.push(`evaluate() for one user (snapshot read once, ${ev.permissionSetsInSnapshot} permission sets in it): CPU median ${round(ev.cpuMsMedian, 1)} ms, max ${round(ev.cpuMsMax, 1)} ms over 7 runs`);
  return out.join('\n');
};

// ------------------------------------------------------------------------------------------------ main

const argv = process.argv.slice(2);
try {
  if (argv[0] === '--serve') await serve(JSON.parse(argv[1]));
  else if (argv[0] === '--baseline') await baseline(argv[1]);
  else if (argv[0] === '--eval-cpu') await evalCpu(argv[1], argv[2], argv[3]);
  else {
    const opts = parseArgs(argv);
    const started = performance.now();
    const results = await bench(opts);
    results.benchWallMs = round(performance.now() - started);
    // --quick is for trying the script: it does not replace the committed results
    const file = join(root, 'bench-results', opts.quick ? 'quick.json' : 'latest.json');
    mkdirSync(join(root, 'bench-results'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(`${print(results)}\n\nbench: ${round(results.benchWallMs / 1000)} s; results in ${file.slice(root.length + 1)}\n`);
  }
} catch (error) {
  process.stderr.write(`bench: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
}
