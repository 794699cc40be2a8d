/*
 * The test endpoints: no authentication, not in the request log, never faulted.
 * - `GET /__emulator/state[?format=yaml]`, `PUT|POST /__emulator/state` (YAML or JSON; validated like a save)
 * - `GET|DELETE /__emulator/log` — the request log; `PUT /__emulator/log` `{ "bodies": true|false }`: whether
 * entries carry the request body from now on (the benchmark replays a command's requests with a bare client)
 * - `PUT|POST /__emulator/faults` — `FaultRule[]` (or `{ rules }`); replaces the rules, `[]` clears them
 * - `GET|DELETE /__emulator/tokens` — issued secrets / expire every access token
 * - `PUT|POST /__emulator/latency` — `{ "ms": N }` added to every request
 * - `GET|PUT|POST /__emulator/access-overrides` — `AccessOverride[]` (see userAccess.ts), e.g.
 * `[{ "username": "agent@acme.example", "object": "Contact", "field": "Email", "values": { "IsAccessible": false } }]`.
 * Replaces the overrides (`[]` clears them); they outlive state changes. Without `field`, the values (IsReadable,
 * IsCreatable, IsEditable, IsDeletable, IsUndeletable, IsMergeable) overwrite that user's UserEntityAccess row of
 * the object; with it, the values (IsAccessible, IsUpdatable, IsCreatable) overwrite the UserFieldAccess row of the
 * field. Only those rows change: nothing else the org answers follows from an override. 400 `{ error }` for an
 * unknown column or a malformed body.
 */
import YAML from 'yaml';
import type { OrgModel } from '../context.js';
import type { OrgState } from '../orgState.js';
import { StateError, serializeState } from '../state.js';
import { parseAccessOverrides, type AccessOverride } from '../userAccess.js';
import type { FaultRule } from './faults.js';
import type { Res } from './http.js';
import type { RequestLogEntry } from './requestLog.js';

/** The server controls the test endpoints drive. */
export type TestControls = {
  readonly model: OrgModel;
  requestLog(): RequestLogEntry[];
  clearLog(): void;
  logBodies(on: boolean): void;
  setFaults(rules: FaultRule[]): void;
  accessOverrides(): AccessOverride[];
  setAccessOverrides(overrides: AccessOverride[]): void;
  setLatency(ms: number): void;
  issuedTokens(): unknown;
  expireAccessTokens(): void;
};

/** test-only: GET the secrets a test must never find in any output of the CLI; DELETE expires every access token. */
const tokensEndpoint = (srv: TestControls, method: string): Res => {
  if (method === 'GET') return { status: 200, json: srv.issuedTokens() };
  if (method === 'DELETE') {
    srv.expireAccessTokens();
    return { status: 200, json: { ok: true } };
  }
  return { status: 405, json: { error: 'GET or DELETE' } };
};

/** test-only: PUT/POST replaces the UserEntityAccess / UserFieldAccess overrides (`[]` clears them); GET lists them. */
const accessOverridesEndpoint = (srv: TestControls, method: string, body: Buffer): Res => {
  if (method === 'GET') return { status: 200, json: srv.accessOverrides() };
  if (method !== 'PUT' && method !== 'POST') return { status: 405, json: { error: 'GET, PUT or POST' } };
  try {
    srv.setAccessOverrides(parseAccessOverrides(JSON.parse(body.toString('utf8') || '[]')));
    return { status: 200, json: { ok: true, overrides: srv.accessOverrides().length } };
  } catch (e) {
    return { status: 400, json: { error: (e as Error).message } };
  }
};

const stateEndpoint = (srv: TestControls, method: string, query: URLSearchParams, body: Buffer): Res | undefined => {
  if (method === 'GET') {
    if (query.get('format') === 'yaml') return { status: 200, text: serializeState(srv.model.state), contentType: 'application/yaml' };
    return { status: 200, json: srv.model.state };
  }
  if (method !== 'PUT' && method !== 'POST') return undefined;
  try {
    const parsed = YAML.parse(body.toString('utf8')) as OrgState;
    srv.model.commit(parsed ?? {});
    return { status: 200, json: { ok: true } };
  } catch (e) {
    if (e instanceof StateError) return { status: 400, json: { error: e.message, violations: e.violations } };
    return { status: 400, json: { error: (e as Error).message } };
  }
};

const logEndpoint = (srv: TestControls, method: string, body: Buffer): Res | undefined => {
  if (method === 'GET') return { status: 200, json: srv.requestLog() };
  if (method === 'PUT') {
    const parsed = JSON.parse(body.toString('utf8') || '{}') as { bodies?: unknown };
    srv.logBodies(parsed.bodies === true);
    return { status: 200, json: { ok: true } };
  }
  if (method !== 'DELETE') return undefined;
  srv.clearLog();
  return { status: 200, json: { ok: true } };
};

const faultsEndpoint = (srv: TestControls, method: string, body: Buffer): Res | undefined => {
  if (method !== 'PUT' && method !== 'POST') return undefined;
  try {
    const parsed = JSON.parse(body.toString('utf8') || '[]') as FaultRule[] | { rules: FaultRule[] };
    srv.setFaults(Array.isArray(parsed) ? parsed : parsed.rules ?? []);
    return { status: 200, json: { ok: true } };
  } catch (e) {
    return { status: 400, json: { error: (e as Error).message } };
  }
};

const latencyEndpoint = (srv: TestControls, method: string, body: Buffer): Res | undefined => {
  if (method !== 'PUT' && method !== 'POST') return undefined;
  const parsed = JSON.parse(body.toString('utf8') || '{}') as { ms?: unknown };
  srv.setLatency(Number(parsed.ms ?? 0));
  return { status: 200, json: { ok: true } };
};

/** The answer of a test endpoint; undefined for a path or method it does not serve. */
const testEndpointAnswer = (srv: TestControls, method: string, path: string, query: URLSearchParams, body: Buffer): Res | undefined => {
  switch (path) {
    case '/__emulator/state':
      return stateEndpoint(srv, method, query, body);
    case '/__emulator/log':
      return logEndpoint(srv, method, body);
    case '/__emulator/faults':
      return faultsEndpoint(srv, method, body);
    case '/__emulator/access-overrides':
      return accessOverridesEndpoint(srv, method, body);
    case '/__emulator/tokens':
      return tokensEndpoint(srv, method);
    case '/__emulator/latency':
      return latencyEndpoint(srv, method, body);
    default:
      return undefined;
  }
};

export const testEndpoint = (srv: TestControls, method: string, path: string, query: URLSearchParams, body: Buffer): Res =>
  testEndpointAnswer(srv, method, path, query, body) ?? { status: 404, json: { error: 'no such test endpoint' } };
