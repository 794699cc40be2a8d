/*
 * The org emulator's entry points: start an emulator over a state (object or file) and register it
 * as an sf org in the auth store of the current HOME.
 */
import type { OrgState } from './orgState.js';
import { OrgModel } from './context.js';
import { loadStateFile } from './state.js';
import { EmulatorServer, type FaultRule, type RequestLogEntry } from './server.js';
import type { AccessOverride } from './userAccess.js';

export type { OrgState } from './orgState.js';
export type { FaultRule, FaultKind, RequestLogEntry } from './server.js';
export type { AccessOverride } from './userAccess.js';
export type { MetadataContext } from './context.js';
export { StateError, type StateViolation, loadStateFile, parseStateText, serializeState, validateState } from './state.js';
export { OrgModel } from './context.js';

export type EmulatorOptions = {
  port?: number;
  /** the state, or the path of a state file (YAML or JSON) */
  state: OrgState | string;
  latencyMs?: number;
  alias?: string;
  /** whom the token belongs to; default: first active user whose profile is 'System Administrator', else first user */
  username?: string;
  /** write sf auth files under HOME (with `alias` when given) */
  register?: boolean;
};

export type EmulatorHandle = {
  instanceUrl: string;
  port: number;
  username: string;
  accessToken: string;
  refreshToken: string;
  requestLog(): RequestLogEntry[];
  clearLog(): void;
  setFaults(rules: FaultRule[]): void;
  /** what PUT /__emulator/access-overrides does: corrections to UserEntityAccess / UserFieldAccess rows */
  setAccessOverrides(overrides: AccessOverride[]): void;
  setLatency(ms: number): void;
  getState(): OrgState;
  /** replaces the state (validated; throws StateError when refused) */
  setState(s: OrgState): void;
  stop(): Promise<void>;
};

/** The default session user of a state. */
export const defaultUsername = (state: OrgState): string | undefined => {
  const users = state.users ?? [];
  const admin = users.find((u) => u.isActive !== false && u.profile === 'System Administrator');
  return (admin ?? users[0])?.username;
};

export const startEmulator = async (opts: EmulatorOptions): Promise<EmulatorHandle> => {
  const state = typeof opts.state === 'string' ? loadStateFile(opts.state) : opts.state;
  const model = new OrgModel(state);
  const username = opts.username ?? defaultUsername(model.state);
  if (!username) throw new Error('The org state has no users: nobody to own the emulator session');
  if (!(model.state.users ?? []).some((u) => u.username === username)) throw new Error(`No user '${username}' in the org state`);
  const server = new EmulatorServer(model, { latencyMs: opts.latencyMs, username });
  const port = await server.listen(opts.port ?? 0);
  const handle: EmulatorHandle = {
    instanceUrl: server.instanceUrl,
    port,
    username,
    accessToken: server.accessToken,
    refreshToken: server.refreshToken,
    requestLog: () => server.requestLog(),
    clearLog: () => server.clearLog(),
    setFaults: (rules) => server.setFaults(rules),
    setAccessOverrides: (overrides) => server.setAccessOverrides(overrides),
    setLatency: (ms) => server.setLatency(ms),
    getState: () => model.getState(),
    setState: (s) => model.commit(s),
    stop: () => server.stop(),
  };
  if (opts.register) await registerOrg({ ...handle, alias: opts.alias });
  return handle;
};

/**
 * Writes the org into the sf auth store of the current HOME (through @salesforce/core) and sets the
 * alias. The caller sets HOME / SF_USE_GENERIC_UNIX_KEYCHAIN before @salesforce/core is first used.
 */
/** Whether something answers HTTP at this instance URL (a running emulator): any answer counts, no answer within 1.5 s does not. */
const isServing = async (instanceUrl: string): Promise<boolean> => {
  try {
    await fetch(new URL('/services/data', instanceUrl), { signal: AbortSignal.timeout(1500) });
    return true;
  } catch {
    return false;
  }
};

/** Refuses to take over a username or alias that a running emulator in this HOME still serves. */
const refuseLiveTakeover = (what: string, previous: string | undefined, instanceUrl: string): Promise<void> => {
  if (!previous || previous.replace(/\/+$/, '') === instanceUrl.replace(/\/+$/, '')) return Promise.resolve();
  return isServing(previous).then((live) => {
    if (live) {
      throw new Error(
        `${what} already points at a running emulator (${previous}) in this HOME; re-pointing it would silently send that emulator's users here. Stop the other emulator, or give this one another --alias and --as user, or another HOME.`
      );
    }
  });
};

export const registerOrg = async (h: { instanceUrl: string; accessToken: string; username: string; alias?: string }): Promise<void> => {
  const { AuthInfo, StateAggregator } = await import('@salesforce/core');
  const aggregator = await StateAggregator.getInstance();
  const fresh = { accessToken: h.accessToken, instanceUrl: h.instanceUrl, loginUrl: h.instanceUrl };
  const aliased = h.alias ? aggregator.aliases.getUsername(h.alias) : undefined;
  if (aliased && aliased !== h.username && (await aggregator.orgs.hasFile(aliased))) {
    const other = await AuthInfo.create({ username: aliased });
    await refuseLiveTakeover(`The alias ${h.alias ?? ''} (${aliased})`, other.getFields().instanceUrl, h.instanceUrl);
  }
  if (await aggregator.orgs.hasFile(h.username)) {
    // an earlier emulator run registered this username: point it at this one (new URL, new token), unless that
    // emulator is still running
    const existing = await AuthInfo.create({ username: h.username });
    const previous = existing.getFields().instanceUrl;
    await refuseLiveTakeover(`The username ${h.username}`, previous, h.instanceUrl);
    await existing.save(fresh);
    if (previous && previous !== h.instanceUrl) process.stderr.write(`emulator: ${h.username} pointed at ${previous} (no longer running); it now points here\n`);
  } else {
    const authInfo = await AuthInfo.create({ username: h.username, accessTokenOptions: fresh });
    await authInfo.save();
  }
  if (h.alias) await aggregator.aliases.setAndSave(h.alias, h.username);
};
