/*
 * Replay a recording through the plugin: start the replay server (replay-cli, in a throwaway HOME where it
 * registers itself as an sf org), run the recorded command with the real bin/run.js against it with
 * `--json`, and compare each user's verdicts with the outcome the recording holds. Used by
 * `npm run replay DIR` (scripts/replay.js) and the regression test of the recordings.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { repoRoot } from './describes.js';
import { loadRecording, type RecordingMeta } from './replay.js';

type Envelope = {
  status: number;
  name?: string;
  data?: { salesforceErrorCode?: string };
  result?: { users?: Array<{ username: string; passed: boolean; findings: Array<{ requirement: string; kind: string; status: string }> }> };
};

export type ReplayResult = {
  /** the replayed command's exit code */
  code: number;
  stdout: string;
  stderr: string;
  envelope?: Envelope;
  /** how the replay's verdicts differ from the recorded ones (empty: the same) */
  differences: string[];
  /** requests the recording had no answer for */
  misses: string[];
  meta: RecordingMeta;
};

const childEnv = (home: string): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: home,
  USERPROFILE: home,
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  NODE_NO_WARNINGS: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
});

type RecordedOutcome = NonNullable<RecordingMeta['outcome']>;
type ReplayedUser = NonNullable<NonNullable<Envelope['result']>['users']>[number];
const findingKey = (f: { kind: string; requirement: string }): string => `${f.kind} ${f.requirement}`;

/** How a replay's error differs from the recorded one. */
const errorDifferences = (recorded: NonNullable<RecordedOutcome['error']>, envelope: Envelope): string[] => {
  const out: string[] = [];
  if (envelope.name !== recorded.name) out.push(`error ${envelope.name ?? 'none'}, recorded ${recorded.name}`);
  const code = envelope.data?.salesforceErrorCode;
  if (code !== recorded.salesforceErrorCode) out.push(`salesforceErrorCode ${code ?? 'none'}, recorded ${recorded.salesforceErrorCode ?? 'none'}`);
  return out;
};

/** How one user's replayed verdicts differ from the recorded ones. */
const userDifferences = (r: NonNullable<RecordedOutcome['users']>[number], u: ReplayedUser | undefined): string[] => {
  if (!u) return [`${r.username}: no verdict in the replay`];
  const out: string[] = [];
  if (u.passed !== r.passed) out.push(`${r.username}: ${u.passed ? 'passed' : 'failed'}, recorded ${r.passed ? 'passed' : 'failed'}`);
  const replayed = new Map(u.findings.map((f) => [findingKey(f), f.status]));
  const recordedKeys = new Set(r.findings.map(findingKey));
  for (const f of r.findings) {
    const status = replayed.get(findingKey(f));
    if (status !== f.status) out.push(`${r.username}: ${f.kind} "${f.requirement}" ${status ?? 'absent'}, recorded ${f.status}`);
  }
  for (const f of u.findings) if (!recordedKeys.has(findingKey(f))) out.push(`${r.username}: ${f.kind} "${f.requirement}" ${f.status}, not in the recording`);
  return out;
};

/** Differences between the recorded outcome and a replay's --json envelope, one line each. */
export const compareOutcome = (recorded: RecordingMeta['outcome'], envelope: Envelope | undefined): string[] => {
  if (!recorded) return ['the recording holds no outcome to compare with (the recorded run did not finish)'];
  if (!envelope) return ['the replay printed no --json envelope'];
  const out: string[] = envelope.status === recorded.exitCode ? [] : [`exit code ${envelope.status}, recorded ${recorded.exitCode}`];
  if (recorded.error) return [...out, ...errorDifferences(recorded.error, envelope)];
  const users = envelope.result?.users ?? [];
  for (const r of recorded.users ?? []) out.push(...userDifferences(r, users.find((x) => x.username === r.username)));
  const recordedUsers = new Set((recorded.users ?? []).map((u) => u.username));
  for (const u of users) if (!recordedUsers.has(u.username)) out.push(`${u.username}: not in the recording`);
  return out;
};

const run = (args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> =>
  new Promise((done) => {
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });

/** Replay the recording in `dir` through bin/run.js; `extraArgs` are added to the recorded flags. */
export const replayRecording = async (dir: string, extraArgs: string[] = []): Promise<ReplayResult> => {
  const root = repoRoot();
  const recordingDir = resolve(dir);
  const { meta } = loadRecording(recordingDir);
  const home = mkdtempSync(join(tmpdir(), 'sfia-replay-'));
  const env = childEnv(home);
  const server = spawn(process.execPath, [join(root, 'emulator', 'lib', 'replay-cli.js'), recordingDir, '--alias', 'replay'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let serverErr = '';
  server.stderr.on('data', (c: Buffer) => (serverErr += c.toString()));
  try {
    await new Promise<void>((ready, fail) => {
      let out = '';
      server.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (/^ready /m.test(out)) ready();
      });
      server.on('exit', (code) => fail(new Error(`the replay server exited with ${String(code)}: ${serverErr}`)));
    });
    const args = [join(root, 'bin', 'run.js'), ...meta.command.split(' '), ...meta.args, '--target-org', 'replay', '--api-version', meta.apiVersion, '--json', ...extraArgs];
    const result = await run(args, env, recordingDir);
    let envelope: Envelope | undefined;
    try {
      envelope = JSON.parse(result.stdout) as Envelope;
    } catch {
      envelope = undefined;
    }
    const closed = new Promise((r) => server.once('close', r));
    server.kill('SIGTERM');
    await closed;
    const misses = serverErr
      .split('\n')
      .filter((l) => l.startsWith('miss '))
      .map((l) => l.slice(5));
    return { ...result, envelope, differences: compareOutcome(meta.outcome, envelope), misses, meta };
  } finally {
    if (server.exitCode === null) server.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  }
};
