/*
 * Replay of a recording made with `sf integration check --record DIR`: a loopback server that answers each
 * request with the answer recorded for the same request (method, path and query, body), in the order they
 * were recorded (the last answer repeats once a request's answers are used up). So `check` against it gives
 * the verdicts of the recorded run without the org. Ids in a recording are placeholders, and the plugin
 * builds its later requests from the Ids of earlier answers, so the requests match the recorded ones.
 *
 * Requests the plugin's own code does not send — the sf login's user info, the API versions, the Dev Hub
 * probe — are answered with stand-ins so that the server can be registered as an sf org. A request that
 * matches nothing is answered 400 REPLAY_NO_RECORDED_ANSWER and listed by misses().
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** What the recorder writes in place of the org's instance URL (src/snapshot/recording.ts). */
export const RECORDED_INSTANCE_URL = 'https://org.recording.invalid';

export type RecordingMeta = {
  format: string;
  version: number;
  command: string;
  args: string[];
  apiVersion: string;
  outcome?: {
    exitCode: number;
    users?: Array<{ username: string; passed: boolean; findings: Array<{ requirement: string; kind: string; status: string }> }>;
    error?: { name: string; salesforceErrorCode?: string };
  };
};

type Exchange = {
  seq: number;
  method: string;
  url: string;
  requestBody?: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: unknown;
};

export type Recording = { dir: string; meta: RecordingMeta; exchanges: Exchange[] };

export const loadRecording = (dir: string): Recording => {
  const meta = JSON.parse(readFileSync(join(dir, 'recording.json'), 'utf8')) as RecordingMeta;
  if (meta.format !== 'sf-integration-access-recording') throw new Error(`${dir}/recording.json is not a recording of sf-integration-access`);
  const files = readdirSync(join(dir, 'exchanges'))
    .filter((f) => f.endsWith('.json'))
    .sort();
  const exchanges = files.map((f) => JSON.parse(readFileSync(join(dir, 'exchanges', f), 'utf8')) as Exchange);
  return { dir, meta, exchanges };
};

const SESSION_IN_XML = /<((?:[\w-]+:)?sessionId)>[^<]*<\/\1>/g;

/** A request body as matched: JSON re-serialised, SOAP session ids blanked, the server's URL as recorded. */
const bodyKey = (body: unknown, origin: string): string => {
  if (body === undefined || body === null || body === '') return '';
  let text = typeof body === 'string' ? body : JSON.stringify(body);
  text = text.split(origin).join(RECORDED_INSTANCE_URL).replace(SESSION_IN_XML, (_m, tag: string) => `<${tag}>[scrubbed]</${tag}>`);
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return JSON.stringify(JSON.parse(text));
    } catch {
      return text;
    }
  }
  return text;
};

const pathKey = (url: string): string => url.replace(/^\/+/, '/');
const keyOf = (method: string, url: string, body: unknown, origin: string): string => `${method.toUpperCase()} ${pathKey(url)}\n${bodyKey(body, origin)}`;

const json = (res: http.ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
  res.end(JSON.stringify(body));
};

export type ReplayServer = {
  url: string;
  /** Requests that had no recorded answer */
  misses(): string[];
  stop(): Promise<void>;
};

/** Stand-in answers for what an sf login asks (user info, versions, Dev Hub probe, the org row), never recorded. */
const loginAnswer = (method: string, url: string, apiVersion: string, username: string): { status: number; body: unknown } | undefined => {
  if (method !== 'GET') return undefined;
  const path = pathKey(url);
  const userId = '005REPLAY000001';
  // eslint-disable-next-line camelcase -- the OAuth user info's names
  if (path === '/services/oauth2/userinfo') return { status: 200, body: { user_id: userId, organization_id: '00DREPLAY000001', preferred_username: username } };
  if (path === '/services/data' || path === '/services/data/') return { status: 200, body: [{ label: 'Recorded', url: `/services/data/v${apiVersion}`, version: apiVersion }] };
  if (/^\/services\/data\/v[\d.]+\/sobjects\/User\//.test(path)) return { status: 200, body: { Id: userId, Username: username } };
  const soql = decodeURIComponent((/[?&]q=([^&]*)/.exec(path)?.[1] ?? '').replace(/\+/g, ' '));
  if (/FROM\s+ScratchOrgInfo/i.test(soql)) return { status: 400, body: [{ errorCode: 'INVALID_TYPE', message: "sObject type 'ScratchOrgInfo' is not supported." }] };
  if (/FROM\s+SandboxProcess/i.test(soql)) return { status: 200, body: { totalSize: 0, done: true, records: [] } };
  if (/^SELECT Name, InstanceName, IsSandbox, TrialExpirationDate, NamespacePrefix, OrganizationType FROM Organization$/i.test(soql)) {
    const record = { Name: 'Recorded org', InstanceName: 'REPLAY', IsSandbox: false, TrialExpirationDate: null, NamespacePrefix: null, OrganizationType: 'Recorded' };
    return { status: 200, body: { totalSize: 1, done: true, records: [record] } };
  }
  return undefined;
};

/** Serve `recording` on 127.0.0.1 (any free port unless given). */
export const startReplayServer = async (recording: Recording, options: { port?: number; username: string }): Promise<ReplayServer> => {
  const queues = new Map<string, Exchange[]>();
  let origin = '';
  const misses: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const body = Buffer.concat(chunks).toString('utf8');
      const queue = queues.get(keyOf(method, url, body, origin));
      const recorded = queue && queue.length > 1 ? queue.shift() : queue?.[0];
      if (recorded) {
        if (recorded.status === 0) {
          // recorded without an answer (reset or timeout): the connection drops again
          req.socket.destroy();
          return;
        }
        const headers = { ...recorded.responseHeaders };
        const text =
          recorded.responseBody === undefined
            ? ''
            : (typeof recorded.responseBody === 'string' ? recorded.responseBody : JSON.stringify(recorded.responseBody)).split(RECORDED_INSTANCE_URL).join(origin);
        res.writeHead(recorded.status, headers);
        res.end(text);
        return;
      }
      const login = loginAnswer(method, url, recording.meta.apiVersion, options.username);
      if (login) {
        json(res, login.status, login.body);
        return;
      }
      misses.push(`${method} ${url}${body ? ` ${body.slice(0, 300)}` : ''}`);
      json(res, 400, [{ errorCode: 'REPLAY_NO_RECORDED_ANSWER', message: `The recording has no answer for ${method} ${decodeURIComponent(url).slice(0, 300)}` }]);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const e of recording.exchanges) {
    const key = keyOf(e.method, e.url, e.requestBody, origin);
    queues.set(key, [...(queues.get(key) ?? []), e]);
  }
  return {
    url: origin,
    misses: (): string[] => [...misses],
    stop: (): Promise<void> =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
