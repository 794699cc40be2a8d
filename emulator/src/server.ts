/*
 * The loopback HTTP server: REST (query, describe, sobjects), Tooling, Composite, OAuth endpoints,
 * the Metadata API routes, test endpoints, request log, latency and fault injection.
 * Paths are parsed by hand: a leading '//' (sf stores instance URLs with a trailing slash) is
 * collapsed, never handed to `new URL(path, base)`.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import YAML from 'yaml';
import type { OrgState } from './orgState.js';
import type { MetadataContext, OrgModel } from './context.js';
import { noSuchColumn, SoqlError, unsupportedType, type SfRecord } from './soql.js';
import { StateError, serializeState } from './state.js';
import { createRecord, deleteRecord, WriteError } from './writes.js';
import { KEY_PREFIX } from './ids.js';
import { cellValue, type Row, type Table } from './db.js';
import type { SObjectDescribe } from './describes.js';
import { parseAccessOverrides, type AccessOverride } from './userAccess.js';

export type RequestLogEntry = {
  seq: number;
  method: string;
  /** normalised path with the query string */
  path: string;
  status: number;
  bytesIn: number;
  /** bytes sent (gzip-compressed when the request accepted it, as Salesforce does) */
  bytesOut: number;
  /** the response body before compression */
  bytesOutUncompressed: number;
  ms: number;
  /** when the request arrived (epoch ms): requests that overlap in time were in flight together */
  startedAt: number;
  /** CPU time (user + system, ms) the emulator process spent between arrival and answer (concurrent requests' included) */
  cpuMs: number;
  /** the request body (utf8), only while `PUT /__emulator/log {"bodies": true}` asks for it */
  body?: string;
};

/**
 * The body as sent: gzip-compressed when the request accepts gzip, as jsforce's requests do — Salesforce
 * compresses then (REST API Developer Guide, "Compression Headers",
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_compression.htm).
 * The log's bytesOut is what travels, bytesOutUncompressed the JSON / XML itself.
 */
const encoded = (plain: Buffer, acceptEncoding: string | string[] | undefined, headers: Record<string, string>): Buffer => {
  if (plain.length === 0 || !/\bgzip\b/i.test(String(acceptEncoding ?? ''))) return plain;
  // eslint-disable-next-line no-param-reassign -- the response's headers, being built
  headers['Content-Encoding'] = 'gzip';
  return gzipSync(plain);
};

export type FaultKind =
  | 'http503'
  | 'reset'
  | 'timeout'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'INVALID_SESSION_ID'
  | 'UNABLE_TO_LOCK_ROW'
  | 'INSUFFICIENT_ACCESS'
  /** 400 INVALID_TYPE "sObject type 'X' is not supported", as for an object the org lacks (X: the query's FROM object) */
  | 'INVALID_TYPE'
  /** 400 INVALID_FIELD "No such column 'C' on entity 'X'" for the first column of the query's WHERE clause, as for a filter the org lacks */
  | 'INVALID_FIELD'
  /** 403 API_DISABLED_FOR_ORG, as for an edition without API access */
  | 'API_DISABLED_FOR_ORG';

export type FaultRule = {
  /**
   * substring of `METHOD /path?query`, or /regex/flags. A SOAP request's target ends with its operation
   * in brackets (`POST /services/Soap/m/62.0 [checkDeployStatus]`), so polls can be told from deploys.
   */
  match: string;
  /** how many matching requests fail (default 1) */
  times?: number;
  /** let the first N matching requests through */
  skip?: number;
  fault: FaultKind;
  /**
   * Match each subrequest of a Composite request instead of top-level requests, against its decoded
   * target (`GET /services/data/v62.0/query?q=SELECT Id FROM PermissionSet …`): one query of a batch
   * fails the way Salesforce fails it while the others answer. reset/timeout take the whole request down.
   * Each record of an sObject Collections insert is a subrequest too, matched as
   * `POST sobjects/TYPE {"Field":"value",…}` (e.g. one user's PermissionSetAssignment by its AssigneeId).
   */
  subrequests?: boolean;
};

/** A fault that takes the whole connection down, raised from inside a subrequest. */
class ConnectionFault extends Error {
  public constructor(public readonly kind: 'reset' | 'timeout') {
    super(kind);
  }
}

/** What a faulted request was about: its SOQL (query endpoints) and its sObject type (sobjects paths). */
type FaultSubject = { soql?: string; sobject?: string };

const faultSubject = (path: string, query: URLSearchParams): FaultSubject => ({
  soql: /\/query(?:All)?$/.test(path) ? query.get('q') ?? undefined : undefined,
  sobject: /\/sobjects\/([^/]+)/.exec(path)?.[1],
});

