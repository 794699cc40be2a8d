/*
 * Command-level tests in the plugin-user style: the command class runs in this process (no bin/run.js, no
 * child process) under @salesforce/core's TestContext, which fakes the auth store and stubs
 * Connection.prototype.request. The stubbed request is answered by an org emulator listening on loopback
 * inside this process (emulator/src, the demo org state): each test sees the answers of a real org state and
 * can list the requests a command made (none, for a usage error). The Metadata API's SOAP calls
 * (conn.metadata.*) do not pass through Connection.request: they reach the same emulator directly.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@salesforce/core';
import { MockTestOrgData, type TestContext } from '@salesforce/core/testSetup';
import { Spinner } from '@salesforce/sf-plugins-core';
import sinon from 'sinon';
import { startEmulator, type EmulatorHandle } from '../../../emulator/src/index.js';
import { demoState } from '../../emulator/helpers.js';

type FakeAnswer = ReturnType<TestContext['fakeConnectionRequest']>;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The real request, taken before any TestContext stubs it. */
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with the connection as `this` below
const realRequest = Connection.prototype.request;

/**
 * requests(): the paths of the requests the org answered since useEmulatedOrg (REST and SOAP alike), except
 * the Organization query @salesforce/core itself makes while it resolves --target-org (org/determineOrg.js).
 */
export type EmulatedOrg = { emulator: EmulatorHandle; org: MockTestOrgData; requests: () => string[] };

const CORE_ORG_LOOKUP = encodeURIComponent('SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization');

/** Starts the in-process emulator over the demo state (in `before` or `beforeEach`); stop it after. */
export const startDemoEmulator = (): Promise<EmulatorHandle> => startEmulator({ state: demoState() });

/**
 * Registers the emulator as the TestContext's org (call in `beforeEach`, after the TestContext's own
 * hook): its auth is the emulator's session, and every stubbed request goes on to the emulator.
 */
export const useEmulatedOrg = async ($$: TestContext, emulator: EmulatorHandle): Promise<EmulatedOrg> => {
  const org = new MockTestOrgData();
  org.username = emulator.username;
  org.instanceUrl = emulator.instanceUrl;
  org.loginUrl = emulator.instanceUrl;
  org.accessToken = emulator.accessToken;
  org.refreshToken = emulator.refreshToken;
  await $$.stubAuths(org);
  // eslint-disable-next-line no-param-reassign -- TestContext's documented way to answer requests
  $$.fakeConnectionRequest = function (this: Connection, request, options): FakeAnswer {
    return realRequest.call(this, request as never, options as never) as FakeAnswer;
  };
  emulator.clearLog();
  return { emulator, org, requests: () => emulator.requestLog().map((r) => r.path).filter((p) => !p.endsWith(`/query?q=${CORE_ORG_LOOKUP}`)) };
};

export type Outcome<T> = {
  /** process.exitCode after the run: the code bin/run.js would exit with */
  exitCode: number;
  result?: T;
  error?: Error & { name: string; exitCode?: number };
  stdout: string;
  stderr: string;
  /** The spinner's calls in order: `start <text>`, `stop` or `stop <message>` */
  spinner: string[];
};

/** A command class: oclif's static run(argv, root) */
type CommandClass = { run(argv: string[], opts?: string): Promise<unknown> };

/** Runs a command class in this process, capturing what it prints and the exit code it leaves. */
export const runCommand = async <T>(command: CommandClass, argv: string[]): Promise<Outcome<T>> => {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = sinon.stub(process.stdout, 'write').callsFake((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
  const stderr = sinon.stub(process.stderr, 'write').callsFake((chunk: string | Uint8Array) => (err.push(String(chunk)), true));
  const spinner: string[] = [];
  const start = sinon.stub(Spinner.prototype, 'start').callsFake((text: string) => void spinner.push(`start ${text}`));
  const stop = sinon.stub(Spinner.prototype, 'stop').callsFake((message?: string) => void spinner.push(message ? `stop ${message}` : 'stop'));
  process.exitCode = undefined;
  let result: T | undefined;
  let error: Outcome<T>['error'];
  try {
    result = (await command.run(argv, repoRoot)) as T;
  } catch (e) {
    error = e as Outcome<T>['error'];
  } finally {
    stdout.restore();
    stderr.restore();
    start.restore();
    stop.restore();
  }
  const exitCode = Number(process.exitCode ?? 0);
  process.exitCode = undefined;
  return { exitCode, result, error, stdout: out.join(''), stderr: err.join(''), spinner };
};

/** The --json envelope a run printed. */
export const envelope = (outcome: Outcome<unknown>): Record<string, unknown> => JSON.parse(outcome.stdout) as Record<string, unknown>;
