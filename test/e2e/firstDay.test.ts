/*
 * What a user meets on the first day, end to end through the real bin/run.js against the org emulator
 * (issue 15): --output-file into a new directory or an unwritable path, the exit-code contract, the
 * CI report formats (JUnit, SARIF), `preset list` at 80 columns, YAML syntax errors and fix hints.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { isMap, isScalar, parseDocument } from 'yaml';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { ManifestValidateErrorData } from '../../src/commands/integration/manifest/validate.js';
import { validateJunit, validateSarif } from '../unit/render/ciSchemas.js';
import { cliEnv, RunningEmulator, repoRoot, runCli, startEmulator } from './harness.js';
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

type SarifLog = {
  runs: Array<{
    results: Array<{
      ruleId: string;
      level: string;
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number } } }>;
      properties: { manifestPath: string; user: string; requirement: string };
    }>;
  }>;
};
const lineOf = (text: string, pattern: RegExp): number => text.split('\n').findIndex((l) => pattern.test(l)) + 1;

describe('e2e: CI report formats', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  const o = (): string[] => ['-o', emu.alias];
  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });

  it('--result-format sarif with a preset: valid SARIF 2.1.0, each missing item at its line in the shipped preset', async () => {
    const file = join(emu.home, 'out', 'access.sarif');
    const r = await runCli(emu.home, [...CW, ...o(), '--result-format', 'sarif', '--output-file', file]);
    expect(r.code, r.stderr).to.equal(3);
    const log = JSON.parse(readFileSync(file, 'utf8')) as SarifLog;
    const verdict = validateSarif(log);
    expect(verdict.errors).to.deep.equal([]);
    const results = log.runs[0].results;
    const failing = results.filter((x) => x.level === 'error').map((x) => x.properties.requirement.split(' ')[0]);
    expect(failing.sort()).to.deep.equal(['Contact.MobilePhone:', 'EditEvent', 'Event.Description:', 'Event.WhatId:', 'Event.WhoId:']);
    const preset = readFileSync(join(repoRoot, 'presets', 'crankwheel.yaml'), 'utf8');
    const edit = results.find((x) => x.properties.requirement.startsWith('EditEvent'))!;
    expect(edit.ruleId).to.equal('systemPermission');
    expect(edit.locations[0].physicalLocation.artifactLocation).to.deep.equal({ uri: 'crankwheel.yaml', uriBaseId: 'PRESETS', index: 0 });
    expect(edit.locations[0].physicalLocation.region.startLine).to.equal(lineOf(preset, /^ {2}- Edit Events/));
  });

  it('--result-format sarif with a manifest in the working directory: a relative artifact location and its lines', async () => {
    const dir = join(emu.home, 'integration');
    mkdirSync(dir, { recursive: true });
    const manifest = readFileSync(join(repoRoot, 'presets', 'crankwheel.yaml'), 'utf8').replace(/^/, '# our copy of the preset\n\n');
    writeFileSync(join(dir, 'crankwheel.yaml'), manifest);
    const r = await runCli(emu.home, ['integration', 'check', '--manifest', 'integration/crankwheel.yaml', '--user', 'agent@acme.example', ...o(), '--result-format', 'sarif']);
    expect(r.code, r.stderr).to.equal(3);
    const log = JSON.parse(r.stdout) as SarifLog;
    expect(validateSarif(log).errors).to.deep.equal([]);
    const results = log.runs[0].results;
    for (const x of results) expect(x.locations[0].physicalLocation.artifactLocation).to.deep.include({ uri: 'integration/crankwheel.yaml', uriBaseId: '%SRCROOT%' });
    const at = (requirement: string): number =>
      results.find((x) => x.properties.requirement.startsWith(requirement))!.locations[0].physicalLocation.region.startLine;
    expect(at('EditEvent')).to.equal(lineOf(manifest, /^ {2}- Edit Events/));
    expect(at('Contact.MobilePhone')).to.equal(lineOf(manifest, /^ {6}read: \[Name, Email, Phone, MobilePhone/));
  });

  it('--result-format junit: valid against the JUnit schema, suites with timestamp, time and hostname', async () => {
    const file = join(emu.home, 'junit', 'access.xml');
    const before = Date.now();
    const r = await runCli(emu.home, [...CW, ...o(), '--result-format', 'junit', '--output-file', file]);
    expect(r.code, r.stderr).to.equal(3);
    const xml = readFileSync(file, 'utf8');
    const verdict = await validateJunit(xml);
    expect(verdict.errors).to.deep.equal([]);
    const suite = /<testsuite [^>]*>/.exec(xml)![0];
    const stamp = /timestamp="([^"]+)"/.exec(suite)![1];
    expect(stamp).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(Date.parse(`${stamp}Z`)).to.be.within(before - 1000, Date.now());
    expect(Number(/ time="([^"]+)"/.exec(suite)![1])).to.be.greaterThan(0);
    expect(/hostname="([^"]+)"/.exec(suite)![1]).to.not.equal('');
    expect(xml).to.include('classname="crankwheel.agent@acme_example.systemPermission"');
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

describe('e2e: preset list in a narrow terminal', function () {
  this.timeout(120_000);

  it('at 80 columns in a pseudo-terminal, every preset name is printed whole, at the start of a line', async () => {
    expect(existsSync('/usr/bin/script'), 'util-linux script (a pseudo-terminal)').to.equal(true);
    const home = mkdtempSync(join(tmpdir(), 'sfia-narrow-'));
    try {
      const command = `stty cols 80 rows 50; COLUMNS=80 ${process.execPath} ${join(repoRoot, 'bin', 'run.js')} integration preset list`;
      const child = spawn('/usr/bin/script', ['-qfec', command, '/dev/null'], { env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
      let screen = '';
      child.stdout.on('data', (c: Buffer) => (screen += c.toString()));
      const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
      expect(code, screen).to.equal(0);
      // eslint-disable-next-line no-control-regex
      const lines = screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').split(/\r?\n/);
      const names = readdirSync(join(repoRoot, 'presets')).filter((f) => f.endsWith('.yaml')).map((f) => f.slice(0, -5));
      expect(names.length).to.be.greaterThan(5);
      for (const name of names) expect(lines.some((l) => l.startsWith(`${name} `)), `${name} in:\n${screen}`).to.equal(true);
      expect(screen).not.to.include('…');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('e2e: YAML syntax errors', function () {
  this.timeout(120_000);

  it('one mistake is one problem, with the offending line and a caret under the column', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sfia-yaml-'));
    try {
      // an unclosed flow sequence inside a block sequence: the parser alone reports it twice
      const file = join(home, 'broken.yaml');
      writeFileSync(file, 'name: broken\nlabel: Broken\nsystemPermissions:\n  - ApiEnabled\n   - Bad: [\n');
      const r = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', file]);
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stderr).to.include('(1 problem)');
      expect(r.stderr.match(/YAML syntax error/g)).to.have.length(1);
      const lines = r.stderr.split('\n');
      const at = lines.findIndex((l) => l.startsWith(`${file}:4:5: YAML syntax error`));
      expect(at, r.stderr).to.be.greaterThan(-1);
      expect(lines[at + 1]).to.equal('4 |   - ApiEnabled');
      expect(lines[at + 2]).to.equal('  |     ^');
      expect(lines[at + 2].indexOf('^') - '4 | '.length + 1).to.equal(5);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('the unclosed-bracket fixture: one problem, its line and the caret', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sfia-yaml-'));
    try {
      const v = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', join(repoRoot, 'test', 'fixtures', 'bad-manifests', 'syntax-unclosed-bracket.yaml')]);
      expect(v.code).to.equal(1);
      expect(v.stderr.match(/YAML syntax error/g)).to.have.length(1);
      expect(v.stderr).to.match(/\n4 \| objects: \{\}\n {2}\| \^\n/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('e2e: a fix hint is itself valid', function () {
  this.timeout(120_000);

  for (const [what, key, written] of [
    ['scopes written as text', 'scopes', 'api refresh_token'],
    ['scopes written with commas', 'scopes', 'api, refresh_token'],
    ['one permission label written as text', 'systemPermissions', 'API Enabled'],
  ] as const) {
    it(`${what}: the list the hint shows, written in its place, validates`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'sfia-hint-'));
      try {
        const file = join(home, 'manifest.yaml');
        const manifest = (value: string): string =>
          key === 'scopes'
            ? `name: hinted\nlabel: Hinted\noauth:\n  scopes: ${value}\nsystemPermissions: [ApiEnabled]\nobjects: {}\n`
            : `name: hinted\nlabel: Hinted\nsystemPermissions: ${value}\nobjects: {}\n`;
        writeFileSync(file, manifest(written));
        const bad = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', file]);
        expect(bad.code, bad.stderr).to.equal(1);
        const hint = /Write it as a list, even for one item: (\[[^\]\n]*\])/.exec(bad.stderr)?.[1];
        expect(hint, bad.stderr).to.be.a('string');
        writeFileSync(file, manifest(hint!));
        const good = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', file, '--json']);
        expect(good.code, `${hint!}\n${good.stdout}${good.stderr}`).to.equal(0);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  }

  for (const [fixture, expected] of [
    ['crank.yaml', { path: ['objects', 'Contact', 'access', 1], replaceWith: 'read' }],
    ['unknown-object-key.yaml', { path: ['objects', 'Contact', 'acess'], renameKey: 'access' }],
  ] as const) {
    it(`${fixture}: --json carries the fix as data; the file with it applied validates (exit 0)`, async () => {
      const home = mkdtempSync(join(tmpdir(), 'sfia-hint-'));
      try {
        const file = join(home, fixture);
        writeFileSync(file, readFileSync(join(repoRoot, 'test', 'fixtures', 'bad-manifests', fixture), 'utf8'));
        const bad = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', file, '--json']);
        expect(bad.code, bad.stdout).to.equal(1);
        expect(bad.json?.name).to.equal('InvalidManifest');
        const data = bad.json!.data as ManifestValidateErrorData;
        expect(data.defects, bad.stdout).to.have.length(1);
        const fix = data.defects[0].fix!;
        expect(fix).to.deep.equal(expected);
        // apply it the way an editor would: on the YAML document, so the rest of the file stays as written
        const doc = parseDocument(readFileSync(file, 'utf8'));
        if ('replaceWith' in fix) doc.setIn(fix.path, fix.replaceWith);
        else {
          const parent = doc.getIn(fix.path.slice(0, -1), true);
          const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === fix.path[fix.path.length - 1]) : undefined;
          expect(pair, 'the key the fix renames').not.to.equal(undefined);
          (pair!.key as { value: unknown }).value = fix.renameKey;
        }
        writeFileSync(file, doc.toString());
        const good = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', file, '--json']);
        expect(good.code, `${doc.toString()}\n${good.stdout}${good.stderr}`).to.equal(0);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  }
});