/** Salesforce's answer for a query or request naming an object the org lacks. */
const invalidTypeFault = (about: FaultSubject): Res => {
  const from = about.soql ? /\bFROM\s+([A-Za-z_]\w*)/i.exec(about.soql)?.[1] : undefined;
  if (about.soql && from) {
    const e = unsupportedType(about.soql, from);
    return sfError(e.status, e.errorCode, e.message);
  }
  return sfError(
    400,
    'INVALID_TYPE',
    `sObject type '${about.sobject ?? 'unknown'}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
  );
};

/** Salesforce's answer for a query naming a column (here: the first filtered one) the object lacks. */
const invalidFieldFault = (about: FaultSubject): Res => {
  const soql = about.soql ?? '';
  const from = /\bFROM\s+([A-Za-z_]\w*)/i.exec(soql)?.[1] ?? about.sobject ?? 'unknown';
  const column = /\bWHERE\s+\(?\s*([A-Za-z_][\w.]*)/i.exec(soql)?.[1] ?? /^\s*SELECT\s+([A-Za-z_][\w.]*)/i.exec(soql)?.[1] ?? 'Id';
  const e = noSuchColumn(soql, column, from);
  return sfError(e.status, e.errorCode, e.message);
};

/** `METHOD /path?query` of a composite subrequest, decoded so rules can name SOQL text. */
const subrequestTarget = (sub: { method: string; path: string; query: URLSearchParams }): string => {
  const q = [...sub.query.entries()].map(([k, v]) => `${k}=${v}`).join('&');
  return `${sub.method} ${sub.path}${q ? `?${q}` : ''}`;
};

/** The operation of a SOAP envelope: the first element inside its Body. */
export const soapOperation = (body: Buffer): string | undefined =>
  /<(?:[\w-]+:)?Body\b[^>]*>\s*<(?:[\w-]+:)?([A-Za-z]\w*)/.exec(body.toString('utf8'))?.[1];

type MetadataModule = {
  handleSoap(ctx: MetadataContext, body: string, soapAction: string | undefined): Promise<{ status: number; body: string }>;
  handleRestDeploy(
    ctx: MetadataContext,
    method: string,
    subPath: string,
    contentType: string | undefined,
    body: Buffer
  ): Promise<{ status: number; body: unknown }>;
};

type Req = {
  method: string;
  /** normalised path without the query string */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
};

type Res = {
  status: number;
  /** JSON body (serialised) unless text is given */
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
};

type Cursor = { records: SfRecord[]; tooling: boolean; apiVersion: string; batch: number; created: number };

export const MAX_VERSION = '62.0';
const VERSIONS = ['58.0', '59.0', '60.0', '61.0', '62.0'];
const VERSION_LABELS: Record<string, string> = {
  '58.0': "Summer '23",
  '59.0': "Winter '24",
  '60.0': "Spring '24",
  '61.0': "Summer '24",
  '62.0': "Winter '25",
};
const PAGE = 2000;

const sfError = (status: number, errorCode: string, message: string, fields?: string[]): Res => ({
  status,
  json: [fields ? { message, errorCode, fields } : { message, errorCode }],
});

const invalidSession = (): Res => sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

/** Collapses repeated slashes and splits off the query string — without URL parsing against a base. */
export const normalisePath = (raw: string): { path: string; search: string } => {
  const q = raw.indexOf('?');
  const pathPart = q >= 0 ? raw.slice(0, q) : raw;
  const search = q >= 0 ? raw.slice(q + 1) : '';
  let path = pathPart.replace(/\/{2,}/g, '/');
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  return { path: decoded, search };
};

const randomToken = (n: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += alphabet.charAt(b % alphabet.length);
  return out;
};

const bearer = (headers: http.IncomingHttpHeaders): string | undefined => {
  const h = headers.authorization;
  if (!h) return undefined;
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h.trim());
  return m ? m[1].trim() : undefined;
};

const methodNotAllowed = (method: string): Res => sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);

const versions = (): Res => ({
  status: 200,
  json: VERSIONS.map((v) => ({ label: VERSION_LABELS[v] ?? v, url: `/services/data/v${v}`, version: v })),
});

const resources = (version: string, tooling: boolean): Record<string, string> => {
  const base = `/services/data/v${version}${tooling ? '/tooling' : ''}`;
  if (tooling) return { sobjects: `${base}/sobjects`, query: `${base}/query` };
  return {
    sobjects: `${base}/sobjects`,
    query: `${base}/query`,
    queryAll: `${base}/queryAll`,
    tooling: `${base}/tooling`,
    composite: `${base}/composite`,
    limits: `${base}/limits`,
    metadata: `${base}/metadata`,
  };
};

const locatorUrl = (cursorId: string, offset: number, version: string, tooling: boolean): string =>
  `/services/data/v${version}/${tooling ? 'tooling/' : ''}query/${cursorId}-${offset}`;

const withVersion = (d: SObjectDescribe, version: string, tooling: boolean): SObjectDescribe => {
  const base = `/services/data/v${version}/${tooling ? 'tooling/' : ''}sobjects/${d.name}`;
  return { ...d, urls: { ...d.urls, sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` } };
};

const globalEntry = (d: SObjectDescribe, version: string, tooling: boolean): Record<string, unknown> => {
  const base = `/services/data/v${version}/${tooling ? 'tooling/' : ''}sobjects/${d.name}`;
  return {
    activateable: false,
    createable: d.createable,
    custom: d.custom,
    customSetting: false,
    deletable: d.deletable,
    deprecatedAndHidden: false,
    feedEnabled: false,
    keyPrefix: d.keyPrefix,
    label: d.label,
    labelPlural: d.labelPlural,
    layoutable: d.layoutable ?? false,
    mergeable: false,
    mruEnabled: false,
    name: d.name,
    queryable: true,
    replicateable: false,
    retrieveable: true,
    searchable: d.searchable ?? false,
    triggerable: false,
    undeletable: false,
    updateable: d.updateable,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
  };
};

const fullRecord = (table: Table, row: Row, version: string, tooling: boolean, only?: string[]): SfRecord => {
  const key = cellValue(table, row, table.keyColumn);
  const out: SfRecord = {
    attributes: { type: table.name, url: `/services/data/v${version}/${tooling ? 'tooling/' : ''}sobjects/${table.name}/${String(key)}` },
  };
  const cols = only ? only.map((c) => table.columns.get(c.toLowerCase())).filter((c): c is string => c !== undefined) : [...table.columns.values()];
  for (const c of cols) out[c] = cellValue(table, row, c);
  return out;
};

