#!/usr/bin/env node
/*
 * npm run demo: start the org emulator with the demo org in a temporary HOME, then show the story a user
 * would see: check (missing items) → grant (deploy + assign) → check (all met). Stops the emulator and
 * removes the temporary HOME at the end. Exits non-zero only if the demo itself breaks.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cliEnv } from './cliEnv.js';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const home = mkdtempSync(join(tmpdir(), 'sf-integration-access-demo-'));
const env = cliEnv(home);

const emulator = spawn(process.execPath, [join(root, 'emulator/lib/cli.js'), '--state', join(root, 'emulator/states/demo.yaml'), '--alias', 'demo'], {
  // the emulator serves plain http on loopback; silence Node's warning about it
  env: { ...env, NODE_NO_WARNINGS: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});

const stop = () => {
  if (emulator.exitCode === null) emulator.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
};
process.on('SIGINT', () => {
  stop();
  process.exit(130);
});

const url = await new Promise((resolveUrl, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error('the emulator did not start within 30 s')), 30_000);
  emulator.stdout.on('data', (chunk) => {
    out += chunk.toString();
    const match = /^ready (\S+)$/m.exec(out);
    if (match) {
      clearTimeout(timer);
      resolveUrl(match[1]);
    }
  });
  emulator.on('exit', (code) => reject(new Error(`the emulator exited with code ${code}`)));
});

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (title, args, expected) => {
  console.log(`\n${bold(`# ${title}`)}\n${bold(`$ sf ${args.join(' ')}`)}`);
  const result = spawnSync(process.execPath, [join(root, 'bin/run.js'), ...args], { env, cwd: home, stdio: 'inherit' });
  console.log(`(exit code ${result.status})`);
  if (!expected.includes(result.status)) throw new Error(`"sf ${args.join(' ')}" exited with ${result.status}, expected ${expected.join(' or ')}`);
};

let failed = false;
try {
  console.log(`Org emulator running at ${url} as alias "demo" (demo org: emulator/states/demo.yaml)`);
  step('The built-in presets, written from vendor documents', ['integration', 'preset', 'list'], [0]);
  step('Does the CrankWheel agent have what CrankWheel needs? (exit 3: something is missing)', ['integration', 'check', '--preset', 'crankwheel', '--target-org', 'demo', '--user', 'agent@acme.example'], [3]);
  step(
    'Generate the least-privilege permission set, deploy it, assign it, re-check',
    ['integration', 'grant', '--preset', 'crankwheel', '--target-org', 'demo', '--user', 'agent@acme.example', '--deploy', '--no-prompt', '--output-dir', join(home, 'force-app')],
    [0, 3]
  );
  step('Check again, showing what grants each item', ['integration', 'check', '--preset', 'crankwheel', '--target-org', 'demo', '--user', 'agent@acme.example', '--verbose'], [0, 3]);
} catch (error) {
  failed = true;
  console.error(`\nDemo failed: ${error.message}`);
} finally {
  stop();
}
process.exit(failed ? 1 : 0);
