/*
 * End-to-end harness: runs the org emulator and the real bin/run.js as child processes, each with a
 * temporary HOME (its own sf auth store), the way a user runs them. Nothing here touches the real HOME.
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export const cliEnv = (home: string): NodeJS.ProcessEnv => ({
  ...process.env,
  HOME: home,
  USERPROFILE: home,
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_INTEGRATION_ACCESS_POLL_MS: '100',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
});

/** Run fn with extra variables in process.env (which runCli passes to the child), restoring them after. */
export const withEnv = async <T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

export type RequestLogEntry = { seq: number; method: string; path: string; status: number; bytesIn?: number; bytesOut?: number; ms?: number };

export type EmulatorTokens = { username: string; accessToken: string; refreshToken: string; accessTokens: string[] };

export type RunningEmulator = {
  url: string;
  home: string;
  alias: string;
  stop(): Promise<void>;
  log(): Promise<RequestLogEntry[]>;
  clearLog(): Promise<void>;
  setFaults(rules: unknown[]): Promise<void>;
  state(): Promise<Record<string, unknown>>;
  setState(state: unknown): Promise<void>;
  /** Make Salesforce's UserEntityAccess / UserFieldAccess answers differ from the org's grants (PUT /__emulator/access-overrides) */
  setAccessOverrides(overrides: unknown[]): Promise<void>;
  /** Every access token the emulator issued and its refresh token (what must never appear in any output) */
  tokens(): Promise<EmulatorTokens>;
  /** Everything the emulator printed (for the secret scan) */
  output(): string;
};

/** Start `node emulator/lib/cli.js` with a state file (path or object) and wait for its `ready URL` line. */
export const startEmulator = async (
  state: string | Record<string, unknown>,
  options: { alias?: string; latencyMs?: number; as?: string } = {}
): Promise<RunningEmulator> => {
  const home = mkdtempSync(join(tmpdir(), 'sfia-home-'));
  let stateFile = typeof state === 'string' ? resolve(repoRoot, state) : join(home, 'state.json');
  if (typeof state !== 'string') writeFileSync(stateFile, JSON.stringify(state, null, 2));
  if (typeof state === 'string' && !state.includes('/')) stateFile = join(repoRoot, 'emulator', 'states', state);
  const alias = options.alias ?? 'emu';
  const args = [join(repoRoot, 'emulator', 'lib', 'cli.js'), '--state', stateFile, '--alias', alias];
  if (options.latencyMs) args.push('--latency-ms', String(options.latencyMs));
  if (options.as) args.push('--as', options.as);
  const child: ChildProcess = spawn(process.execPath, args, { env: cliEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 120_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^ready (\S+)$/m.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`emulator exited with ${String(code)}: ${out}`));
    });
  });
  const api = async (method: string, path: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  return {
    url,
    home,
    alias,
    output: (): string => out,
    stop: async (): Promise<void> => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
    log: async (): Promise<RequestLogEntry[]> => (await api('GET', '/__emulator/log')) as RequestLogEntry[],
    clearLog: async (): Promise<void> => {
      await api('DELETE', '/__emulator/log');
    },
    setFaults: async (rules): Promise<void> => {
      await api('PUT', '/__emulator/faults', rules);
    },
    state: async (): Promise<Record<string, unknown>> => (await api('GET', '/__emulator/state')) as Record<string, unknown>,
    setState: async (s): Promise<void> => {
      await api('PUT', '/__emulator/state', s);
    },
    setAccessOverrides: async (overrides): Promise<void> => {
      await api('PUT', '/__emulator/access-overrides', overrides);
    },
    tokens: async (): Promise<EmulatorTokens> => (await api('GET', '/__emulator/tokens')) as EmulatorTokens,
  };
};

export type CliResult = { code: number; stdout: string; stderr: string; json?: { [k: string]: unknown; status: number; result?: unknown; name?: string; message?: string } };

/** Run the real bin/run.js with args, as a user would. */
export const runCli = async (home: string, args: string[], options: { cwd?: string; input?: string } = {}): Promise<CliResult> => {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'run.js'), ...args], {
    env: cliEnv(home),
    cwd: options.cwd ?? home,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  if (options.input !== undefined) child.stdin.write(options.input);
  child.stdin.end();
  const code = await new Promise<number>((r) => child.on('close', (c) => r(c ?? -1)));
  let json: CliResult['json'];
  if (args.includes('--json')) {
    try {
      json = JSON.parse(stdout) as CliResult['json'];
    } catch {
      json = undefined;
    }
  }
  return { code, stdout, stderr, json };
};