const jsonBody = (req: Req): Record<string, unknown> => {
  try {
    const parsed = JSON.parse(req.body.toString('utf8') || '{}') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new WriteError(400, 'JSON_PARSER_ERROR', 'The request body is not a JSON object');
};

const subRequest = (method: string, url: string, body: unknown, headers: http.IncomingHttpHeaders): Req => {
  const abs = url.startsWith('/') ? url : `/services/data/${url}`;
  const { path, search } = normalisePath(abs);
  const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { method: method.toUpperCase(), path, query: new URLSearchParams(search), headers, body: Buffer.from(text, 'utf8') };
};

const soapFault = (code: string, message: string, status = 500): Res => {
  const esc = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    status,
    contentType: 'text/xml;charset=UTF-8',
    text: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>${code}</faultcode><faultstring>${esc}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
  };
};

export type ServerOptions = { latencyMs?: number; username: string };

export class EmulatorServer {
  public readonly accessToken: string;
  public readonly refreshToken: string;
  public username: string;
  private readonly model: OrgModel;
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  /** access tokens this server accepts → their user (the first one, plus any minted by a refresh) */
  private readonly tokens = new Map<string, string>();
  /** every access token ever issued, accepted or not (for the secret scan of the tests) */
  private readonly issued: string[] = [];
  private readonly cursors = new Map<string, Cursor>();
  private cursorSeq = 0;
  private log: RequestLogEntry[] = [];
  private logBodies = false;
  private seq = 0;
  private apiCalls = 0;
  private latencyMs: number;
  private faults: Array<FaultRule & { seen: number; fired: number }> = [];
  private accessOverrides: AccessOverride[] = [];
  private port = 0;
  private metadataModule: Promise<MetadataModule | undefined> | undefined;
  private readonly metadataCtx: MetadataContext;

  public constructor(model: OrgModel, opts: ServerOptions) {
    this.model = model;
    this.username = opts.username;
    this.latencyMs = opts.latencyMs ?? 0;
    const orgId15 = model.db.orgId.slice(0, 15);
    this.accessToken = `${orgId15}!AQ${randomToken(96)}`;
    this.refreshToken = `5Aep${randomToken(80)}`;
    this.tokens.set(this.accessToken, opts.username);
    this.issued.push(this.accessToken);
    this.metadataCtx = model.metadataContext();
    model.onCommit(() => this.cursors.clear());
    this.server = http.createServer((req, res) => {
      void this.handle(req, res);
    });
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  public get instanceUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  public async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    const addr = this.server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    return this.port;
  }

  public async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  public requestLog(): RequestLogEntry[] {
    return this.log.map((e) => ({ ...e }));
  }
  public clearLog(): void {
    this.log = [];
  }
  public setFaults(rules: FaultRule[]): void {
    this.faults = rules.map((r) => ({ ...r, seen: 0, fired: 0 }));
  }
  /** Replaces the corrections applied to UserEntityAccess / UserFieldAccess rows (empty: none). */
  public setAccessOverrides(overrides: AccessOverride[]): void {
    this.accessOverrides = overrides.map((o) => ({ ...o, values: { ...o.values } }));
  }
  public setLatency(ms: number): void {
    this.latencyMs = ms;
  }
  /** Every access token issued so far and the refresh token — what must never appear in any output. */
  public issuedTokens(): { username: string; accessToken: string; refreshToken: string; accessTokens: string[] } {
    return { username: this.username, accessToken: this.accessToken, refreshToken: this.refreshToken, accessTokens: [...this.issued] };
  }
  /** Stop accepting every access token issued so far (a session timeout); the refresh token stays valid. */
  public expireAccessTokens(): void {
    this.tokens.clear();
  }

  // ------------------------------------------------------------------ plumbing

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const cpuStarted = process.cpuUsage();
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const raw = req.url ?? '/';
    const { path, search } = normalisePath(raw);
    const method = (req.method ?? 'GET').toUpperCase();
    const logged = !path.startsWith('/__emulator');
    const logPath = search ? `${path}?${search}` : path;

