/*
 * The deprecation policy, as CI enforces it: `npm test` ends with `snapshot:compare` (commands, flags, flag
 * characters and aliases against command-snapshot.json) and `schema:compare` (each command's --json result
 * against schemas/commands/). These tests show the comparison catches what the policy forbids — a flag or a
 * command disappearing — by comparing the real plugin with a snapshot that still lists one. (That the
 * checked-in snapshot matches is `npm run test:conventions`, the last step of `npm test`.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { cliEnv, repoRoot } from './harness.js';

type SnapshotEntry = { command: string; flags: string[]; alias: string[]; flagAliases: string[]; flagChars: string[]; plugin: string };

const compare = (home: string, file: string): Promise<{ code: number; out: string }> =>
  new Promise((resolvePromise) => {
    const child = spawn(join(repoRoot, 'bin', 'dev.js'), ['snapshot:compare', '--filepath', file], { cwd: repoRoot, env: cliEnv(home) });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('close', (code) => resolvePromise({ code: code ?? -1, out }));
  });

describe('e2e: the deprecation policy is checked (snapshot:compare)', function () {
  this.timeout(120_000);
  let home: string;
  let snapshot: SnapshotEntry[];
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'sfia-conventions-'));
    snapshot = JSON.parse(readFileSync(join(repoRoot, 'command-snapshot.json'), 'utf8')) as SnapshotEntry[];
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const write = (name: string, entries: SnapshotEntry[]): string => {
    const file = join(home, name);
    writeFileSync(file, JSON.stringify(entries, null, 4));
    return file;
  };

  it('a flag the plugin no longer has fails the comparison, naming it', async () => {
    const edited = snapshot.map((e) => (e.command === 'integration:check' ? { ...e, flags: [...e.flags, 'legacy-format'].sort() } : e));
    const r = await compare(home, write('flag-removed.json', edited));
    expect(r.code).to.equal(1);
    expect(r.out).to.include('integration:check');
    expect(r.out).to.include('-legacy-format');
  });

  it('a command the plugin no longer has fails the comparison and asks for a major version', async () => {
    const retired: SnapshotEntry = { ...snapshot[0], command: 'integration:audit', flags: ['json'], flagChars: [], alias: [], flagAliases: [] };
    const r = await compare(home, write('command-removed.json', [...snapshot, retired]));
    expect(r.code).to.equal(1);
    expect(r.out).to.include('-integration:audit');
    expect(r.out).to.include('major version bump is required');
  });
});
