/*
 * What a user meets on the first day, end to end through the real bin/run.js against the org emulator
 * (issue 15): --output-file into a new directory or an unwritable path, the exit-code contract, the
 * CI report formats (JUnit, SARIF), `preset list` at 80 columns, YAML syntax errors and fix hints.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CheckResult } from '../../src/commands/integration/check.js';
import { RunningEmulator, runCli, startEmulator } from './harness.js';
import { HELP_ERROR_CODES, exitCodeCases } from './exitCodeCases.js';

const STACK_LINE = /^\s+at .+:\d+:\d+\)?$/m;
const CW = ['integration', 'check', '--preset', 'crankwheel', '--user', 'agent@acme.example'];

describe('e2e: a first day with the plugin', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  const o = (): string[] => ['-o', emu.alias];

  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });

  describe('--output-file', () => {
    it('creates the directories a new path needs, writes the report and prints the verdict (exit 3)', async () => {
      const file = join(emu.home, 'reports', 'access', 'junit.xml');
      const r = await runCli(emu.home, [...CW, ...o(), '--result-format', 'junit', '--output-file', file]);
      expect(r.code, r.stderr).to.equal(3);
      expect(r.stdout).to.match(/^FAIL {2}agent@acme\.example/m);
      expect(existsSync(file), file).to.equal(true);
      expect(readFileSync(file, 'utf8')).to.match(/^<\?xml[\s\S]*<testsuites[\s\S]*<\/testsuites>\n$/);
    });

    it('a path that cannot be written: the verdict is printed first, then OutputFileNotWrittenError with an action, exit 1', async () => {
      const blocker = join(emu.home, 'not-a-directory');
      writeFileSync(blocker, 'a file where the report directory should be\n');
      const file = join(blocker, 'report.md');
      const r = await runCli(emu.home, [...CW, ...o(), '--result-format', 'markdown', '--output-file', file]);
      expect(r.code, r.stderr).to.equal(1);
      // the finished check is not lost: the whole human verdict is on stdout
      expect(r.stdout).to.match(/^FAIL {2}agent@acme\.example {2}33 met, 5 missing/m);
      expect(r.stdout).to.include('EditEvent (Edit Events)');
      expect(r.stderr).to.include('(OutputFileNotWrittenError)');
      expect(r.stderr).to.include(file);
      expect(r.stderr).to.include('a part of the path is a file, not a directory');
      expect(r.stderr).to.include('Pass an --output-file path in a directory you can write to');
      expect(r.stderr).not.to.match(STACK_LINE);
      expect(r.stderr + r.stdout).not.to.include('undefined');
    });

    it('under --json, the error envelope carries the finished report in "data" (exit 1)', async () => {
      const file = join(emu.home, 'not-a-directory', 'report.xml');
      const r = await runCli(emu.home, [...CW, ...o(), '--result-format', 'junit', '--output-file', file, '--json']);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.json?.status).to.equal(1);
      expect(r.json?.name).to.equal('OutputFileNotWrittenError');
      const data = r.json?.data as CheckResult;
      const agent = data.users.find((u) => u.username === 'agent@acme.example');
      expect(agent?.findings.filter((f) => f.status === 'fail').map((f) => f.requirement.split(' ')[0])).to.include('EditEvent');
    });

    it('an existing directory as the path is the same named error, not a stack trace', async () => {
      const dir = join(emu.home, 'a-directory');
      mkdirSync(dir, { recursive: true });
      const r = await runCli(emu.home, [...CW, ...o(), '--result-format', 'json', '--output-file', dir]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.match(/^FAIL {2}agent@acme\.example/m);
      expect(r.stderr).to.include('(OutputFileNotWrittenError)');
      expect(r.stderr).to.include('it is a directory');
    });
  });
});

describe('e2e: exit codes under bin/run.js', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });

  for (const c of exitCodeCases('emu')) {
    it(`${c.what}: exit ${c.code}${c.name ? `, ${c.name}` : ''}`, async () => {
      const r = await runCli(emu.home, c.args);
      expect(r.code, r.stdout + r.stderr).to.equal(c.code);
      if (r.json) expect(r.json.status).to.equal(c.code);
      if (c.name) expect(r.json?.name).to.equal(c.name);
      // an org error reads as one, not as a flag-parsing failure
      if (c.code === 1) expect(String(r.json?.message)).not.to.include('See more help with --help');
      expect(r.stderr).not.to.match(STACK_LINE);
    });
  }

  for (const command of ['check', 'grant']) {
    it(`integration ${command} --help has the ERROR CODES table`, async () => {
      const r = await runCli(emu.home, ['integration', command, '--help']);
      expect(r.code).to.equal(0);
      const section = r.stdout.slice(r.stdout.indexOf('ERROR CODES'));
      expect(r.stdout).to.include('ERROR CODES');
      for (const code of HELP_ERROR_CODES) expect(section).to.include(code);
    });
  }
});