    let result: Res | 'reset' | 'timeout';
    if (!logged) {
      result = this.testEndpoint(method, path, new URLSearchParams(search), body);
    } else {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      const fault = this.requestFault(method, logPath, body);
      if (fault) result = fault;
      else {
        try {
          result = await this.dispatchTop({ method, path, query: new URLSearchParams(search), headers: req.headers, body });
        } catch (e) {
          if (e instanceof ConnectionFault) result = e.kind;
          else result = sfError(500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred: ${(e as Error).message}`);
        }
      }
    }
    if (result === 'reset') {
      if (logged) this.record(method, logPath, 0, body, { bytesOut: 0, bytesOutUncompressed: 0 }, started, cpuStarted);
      req.socket.destroy();
      return;
    }
    if (result === 'timeout') {
      if (logged) this.record(method, logPath, 0, body, { bytesOut: 0, bytesOutUncompressed: 0 }, started, cpuStarted);
      return; // never answer; the socket is closed on stop()
    }
    const text = result.text ?? (result.json === undefined ? '' : JSON.stringify(result.json));
    const headers: Record<string, string> = {
      'Content-Type': result.contentType ?? 'application/json;charset=UTF-8',
      'Sforce-Limit-Info': `api-usage=${this.apiUsage()}/${this.apiMax()}`,
      ...(result.headers ?? {}),
    };
    const plain = Buffer.from(text, 'utf8');
    const out = encoded(plain, req.headers['accept-encoding'], headers);
    headers['Content-Length'] = String(out.length);
    res.writeHead(result.status, headers);
    res.end(out);
    if (logged) this.record(method, logPath, result.status, body, { bytesOut: out.length, bytesOutUncompressed: plain.length }, started, cpuStarted);
  }

  private record(method: string, path: string, status: number, body: Buffer, sent: { bytesOut: number; bytesOutUncompressed: number }, started: number, cpuStarted: NodeJS.CpuUsage): void {
    const cpu = process.cpuUsage(cpuStarted);
    const entry: RequestLogEntry = {
      seq: ++this.seq,
      method,
      path,
      status,
      bytesIn: body.length,
      ...sent,
      ms: Date.now() - started,
      startedAt: started,
      cpuMs: Math.round((cpu.user + cpu.system) / 100) / 10,
    };
    if (this.logBodies) entry.body = body.toString('utf8');
    this.log.push(entry);
  }

  private apiUsage(): number {
    return (this.model.state.dailyApiRequests?.used ?? 0) + this.apiCalls;
  }
  private apiMax(): number {
    return this.model.state.dailyApiRequests?.max ?? 100_000;
  }

  /** The injected answer for a top-level request, if a rule matches it. */
  private requestFault(method: string, logPath: string, body: Buffer): Res | 'reset' | 'timeout' | undefined {
    const isSoap = logPath.startsWith('/services/Soap/');
    const operation = isSoap && method === 'POST' ? soapOperation(body) : undefined;
    const fault = this.matchFault(`${method} ${logPath}${operation ? ` [${operation}]` : ''}`, false);
    if (!fault) return undefined;
    const q = logPath.indexOf('?');
    const about = faultSubject(q >= 0 ? logPath.slice(0, q) : logPath, new URLSearchParams(q >= 0 ? logPath.slice(q + 1) : ''));
    return this.faultResponse(fault, about, isSoap);
  }

  /** The injected error for one record of an sObject Collections insert, if a subrequest rule matches it. */
  private recordFault(type: string, fields: Record<string, unknown>): WriteError | undefined {
    const rule = this.matchFault(`POST sobjects/${type} ${JSON.stringify(fields)}`, true);
    if (!rule) return undefined;
    const faulted = this.faultResponse(rule, { sobject: type });
    if (faulted === 'reset' || faulted === 'timeout') throw new ConnectionFault(faulted);
    const first = Array.isArray(faulted.json) ? (faulted.json[0] as { errorCode: string; message: string }) : undefined;
    return new WriteError(faulted.status, first?.errorCode ?? 'UNKNOWN_EXCEPTION', first?.message ?? 'fault');
  }

  private matchFault(target: string, subrequest: boolean): FaultRule | undefined {
    for (const f of this.faults) {
      if ((f.subrequests ?? false) !== subrequest) continue;
      const re = /^\/(.*)\/([a-z]*)$/.exec(f.match);
      const hit = re ? new RegExp(re[1], re[2]).test(target) : target.includes(f.match);
      if (!hit) continue;
      f.seen++;
      if (f.seen <= (f.skip ?? 0)) continue;
      if (f.fired >= (f.times ?? 1)) continue;
      f.fired++;
      return f;
    }
    return undefined;
  }

  /** The answer Salesforce gives for the fault: REST errors as JSON, SOAP errors as a SOAP fault. */
  private faultResponse(f: FaultRule, about: FaultSubject = {}, soap = false): Res | 'reset' | 'timeout' {
    if (soap && f.fault !== 'reset' && f.fault !== 'timeout' && f.fault !== 'http503') {
      const rest = this.faultResponse(f, about);
      const first = typeof rest === 'object' && Array.isArray(rest.json) ? (rest.json[0] as { errorCode: string; message: string }) : undefined;
      const code = first?.errorCode ?? 'UNKNOWN_EXCEPTION';
      return soapFault(`sf:${code}`, `${code}: ${first?.message ?? 'fault'}`, 500);
    }
    switch (f.fault) {
      case 'reset':
        return 'reset';
      case 'timeout':
        return 'timeout';
      case 'http503':
        // what Salesforce's edge answers during maintenance: an HTML page, not a JSON error
        if (soap) return { status: 503, text: '<html><body><h1>503 Service Unavailable</h1></body></html>', contentType: 'text/html' };
        return sfError(503, 'SERVER_UNAVAILABLE', 'Server is unavailable, please retry later');
      case 'REQUEST_LIMIT_EXCEEDED':
        return sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
      case 'INVALID_SESSION_ID':
        return invalidSession();
      case 'UNABLE_TO_LOCK_ROW':
        return sfError(400, 'UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record or 1 records');
      case 'INSUFFICIENT_ACCESS':
        return sfError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
      case 'INVALID_TYPE':
        return invalidTypeFault(about);
      case 'INVALID_FIELD':
        return invalidFieldFault(about);
      case 'API_DISABLED_FOR_ORG':
        return sfError(403, 'API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner');
      default:
        return sfError(500, 'UNKNOWN_EXCEPTION', 'fault');
    }
  }

  // ------------------------------------------------------------------ top-level dispatch (auth, limits)

  private async dispatchTop(req: Req): Promise<Res> {
    const { path, method } = req;
    if (path.startsWith('/services/oauth2/')) return this.oauth(req);
    if (path === '/services/data' && method === 'GET') return versions();
    const isData = path.startsWith('/services/data/');
    const isSoap = path.startsWith('/services/Soap/');
    if (!isData && !isSoap) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');

    let token = bearer(req.headers);
    if (!token && isSoap) token = /<(?:[\w-]+:)?sessionId>([^<]+)</.exec(req.body.toString('utf8'))?.[1]?.trim();
    if (!token || !this.tokens.has(token)) {
      if (isSoap) return soapFault('sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session', 500);
      return invalidSession();
    }
    if (this.model.state.apiEnabledForOrg === false) {
      if (isSoap) return soapFault('sf:API_DISABLED_FOR_ORG', 'API_DISABLED_FOR_ORG: API is not enabled for this Organization or Partner', 500);
      return sfError(403, 'API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner');
    }
    if (this.apiUsage() >= this.apiMax()) return sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    this.apiCalls++;
    if (isSoap) return this.soap(req);
    return this.dispatch(req, token);
  }

  /** Routes one /services/data request (also used for composite subrequests). */
  private async dispatch(req: Req, token: string): Promise<Res> {
    const m = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/.exec(req.path);
    if (!m) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const version = m[1];
    const rest = m[2] ?? '';
    const parts = rest.split('/').filter((p) => p.length > 0);
    const method = req.method;
    const tooling = parts[0] === 'tooling';
    const p = tooling ? parts.slice(1) : parts;

    if (p.length === 0) return { status: 200, json: resources(version, tooling) };
    try {
      switch (p[0]) {
        case 'query':
        case 'queryAll':
          if (method !== 'GET') return methodNotAllowed(method);
          if (p.length === 1) return this.query(req, version, tooling);
          return this.queryMore(p[1], version);
        case 'sobjects':
          return this.sobjects(req, p.slice(1), version, tooling);
        case 'limits':
          return { status: 200, json: this.limits() };
        case 'composite':
          if (tooling) break;
          return await this.composite(req, p.slice(1), version, token);
        case 'metadata':
          if (tooling) break;
          return await this.restDeploy(req, p.slice(1).join('/'));
        default:
          break;
      }
    } catch (e) {
      if (e instanceof SoqlError) return sfError(e.status, e.errorCode, e.message);
      if (e instanceof WriteError) return sfError(e.status, e.errorCode, e.message, e.fields);
      throw e;
    }
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  // ------------------------------------------------------------------ resources

  private limits(): Record<string, { Max: number; Remaining: number }> {
    const max = this.apiMax();
    return {
      DailyApiRequests: { Max: max, Remaining: Math.max(0, max - this.apiUsage()) },
      DailyAsyncApexExecutions: { Max: 250_000, Remaining: 250_000 },
      DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 },
      DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
      DataStorageMB: { Max: 5120, Remaining: 5100 },
      FileStorageMB: { Max: 5120, Remaining: 5100 },
      SingleEmail: { Max: 5000, Remaining: 5000 },
    };
  }

  // ------------------------------------------------------------------ OAuth

  /* eslint-disable camelcase -- Salesforce's names: the OAuth token and userinfo responses are snake_case on the wire */
  private oauth(req: Req): Res {
    const { path, method } = req;
    if (path === '/services/oauth2/userinfo') {
      const token = bearer(req.headers);
      const username = token ? this.tokens.get(token) : undefined;
      if (!username) return { status: 403, text: 'Bad_OAuth_Token', contentType: 'text/plain' };
      return { status: 200, json: this.userinfo(username) };
    }
    if (path === '/services/oauth2/token' && method === 'POST') {
      const form = new URLSearchParams(req.body.toString('utf8'));
      if (form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === this.refreshToken) {
        const orgId15 = this.model.db.orgId.slice(0, 15);
        const fresh = `${orgId15}!AQ${randomToken(96)}`;
        this.tokens.set(fresh, this.username);
        this.issued.push(fresh);
        const user = this.userRow(this.username);
        return {
          status: 200,
          json: {
            access_token: fresh,
            instance_url: this.instanceUrl,
            id: `${this.instanceUrl}/id/${this.model.db.orgId}/${String(user?.Id ?? '')}`,
            token_type: 'Bearer',
            issued_at: String(Date.now()),
            scope: 'api refresh_token id',
            signature: randomBytes(32).toString('base64'),
          },
        };
      }
      return { status: 400, json: { error: 'invalid_grant', error_description: 'expired access/refresh token' } };
    }
    if (path === '/services/oauth2/revoke') return { status: 200, text: '', contentType: 'text/plain' };
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  private userRow(username: string): Row | undefined {
    const users = this.model.db.table('User');
    if (!users) return undefined;
    return this.model.db.lookup(users, 'Username', username)[0];
  }

  private userinfo(username: string): Record<string, unknown> {
    const u = this.userRow(username) ?? {};
    const orgId = this.model.db.orgId;
    const userId = String(u.Id ?? '');
    const base = this.instanceUrl;
    return {
      sub: `${base}/id/${orgId}/${userId}`,
      user_id: userId,
      organization_id: orgId,
      preferred_username: u.Username,
      nickname: u.CommunityNickname,
      name: u.Name,
      email: u.Email,
      email_verified: true,
      given_name: u.FirstName,
      family_name: u.LastName,
      zoneinfo: u.TimeZoneSidKey,
      locale: u.LocaleSidKey,
      language: u.LanguageLocaleKey,
      active: u.IsActive,
      user_type: 'STANDARD',
      is_app_installed: true,
      urls: {
        enterprise: `${base}/services/Soap/c/{version}/${orgId}`,
        metadata: `${base}/services/Soap/m/{version}/${orgId}`,
        partner: `${base}/services/Soap/u/{version}/${orgId}`,
        rest: `${base}/services/data/v{version}/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
        query: `${base}/services/data/v{version}/query/`,
        tooling_rest: `${base}/services/data/v{version}/tooling/`,
        profile: `${base}/${userId}`,
      },
      updated_at: '2024-01-15T10:00:00Z',
    };
  }
  /* eslint-enable camelcase */

  // ------------------------------------------------------------------ query

  private query(req: Req, version: string, tooling: boolean): Res {
    const q = req.query.get('q');
    if (q === null) return sfError(400, 'MALFORMED_QUERY', 'Query string parameter q is required');
    const outcome = this.model.engine.run(q, { tooling, apiVersion: version, accessOverrides: this.accessOverrides });
    const batchHeader = /batchSize\s*=\s*(\d+)/i.exec(String(req.headers['sforce-query-options'] ?? ''));
    const batch = batchHeader ? Math.min(PAGE, Math.max(200, Number(batchHeader[1]))) : PAGE;
    if (outcome.records.length <= batch) {
      return { status: 200, json: { totalSize: outcome.totalSize, done: true, records: outcome.records } };
    }
    const id15 = `${KEY_PREFIX.QueryLocator}${String(++this.cursorSeq).padStart(12, '0')}`;
    const cursorId = `${id15}AAA`;
    this.cursors.set(cursorId, { records: outcome.records, tooling, apiVersion: version, batch, created: Date.now() });
    if (this.cursors.size > 200) this.cursors.delete(this.cursors.keys().next().value as string);
    return {
      status: 200,
      json: {
        totalSize: outcome.totalSize,
        done: false,
        nextRecordsUrl: locatorUrl(cursorId, batch, version, tooling),
        records: outcome.records.slice(0, batch),
      },
    };
  }

  private queryMore(locator: string, version: string): Res {
    const m = /^(.+)-(\d+)$/.exec(locator);
    const cursor = m ? this.cursors.get(m[1]) : undefined;
    if (!m || !cursor) return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    const offset = Number(m[2]);
    const page = cursor.records.slice(offset, offset + cursor.batch);
    const next = offset + cursor.batch;
    const done = next >= cursor.records.length;
    const json: Record<string, unknown> = { totalSize: cursor.records.length, done };
    if (!done) json.nextRecordsUrl = locatorUrl(m[1], next, version, cursor.tooling);
    json.records = page;
    return { status: 200, json };
  }

  // ------------------------------------------------------------------ sobjects

  private describeFor(name: string, tooling: boolean): SObjectDescribe | undefined {
    const d = this.model.describes.get(name);
    if (!d) return undefined;
    const api = this.model.describes.api(d.name);
    if (tooling ? api === 'data' : api === 'tooling') return undefined;
    return d;
  }

  private sobjects(req: Req, p: string[], version: string, tooling: boolean): Res {
    const method = req.method;
    if (p.length === 0) {
      if (method !== 'GET') return methodNotAllowed(method);
      const sobjects = this.model.describes
        .allNames()
        .map((n) => this.describeFor(n, tooling))
        .filter((d): d is SObjectDescribe => d !== undefined)
        .map((d) => globalEntry(d, version, tooling));
      return { status: 200, json: { encoding: 'UTF-8', maxBatchSize: 200, sobjects } };
    }
    const d = this.describeFor(p[0], tooling);
    if (!d) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    if (p.length === 1) {
      if (method === 'POST') {
        const body = jsonBody(req);
        const id = createRecord(this.model, d.name, body);
        return { status: 201, json: { id, success: true, errors: [] } };
      }
      if (method !== 'GET') return methodNotAllowed(method);
      return { status: 200, json: { objectDescribe: globalEntry(d, version, tooling), recentItems: [] } };
    }
    if (p[1] === 'describe' && p.length === 2) {
      if (method !== 'GET') return methodNotAllowed(method);
      return { status: 200, json: withVersion(d, version, tooling) };
    }
    if (p.length === 2) {
      const id = p[1];
      if (method === 'DELETE') {
        deleteRecord(this.model, d.name, id);
        return { status: 204, text: '' };
      }
      if (method !== 'GET') return methodNotAllowed(method);
      const table = this.model.db.table(d.name);
      const row = table ? this.model.db.lookup(table, table.keyColumn, id)[0] : undefined;
      if (!table || !row) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const wanted = req.query.get('fields');
      return { status: 200, json: fullRecord(table, row, version, tooling, wanted ? wanted.split(',').map((s) => s.trim()) : undefined) };
    }
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  // ------------------------------------------------------------------ composite

  private async composite(req: Req, p: string[], version: string, token: string): Promise<Res> {
    if (req.method !== 'POST' && !(p[0] === 'sobjects' && req.method === 'DELETE')) return methodNotAllowed(req.method);
    if (p[0] === 'sobjects') return this.compositeSobjects(req);
    if (p[0] === 'batch') return this.compositeBatch(req, version, token);
    if (p.length === 0) return this.compositeGraphless(req, token);
    return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }

  private compositeSobjects(req: Req): Res {
    if (req.method === 'DELETE') {
      const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
      const results = ids.map((id) => {
        const hit = this.model.db.rowById(id);
        try {
          deleteRecord(this.model, hit?.table.name ?? 'PermissionSetAssignment', id);
          return { id, success: true, errors: [] };
        } catch (e) {
          const w = e instanceof WriteError ? e : new WriteError(500, 'UNKNOWN_EXCEPTION', (e as Error).message);
          return { id, success: false, errors: [{ statusCode: w.errorCode, message: w.message, fields: w.fields }] };
        }
      });
      return { status: 200, json: results };
    }
    const body = jsonBody(req);
    const records = Array.isArray(body.records) ? (body.records as Array<Record<string, unknown>>) : [];
    const allOrNone = body.allOrNone === true;
    const before = this.model.checkpoint();
    const results: Array<Record<string, unknown>> = [];
    let failed = false;
    for (const rec of records) {
      const attrs = (rec.attributes ?? {}) as { type?: string };
      const fields = Object.fromEntries(Object.entries(rec).filter(([k]) => k !== 'attributes'));
      try {
        if (failed && allOrNone) throw new WriteError(400, 'ALL_OR_NONE_OPERATION_ROLLED_BACK', 'Record rolled back because not all records were valid and the request was using AllOrNone header');
        const injected = this.recordFault(attrs.type ?? '', fields);
        if (injected) throw injected;
        const id = createRecord(this.model, attrs.type ?? '', fields);
        results.push({ id, success: true, errors: [] });
      } catch (e) {
        if (e instanceof ConnectionFault) throw e;
        const w = e instanceof WriteError ? e : new WriteError(500, 'UNKNOWN_EXCEPTION', (e as Error).message);
        failed = true;
        results.push({ success: false, errors: [{ statusCode: w.errorCode, message: w.message, fields: w.fields }] });
      }
    }
    if (failed && allOrNone) {
      this.model.restore(before);
      const rolled = {
        success: false,
        errors: [
          {
            statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
            message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
            fields: [],
          },
        ],
      };
      return { status: 200, json: results.map((r) => (r.success ? rolled : r)) };
    }
    return { status: 200, json: results };
  }

  /** A composite subrequest's answer: an injected fault (subrequest rules) or the routed request's. */
  private async answerSubrequest(sub: Req, token: string): Promise<Res> {
    const subFault = this.matchFault(subrequestTarget(sub), true);
    const faulted = subFault ? this.faultResponse(subFault, faultSubject(sub.path, sub.query)) : undefined;
    if (faulted === 'reset' || faulted === 'timeout') throw new ConnectionFault(faulted);
    return faulted ?? this.dispatch(sub, token);
  }

  private async compositeBatch(req: Req, version: string, token: string): Promise<Res> {
    const body = jsonBody(req);
    const requests = Array.isArray(body.batchRequests) ? (body.batchRequests as Array<Record<string, unknown>>) : [];
    if (requests.length > 25) return sfError(400, 'INVALID_BATCH_REQUEST', 'A batch cannot contain more than 25 requests');
    const haltOnError = body.haltOnError === true;
    const results: Array<{ statusCode: number; result: unknown }> = [];
    let halted = false;
    for (const r of requests) {
      if (halted) {
        results.push({ statusCode: 412, result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }] });
        continue;
      }
      const url = String(r.url ?? '');
      const sub = subRequest(String(r.method ?? 'GET'), url.startsWith('/') ? url : url.startsWith('v') ? url : `v${version}/${url}`, r.richInput, req.headers);
      // eslint-disable-next-line no-await-in-loop -- subrequests run one after another (haltOnError, references to earlier results)
      const res = await this.answerSubrequest(sub, token);
      results.push({ statusCode: res.status, result: res.json ?? null });
      if (res.status >= 400 && haltOnError) halted = true;
    }
    return { status: 200, json: { hasErrors: results.some((r) => r.statusCode >= 400), results } };
  }

