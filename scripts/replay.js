#!/usr/bin/env node
/*
 * npm run replay DIR [-- extra check flags]: replay a recording made with `sf integration check --record DIR`
 * offline, through this checkout's bin/run.js, and compare the verdicts with the ones recorded.
 * Exit 0: same verdicts as recorded; 1: they differ, or the recording lacks an answer the replay asked for.
 * Needs a build (`npm run build`).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const [dir, ...extra] = process.argv.slice(2);
if (!dir) {
  console.error('usage: npm run replay DIR [-- extra check flags]');
  process.exit(2);
}
if (!existsSync(join(root, 'emulator/lib/replay-run.js')) || !existsSync(join(root, 'lib/commands'))) {
  console.error('Build first: npm run build');
  process.exit(2);
}
const { replayRecording } = await import(join(root, 'emulator/lib/replay-run.js'));
const r = await replayRecording(dir, extra);
console.log(`Replayed ${dir}: sf ${r.meta.command} ${r.meta.args.join(' ')} (recorded ${r.meta.recordedAt ?? ''}, API v${r.meta.apiVersion})`);
const envelope = r.envelope;
if (envelope?.result?.users) {
  for (const u of envelope.result.users) {
    const counts = {};
    for (const f of u.findings) counts[f.status] = (counts[f.status] ?? 0) + 1;
    console.log(`  ${u.passed ? 'PASS' : 'FAIL'}  ${u.username}  ${Object.entries(counts).map(([s, n]) => `${n} ${s}`).join(', ')}`);
  }
} else if (envelope) {
  console.log(`  ${envelope.name}: ${envelope.message}`);
} else {
  console.log(r.stdout || r.stderr);
}
console.log(`  exit code ${r.code}`);
for (const m of r.misses) console.log(`  no recorded answer for: ${m}`);
if (r.differences.length === 0 && r.misses.length === 0) {
  console.log('Same verdicts as recorded.');
} else {
  console.log('Differs from the recording:');
  for (const d of r.differences) console.log(`  - ${d}`);
  process.exitCode = 1;
}
