/*
 * The loopback HTTP server: reads a request, answers the test endpoints (routes/testEndpoints.ts) or applies
 * latency and fault injection (routes/faults.ts), authenticates, and hands the request to its route:
 * OAuth (routes/oauth.ts), REST and Tooling data (routes/data.ts → query, sobjects, composite) or the Metadata
 * API (routes/metadata.ts); every top-level request goes into the request log (routes/requestLog.ts).
 * Paths are parsed by hand: a leading '//' (sf stores instance URLs with a trailing slash) is
 * collapsed, never handed to `new URL(path, base)`.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { OrgModel } from './context.js';
import type { AccessOverride } from './userAccess.js';
import type { RouteContext } from './routes/context.js';
import { dispatchData, versions } from './routes/data.js';
import { ConnectionFault, FaultInjector, type FaultRule, type Faulted } from './routes/faults.js';
import { bearer, encoded, invalidSession, normalisePath, notFound, sfError, soapFault, type Req, type Res } from './routes/http.js';
import { MetadataRoutes } from './routes/metadata.js';
import { oauth, Sessions } from './routes/oauth.js';
import { QueryCursors } from './routes/query.js';
import { RequestLog, type RequestLogEntry } from './routes/requestLog.js';
import { testEndpoint } from './routes/testEndpoints.js';

export type { FaultKind, FaultRule } from './routes/faults.js';
export { soapOperation } from './routes/faults.js';
export type { RequestLogEntry } from './routes/requestLog.js';
export { normalisePath } from './routes/http.js';
export { MAX_VERSION } from './routes/data.js';

export type ServerOptions = { latencyMs?: number; username: string };

export class EmulatorServer implements RouteContext {
  public readonly model: OrgModel;
  public readonly sessions: Sessions;
  public readonly faults = new FaultInjector();
  public readonly cursors = new QueryCursors();
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly log = new RequestLog();
  private readonly metadata: MetadataRoutes;
  private apiCalls = 0;
  private latencyMs: number;
  private overrides: AccessOverride[] = [];
  private port = 0;

  public constructor(model: OrgModel, opts: ServerOptions) {
    this.model = model;
    this.sessions = new Sessions(model.db.orgId, opts.username);
    this.latencyMs = opts.latencyMs ?? 0;
    this.metadata = new MetadataRoutes(model.metadataContext());
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
  public get username(): string {
    return this.sessions.username;
  }
  public get accessToken(): string {
    return this.sessions.accessToken;
  }
  public get refreshToken(): string {
    return this.sessions.refreshToken;
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
    return this.log.list();
  }
  public clearLog(): void {
    this.log.clear();
  }
  /** Whether request log entries carry the request body from now on. */
  public logBodies(on: boolean): void {
    this.log.keepBodies(on);
  }
  public setFaults(rules: FaultRule[]): void {
    this.faults.set(rules);
  }
  public accessOverrides(): AccessOverride[] {
    return this.overrides;
  }
  /** Replaces the corrections applied to UserEntityAccess / UserFieldAccess rows (empty: none). */
  public setAccessOverrides(overrides: AccessOverride[]): void {
    this.overrides = overrides.map((o) => ({ ...o, values: { ...o.values } }));
  }
  public setLatency(ms: number): void {
    this.latencyMs = ms;
  }
  /** Every access token issued so far and the refresh token — what must never appear in any output. */
  public issuedTokens(): { username: string; accessToken: string; refreshToken: string; accessTokens: string[] } {
    return this.sessions.issuedTokens();
  }
  /** Stop accepting every access token issued so far (a session timeout); the refresh token stays valid. */
  public expireAccessTokens(): void {
    this.sessions.expireAll();
  }

  public apiUsage(): number {
    return (this.model.state.dailyApiRequests?.used ?? 0) + this.apiCalls;
  }
  public apiMax(): number {
    return this.model.state.dailyApiRequests?.max ?? 100_000;
  }

  /** Routes one /services/data request (also used for composite subrequests). */
  public dispatch(req: Req, token: string): Promise<Res> {
    return dispatchData(this, this.metadata, req, token);
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

    let result: Faulted;
    if (!logged) {
      result = testEndpoint(this, method, path, new URLSearchParams(search), body);
    } else {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      const fault = this.faults.forRequest(method, logPath, body);
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
      if (logged) this.log.record(method, logPath, 0, body, { bytesOut: 0, bytesOutUncompressed: 0 }, started, cpuStarted);
      req.socket.destroy();
      return;
    }
    if (result === 'timeout') {
      if (logged) this.log.record(method, logPath, 0, body, { bytesOut: 0, bytesOutUncompressed: 0 }, started, cpuStarted);
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
    if (logged) this.log.record(method, logPath, result.status, body, { bytesOut: out.length, bytesOutUncompressed: plain.length }, started, cpuStarted);
  }

  // ------------------------------------------------------------------ top-level dispatch (auth, limits)

  private async dispatchTop(req: Req): Promise<Res> {
    const { path, method } = req;
    if (path.startsWith('/services/oauth2/')) return oauth(this, req);
    if (path === '/services/data' && method === 'GET') return versions();
    const isData = path.startsWith('/services/data/');
    const isSoap = path.startsWith('/services/Soap/');
    if (!isData && !isSoap) return notFound();

    let token = bearer(req.headers);
    if (!token && isSoap) token = /<(?:[\w-]+:)?sessionId>([^<]+)</.exec(req.body.toString('utf8'))?.[1]?.trim();
    if (!token || !this.sessions.userOf(token)) {
      if (isSoap) return soapFault('sf:INVALID_SESSION_ID', 'INVALID_SESSION_ID: Invalid Session ID found in SessionHeader: Illegal Session', 500);
      return invalidSession();
    }
    if (this.model.state.apiEnabledForOrg === false) {
      if (isSoap) return soapFault('sf:API_DISABLED_FOR_ORG', 'API_DISABLED_FOR_ORG: API is not enabled for this Organization or Partner', 500);
      return sfError(403, 'API_DISABLED_FOR_ORG', 'API is not enabled for this Organization or Partner');
    }
    if (this.apiUsage() >= this.apiMax()) return sfError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
    this.apiCalls++;
    if (isSoap) return this.metadata.soap(req);
    return this.dispatch(req, token);
  }
}
