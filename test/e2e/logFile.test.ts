/*
 * One log writer per process (src/shared/logWriter.ts): a check writes @salesforce/core's log lines to the sf log
 * file under $HOME/.sf without starting pino's worker thread, whose exit wait cost up to a second per command.
 * Runs the real bin/run.js against the demo emulator; a preload counts the thread-stream workers the CLI starts.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { RunningEmulator, runCli, startEmulator, withEnv } from './harness.js';

const PRELOAD = [
  "const wt = require('node:worker_threads');",
  "const fs = require('node:fs');",
  'const Base = wt.Worker;',
  'let logWorkers = 0;',
  'wt.Worker = class extends Base { constructor(file, options) { if (String(file).includes("thread-stream")) logWorkers++; super(file, options); } };',
  // NODE_OPTIONS reaches worker threads too: only the main thread reports
  "if (wt.isMainThread) process.on('exit', () => fs.writeFileSync(process.env.SFIA_WORKER_COUNT_OUT, String(logWorkers)));",
].join('\n');

type LogLine = { level?: number; time?: number; name?: string; msg?: string };

const logLines = (home: string): LogLine[] => {
  const dir = join(home, '.sf');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => /^sf-.*\.log$/.test(n))
    .flatMap((n) => readFileSync(join(dir, n), 'utf8').split('\n').filter(Boolean))
    .map((l) => JSON.parse(l) as LogLine);
};

describe('e2e: the sf log file without a second log worker thread', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let scratch: string;
  const args = (): string[] => ['integration', 'check', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'agent@acme.example', '--json'];

  before(async () => {
    emu = await startEmulator('demo.yaml');
    scratch = mkdtempSync(join(tmpdir(), 'sfia-logfile-'));
    writeFileSync(join(scratch, 'count-workers.cjs'), PRELOAD);
  });
  after(async () => {
    await emu?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('starts no pino worker thread, and still writes the debug lines to $HOME/.sf/sf-DATE.log', async () => {
    const out = join(scratch, 'workers.txt');
    const start = Date.now();
    const r = await withEnv(
      { SF_LOG_LEVEL: 'debug', NODE_OPTIONS: `--require ${join(scratch, 'count-workers.cjs')}`, SFIA_WORKER_COUNT_OUT: out },
      () => runCli(emu.home, args())
    );
    expect(r.code, r.stderr).to.equal(3); // the demo agent misses part of CrankWheel: a verdict, not a crash
    expect(readFileSync(out, 'utf8'), 'thread-stream workers started').to.equal('0');
    const lines = logLines(emu.home).filter((l) => (l.time ?? 0) >= start);
    expect(lines.length, 'log lines of this run').to.be.greaterThan(0);
    for (const line of lines) expect(line).to.include.keys('level', 'time', 'name');
    expect(lines.some((l) => l.level === 20 && l.name?.startsWith('sf:')), 'a debug line from @salesforce/core').to.equal(true);
  });

  it('writes no log file when the user turned it off (SF_DISABLE_LOG_FILE=true)', async () => {
    const home = emu.home;
    const before = logLines(home).length;
    const r = await withEnv({ SF_LOG_LEVEL: 'debug', SF_DISABLE_LOG_FILE: 'true' }, () => runCli(home, args()));
    expect(r.code, r.stderr).to.equal(3);
    expect(logLines(home).length).to.equal(before);
  });
});
