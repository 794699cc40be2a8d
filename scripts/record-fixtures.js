#!/usr/bin/env node
/*
 * npm run record:fixtures: (re-)record the regression recordings in test/fixtures/recordings/ against the org
 * emulator. Each is `sf integration check … --record DIR` run with this checkout's bin/run.js; the outcome
 * the run printed is written into DIR/recording.json by the run itself, and test/e2e/recordings.test.ts
 * replays each recording and asserts that outcome. Re-record after a change to the reader's requests
 * (src/snapshot/read.ts): a replay of an old recording misses the new requests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv } from './cliEnv.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** The recordings: name → emulator state and check flags. */
export const FIXTURES = [
  { name: 'crankwheel-agent-fail', state: 'emulator/states/demo.yaml', args: ['--preset', 'crankwheel', '--user', 'agent@acme.example'] },
  { name: 'ciro-admin-pass', state: 'emulator/states/demo.yaml', args: ['--preset', 'ciro', '--user', 'admin@acme.example'] },
  { name: 'crankwheel-ops-group-muting', state: 'emulator/states/demo.yaml', args: ['--preset', 'crankwheel', '--user', 'ops@acme.example', '--app', 'Acme_Sync'] },
];

const only = process.argv.slice(2);
for (const fixture of FIXTURES.filter((f) => only.length === 0 || only.includes(f.name))) {
  const home = mkdtempSync(join(tmpdir(), 'sfia-record-'));
  const env = cliEnv(home, { NODE_NO_WARNINGS: '1' });
  const emulator = spawn(process.execPath, [join(root, 'emulator/lib/cli.js'), '--state', join(root, fixture.state), '--alias', 'emu'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((ready, fail) => {
      let out = '';
      emulator.stdout.on('data', (c) => {
        out += c.toString();
        if (/^ready /m.test(out)) ready();
      });
      emulator.on('exit', (code) => fail(new Error(`the emulator exited with ${code}`)));
    });
    const dir = join(root, 'test/fixtures/recordings', fixture.name);
    const args = [join(root, 'bin/run.js'), 'integration', 'check', ...fixture.args, '--target-org', 'emu', '--record', dir, '--json'];
    const r = spawnSync(process.execPath, args, { env, cwd: root, encoding: 'utf8' });
    let status;
    try {
      status = JSON.parse(r.stdout).status;
    } catch {
      status = undefined;
    }
    console.log(`${fixture.name}: exit ${r.status} (envelope status ${status}) → ${dir}`);
    if (status !== r.status) {
      console.error(r.stderr);
      process.exitCode = 1;
    }
  } finally {
    emulator.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
}