  private async compositeGraphless(req: Req, token: string): Promise<Res> {
    const body = jsonBody(req);
    const requests = Array.isArray(body.compositeRequest) ? (body.compositeRequest as Array<Record<string, unknown>>) : [];
    const allOrNone = body.allOrNone === true;
    const before = this.model.checkpoint();
    const bodies = new Map<string, unknown>();
    const out: Array<Record<string, unknown>> = [];
    let failed = false;
    for (const r of requests) {
      const referenceId = String(r.referenceId ?? '');
      if (failed && allOrNone) {
        out.push({
          body: [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }],
          httpHeaders: {},
          httpStatusCode: 400,
          referenceId,
        });
        continue;
      }
      let unresolved: string | undefined;
      const resolve = (text: string): string =>
        text.replace(/@\{([^}]+)\}/g, (whole, expr: string) => {
          const v = referencePath(bodies, expr);
          if (v === undefined) {
            unresolved = expr;
            return whole;
          }
          return String(v);
        });
      const url = resolve(String(r.url ?? ''));
      const subBody = r.body === undefined ? undefined : JSON.parse(resolve(JSON.stringify(r.body))) as unknown;
      if (unresolved) {
        failed = true;
        out.push({
          body: [{ errorCode: 'PROCESSING_HALTED', message: `Invalid reference specified. No value for ${unresolved} found.` }],
          httpHeaders: {},
          httpStatusCode: 400,
          referenceId,
        });
        continue;
      }
      const sub = subRequest(String(r.method ?? 'GET'), url, subBody, req.headers);
      // eslint-disable-next-line no-await-in-loop -- subrequests run one after another (haltOnError, references to earlier results)
      const res = await this.answerSubrequest(sub, token);
      if (res.status < 400) bodies.set(referenceId, res.json);
      else failed = true;
      out.push({ body: res.json ?? null, httpHeaders: {}, httpStatusCode: res.status, referenceId });
    }
    if (failed && allOrNone) this.model.restore(before);
    return { status: 200, json: { compositeResponse: out } };
  }

  // ------------------------------------------------------------------ Metadata API

  private loadMetadata(): Promise<MetadataModule | undefined> {
    if (!this.metadataModule) {
      const specifier = './metadata/index.js';
      this.metadataModule = (import(specifier) as Promise<MetadataModule>).then(
        (m) => (typeof m.handleSoap === 'function' ? m : undefined),
        () => undefined
      );
    }
    return this.metadataModule;
  }

  private async soap(req: Req): Promise<Res> {
    if (!/^\/services\/Soap\/m\/\d+\.\d+/.test(req.path) || req.method !== 'POST')
      return soapFault('sf:UNKNOWN_EXCEPTION', 'Only the Metadata API (/services/Soap/m/VERSION) is served by this emulator');
    const mod = await this.loadMetadata();
    if (!mod) return soapFault('sf:UNKNOWN_EXCEPTION', 'The Metadata API is not available in this emulator build');
    const action = req.headers.soapaction;
    const out = await mod.handleSoap(this.metadataCtx, req.body.toString('utf8'), Array.isArray(action) ? action[0] : action);
    return { status: out.status, text: out.body, contentType: 'text/xml;charset=UTF-8' };
  }

  private async restDeploy(req: Req, subPath: string): Promise<Res> {
    if (!subPath.startsWith('deployRequest')) return sfError(404, 'NOT_FOUND', 'The requested resource does not exist');
    const mod = await this.loadMetadata();
    if (!mod) return sfError(501, 'NOT_IMPLEMENTED', 'The Metadata API is not available in this emulator build');
    const ct = req.headers['content-type'];
    const search = req.query.toString();
    const out = await mod.handleRestDeploy(this.metadataCtx, req.method, search ? `${subPath}?${search}` : subPath, ct, req.body);
    return { status: out.status, json: out.body };
  }

  // ------------------------------------------------------------------ test endpoints

  /** test-only: GET the secrets a test must never find in any output of the CLI; DELETE expires every access token. */
  private tokensEndpoint(method: string): Res {
    if (method === 'GET') return { status: 200, json: this.issuedTokens() };
    if (method === 'DELETE') {
      this.expireAccessTokens();
      return { status: 200, json: { ok: true } };
    }
    return { status: 405, json: { error: 'GET or DELETE' } };
  }

  /** test-only: PUT/POST replaces the UserEntityAccess / UserFieldAccess overrides (`[]` clears them); GET lists them. */
  private accessOverridesEndpoint(method: string, body: Buffer): Res {
    if (method === 'GET') return { status: 200, json: this.accessOverrides };
    if (method !== 'PUT' && method !== 'POST') return { status: 405, json: { error: 'GET, PUT or POST' } };
    try {
      this.setAccessOverrides(parseAccessOverrides(JSON.parse(body.toString('utf8') || '[]')));
      return { status: 200, json: { ok: true, overrides: this.accessOverrides.length } };
    } catch (e) {
      return { status: 400, json: { error: (e as Error).message } };
    }
  }

  /**
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
  private testEndpoint(method: string, path: string, query: URLSearchParams, body: Buffer): Res {
    const answer = this.testEndpointAnswer(method, path, query, body);
    return answer ?? { status: 404, json: { error: 'no such test endpoint' } };
  }

  /** The answer of a test endpoint; undefined for a path or method it does not serve. */
  private testEndpointAnswer(method: string, path: string, query: URLSearchParams, body: Buffer): Res | undefined {
    switch (path) {
      case '/__emulator/state':
        return this.stateEndpoint(method, query, body);
      case '/__emulator/log':
        return this.logEndpoint(method, body);
      case '/__emulator/faults':
        return this.faultsEndpoint(method, body);
      case '/__emulator/access-overrides':
        return this.accessOverridesEndpoint(method, body);
      case '/__emulator/tokens':
        return this.tokensEndpoint(method);
      case '/__emulator/latency':
        return this.latencyEndpoint(method, body);
      default:
        return undefined;
    }
  }

  private stateEndpoint(method: string, query: URLSearchParams, body: Buffer): Res | undefined {
    if (method === 'GET') {
      if (query.get('format') === 'yaml') return { status: 200, text: serializeState(this.model.state), contentType: 'application/yaml' };
      return { status: 200, json: this.model.state };
    }
    if (method !== 'PUT' && method !== 'POST') return undefined;
    try {
      const parsed = YAML.parse(body.toString('utf8')) as OrgState;
      this.model.commit(parsed ?? {});
      return { status: 200, json: { ok: true } };
    } catch (e) {
      if (e instanceof StateError) return { status: 400, json: { error: e.message, violations: e.violations } };
      return { status: 400, json: { error: (e as Error).message } };
    }
  }

  private logEndpoint(method: string, body: Buffer): Res | undefined {
    if (method === 'GET') return { status: 200, json: this.requestLog() };
    if (method === 'PUT') {
      const parsed = JSON.parse(body.toString('utf8') || '{}') as { bodies?: unknown };
      this.logBodies = parsed.bodies === true;
      return { status: 200, json: { ok: true } };
    }
    if (method !== 'DELETE') return undefined;
    this.clearLog();
    return { status: 200, json: { ok: true } };
  }

  private faultsEndpoint(method: string, body: Buffer): Res | undefined {
    if (method !== 'PUT' && method !== 'POST') return undefined;
    try {
      const parsed = JSON.parse(body.toString('utf8') || '[]') as FaultRule[] | { rules: FaultRule[] };
      this.setFaults(Array.isArray(parsed) ? parsed : parsed.rules ?? []);
      return { status: 200, json: { ok: true } };
    } catch (e) {
      return { status: 400, json: { error: (e as Error).message } };
    }
  }

  private latencyEndpoint(method: string, body: Buffer): Res | undefined {
    if (method !== 'PUT' && method !== 'POST') return undefined;
    const parsed = JSON.parse(body.toString('utf8') || '{}') as { ms?: unknown };
    this.setLatency(Number(parsed.ms ?? 0));
    return { status: 200, json: { ok: true } };
  }
}

/** `ref.id`, `ref.records[0].Id` … in earlier composite results. */
const referencePath = (bodies: Map<string, unknown>, expr: string): unknown => {
  const parts = expr.replace(/\[(\d+)\]/g, '.$1').split('.');
  let cur: unknown = bodies.get(parts[0]);
  for (const part of parts.slice(1)) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur === null ? undefined : cur;
};

