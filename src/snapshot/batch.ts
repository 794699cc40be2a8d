/*
 * Batched reads: many SOQL queries in a few Composite requests (up to 5 queries each), with
 * `nextRecordsUrl` paging followed to the end (never a silent row cap) and transient faults retried.
 * All HTTP of the snapshot goes through here, so the request count is easy to reason about.
 */
import { Connection, Logger, Messages, SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'snapshot');

export type SoqlRecord = Record<string, unknown>;

/** A column value as text ('' for null). */
export const str = (v: unknown): string => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));
/** A checkbox column. */
export const bool = (v: unknown): boolean => v === true || v === 'true';
/** A relationship column (`Profile.UserLicense.Name`) of a record. */
export const rel = (record: SoqlRecord, path: string): unknown =>
  path.split('.').reduce<unknown>((acc, part) => (acc && typeof acc === 'object' ? (acc as Record<string, unknown>)[part] : undefined), record);
/** A SOQL query, or (with `describe`) an sObject describe, answered inside the same batch. */
export type BatchQuery = {
  key: string;
  soql?: string;
  tooling?: boolean;
  describe?: string;
  /** A failure of this subrequest (an object this org or API version lacks) yields no rows instead of an error */
  optional?: boolean;
  /**
   * Any failure of this subrequest that is not transient (after retries) yields no rows and is reported
   * in `bestEffortErrors` instead of failing the read: for cross-checks the check can do without.
   */
  bestEffort?: boolean;
};

/** Why a best-effort query gave no rows, per query key: `ERROR_CODE: message`. */
export type BestEffortErrors = Map<string, string>;

type QueryResult = { totalSize: number; done: boolean; records: SoqlRecord[]; nextRecordsUrl?: string };
type SalesforceError = { errorCode?: string; message?: string };
type CompositeResponse = { compositeResponse: Array<{ httpStatusCode: number; body: unknown; referenceId: string }> };

const MAX_SUBREQUESTS = 25;
const MAX_QUERIES_PER_COMPOSITE = 5;
const TRANSIENT = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'REQUEST_RUNNING_TOO_LONG']);
const NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);
const HTTP_UNAVAILABLE = new Set(['ERROR_HTTP_502', 'ERROR_HTTP_503', 'ERROR_HTTP_504']);
/** Default bound of one HTTP request (SF_INTEGRATION_ACCESS_TIMEOUT_MS overrides it): Salesforce itself gives up on a synchronous query after 120 s. */
const DEFAULT_TIMEOUT_MS = 120_000;
/** A request that timed out is tried once more, not four times: an org that did not answer in minutes rarely answers the third time. */
const TIMEOUT_ATTEMPTS = 2;

/** Created on first use, not at import: the command decides how the root logger writes first (shared/logWriter). */
let batchLogger: Logger | undefined;
const logger = (): Logger => (batchLogger ??= Logger.childFromRoot('sf-integration-access:batch'));

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The bound of one HTTP request to the org, in ms: SF_INTEGRATION_ACCESS_TIMEOUT_MS, else 120 s. */
export const requestTimeoutMs = (): number => {
  const fromEnv = Number(process.env.SF_INTEGRATION_ACCESS_TIMEOUT_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_TIMEOUT_MS;
};

/**
 * Options of every REST request of this plugin: bounded in time, and not retried inside jsforce (which
 * would retry a GET 5 times with up to 8 s pauses); withRetry is the one place that retries.
 */
const requestOptions = (): { timeout: number; retry: { maxRetries: number } } => ({ timeout: requestTimeoutMs(), retry: { maxRetries: 0 } });

type Transport = Connection['_transport'];
type RefreshDelegate = NonNullable<Connection['_refreshDelegate']>;
const bounded = new WeakSet<Transport>();
const refreshBounded = new WeakSet<RefreshDelegate>();
/**
 * Session refreshes allowed per connection in one command. jsforce refreshes and resends after every
 * INVALID_SESSION_ID, with no limit: an org that rejects the refreshed session too (a session locked to
 * another IP, a revoked app) would loop for ever. A command lasts minutes; sessions last hours.
 */
const MAX_REFRESHES = 3;

/**
 * Bound every request the connection makes — REST, SOAP (readMetadata) and the deploy's status polls,
 * which source-deploy-retrieve sends through the same connection — by requestTimeoutMs(). jsforce's own
 * default is 30 minutes and is only settable through HTTP_TIMEOUT before it loads, so the connection's
 * transport gets the timeout added to each request's options. Also bounds the number of session
 * refreshes (MAX_REFRESHES). Idempotent.
 */
export const boundRequests = (conn: Connection): Connection => {
  // eslint-disable-next-line no-underscore-dangle -- jsforce offers no other way to give a connection a request timeout
  const transport = (conn as Partial<Pick<Connection, '_transport'>>)._transport;
  if (!transport || typeof transport.httpRequest !== 'function' || bounded.has(transport)) return conn;
  const original = transport.httpRequest.bind(transport);
  const timeout = requestTimeoutMs();
  transport.httpRequest = (request, options): ReturnType<Transport['httpRequest']> => original(request, { ...options, timeout: options?.timeout ?? timeout });
  bounded.add(transport);
  // eslint-disable-next-line no-underscore-dangle -- the refresh loop is bounded where jsforce runs it
  const delegate = (conn as Partial<Pick<Connection, '_refreshDelegate'>>)._refreshDelegate;
  if (delegate && typeof delegate.refresh === 'function' && !refreshBounded.has(delegate)) {
    const refresh = delegate.refresh.bind(delegate);
    let refreshes = 0;
    delegate.refresh = async (since: number): Promise<void> => {
      if (++refreshes > MAX_REFRESHES) {
        throw Object.assign(new Error(`INVALID_SESSION_ID: the org rejected the session again after ${MAX_REFRESHES} refreshes`), { errorCode: 'INVALID_SESSION_ID' });
      }
      logger().debug(`session refresh ${refreshes} of at most ${MAX_REFRESHES}`);
      return refresh(since);
    };
    refreshBounded.add(delegate);
  }
  return conn;
};

/** One HTTP exchange of a connection as its transport saw it, before any scrubbing (see recording.ts). */
export type RawExchange = {
  method: string;
  url: string;
  requestHeaders: Record<string, unknown>;
  requestBody: unknown;
  /** 0 when no answer came (reset, timeout) */
  status: number;
  responseHeaders: Record<string, unknown>;
  responseBody: unknown;
  /** the transport's error when no answer came */
  error?: string;
  ms: number;
};
const recorded = new WeakSet<Transport>();

/**
 * Hand every request the connection sends, and its answer, to `sink` (`check --record`). This wraps the
 * connection's transport, the one path all of a command's HTTP takes: REST, Composite and Tooling queries,
 * paging, SOAP (readMetadata, deploys and their polls). What the transport returns is left untouched.
 * Session refreshes go through the OAuth2 client's own transport and are not seen here. Idempotent.
 */
export const recordRequests = (conn: Connection, sink: (exchange: RawExchange) => void): Connection => {
  // eslint-disable-next-line no-underscore-dangle -- jsforce offers no request hook; its transport is the one path
  const transport = (conn as Partial<Pick<Connection, '_transport'>>)._transport;
  if (!transport || typeof transport.httpRequest !== 'function' || recorded.has(transport)) return conn;
  const original = transport.httpRequest.bind(transport);
  transport.httpRequest = (request, options): ReturnType<Transport['httpRequest']> => {
    const started = Date.now();
    const sent = {
      method: String(request.method ?? 'GET').toUpperCase(),
      url: String(request.url),
      requestHeaders: { ...(request.headers ?? {}) } as Record<string, unknown>,
      requestBody: request.body,
    };
    const answer = original(request, options);
    answer.then(
      (response) =>
        sink({ ...sent, status: response.statusCode, responseHeaders: { ...response.headers }, responseBody: response.body, ms: Date.now() - started }),
      (error: unknown) => sink({ ...sent, status: 0, responseHeaders: {}, responseBody: undefined, error: `${errorCodeOf(error) ?? 'ERROR'}: ${messageOf(error)}`, ms: Date.now() - started })
    );
    return answer;
  };
  recorded.add(transport);
  return conn;
};

const errorCodeOf = (error: unknown): string | undefined => {
  if (error && typeof error === 'object') {
    const e = error as { errorCode?: unknown; name?: unknown; code?: unknown };
    for (const candidate of [e.errorCode, e.name, e.code]) if (typeof candidate === 'string' && candidate !== 'Error') return candidate;
  }
  return undefined;
};
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error));

const isTimeout = (error: unknown): boolean => {
  const e = error as { name?: unknown; type?: unknown } | undefined;
  return e?.name === 'AbortError' || e?.type === 'aborted' || /Request Timeout|aborted due to timeout|network timeout/i.test(messageOf(error));
};
const isNetwork = (error: unknown): boolean => {
  const e = (error ?? {}) as { code?: unknown; errno?: unknown; errorCode?: unknown };
  const codes = [e.code, e.errno, e.errorCode, errorCodeOf(error)].filter((c): c is string => typeof c === 'string');
  return codes.some((c) => NETWORK.has(c)) || /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|other side closed/i.test(messageOf(error));
};
const isUnavailable = (error: unknown): boolean => {
  const code = errorCodeOf(error) ?? '';
  return code === 'SERVER_UNAVAILABLE' || HTTP_UNAVAILABLE.has(code) || /\b50[234]\b.*(Unavailable|Gateway)|Service Unavailable/i.test(messageOf(error));
};
/** The daily limit is not transient; the concurrent long-request limit is (it clears when a request finishes). */
const isConcurrencyLimit = (error: unknown): boolean =>
  errorCodeOf(error) === 'REQUEST_LIMIT_EXCEEDED' && /Concurrent/i.test(messageOf(error));

const isTransient = (error: unknown): boolean =>
  TRANSIENT.has(errorCodeOf(error) ?? '') || isTimeout(error) || isNetwork(error) || isUnavailable(error) || isConcurrencyLimit(error);

/** How many attempts withRetry made before giving up on an error (for the message). */
const attemptsMade = new WeakMap<object, number>();

/**
 * A query this org or API version does not accept (an object, a column, a filter or a query form it
 * lacks): not transient, and a sign that the org differs from what this plugin was built against.
 */
const QUERY_REFUSALS = new Set(['INVALID_TYPE', 'INVALID_FIELD', 'MALFORMED_QUERY', 'INVALID_QUERY_FILTER_OPERATOR', 'NOT_FOUND']);

/** What the permission-less running user lacks, by what it tried to read or write. */
const neededFor = (what: string): string => {
  const needs: string[] = [];
  if (/\b(User|UserLogin|PermissionSetAssignment|PermissionSetLicenseAssign|OauthToken)\b|users?\b/.test(what)) {
    needs.push('"View All Users" (ViewAllUsers) or "Manage Users" (ManageUsers) to read other users and their assignments');
  }
  if (/assign/i.test(what) && !/PermissionSetAssignment\b/.test(what)) {
    needs.push('"Assign Permission Sets" (AssignPermissionSets) or "Manage Users" (ManageUsers) to assign permission sets and licences');
  }
  if (/deploy/i.test(what)) {
    needs.push('"Modify Metadata Through Metadata API Functions" (ModifyMetadata) or "Customize Application" (CustomizeApplication) to deploy a permission set');
  }
  if (needs.length === 0 || /PermissionSet\b|Permissions|Profile|EntityDefinition|EntityParticle|ConnectedApplication|ExternalClient|ExtlClnt|MutingPermissionSet|SetupEntityAccess|PermissionDependency|metadata|describe/i.test(what)) {
    needs.unshift('"View Setup and Configuration" (ViewSetup) to read permission sets, profiles and field permissions');
  }
  return [...new Set(needs)].join('; ');
};

/**
 * A Salesforce error message without the echoed query: SOQL errors repeat the statement, a caret line
 * and `ERROR at Row:…` before the reason; the reason's first sentence is kept.
 */
export const shortMessage = (message: string): string => {
  const lines = message.split('\n').map((l) => l.trim()).filter(Boolean);
  const last = lines[lines.length - 1] ?? '';
  const sentence = /^(.*?[.!?])(\s|$)/.exec(last)?.[1] ?? last;
  return sentence.length > 200 ? `${sentence.slice(0, 197)}...` : sentence;
};

/**
 * What an org error's `data` holds in the `--json` error envelope (`data.salesforceErrorCode` is the stable
 * field to branch on). Salesforce's own error code and message are kept as the org sent them: REST errors
 * are `[{ errorCode, message }]` and SOAP faults `sf:CODE`
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
 */
export type OrgErrorData = {
  /** Salesforce's errorCode (API_DISABLED_FOR_ORG, INVALID_SESSION_ID, REQUEST_LIMIT_EXCEEDED, INVALID_FIELD, …); absent when the org sent none */
  salesforceErrorCode?: string;
  /** Salesforce's message (a SOQL error's echoed statement left out); absent when the org sent none */
  salesforceMessage?: string;
  /** The HTTP status, when the org answered with one but no Salesforce error code (an HTML 503 page) */
  httpStatus?: number;
  /** A network failure's code (ECONNRESET, ETIMEDOUT, …) when the org did not answer */
  networkErrorCode?: string;
  /** What was being read or written */
  request: string;
  /** Attempts made before giving up */
  attempts: number;
};

/** The error codes of a request that got no answer: they are the network's, not Salesforce's. */
const isNetworkCode = (code: string): boolean => NETWORK.has(code) || /^(E[A-Z]+|UND_ERR_\w+|AbortError|FetchError|TimeoutError)$/.test(code);

/** Salesforce's code and message for an error, or the HTTP / network facts when the org sent no code. */
export const orgErrorData = (error: unknown, what: string, attempts = 1): OrgErrorData => {
  const raw = (errorCodeOf(error) ?? '').replace(/^sf:/, '');
  const data: OrgErrorData = { request: what, attempts };
  const http = /^ERROR_HTTP_(\d{3})$/.exec(raw);
  const detail = messageOf(error);
  if (http) data.httpStatus = Number(http[1]);
  else if (raw && isNetworkCode(raw)) data.networkErrorCode = raw;
  else if (/^[A-Z][A-Z0-9_]*$/.test(raw)) {
    data.salesforceErrorCode = raw;
    const message = shortMessage(detail.startsWith(`${raw}: `) ? detail.slice(raw.length + 2) : detail);
    if (message) data.salesforceMessage = message;
  }
  if (!data.networkErrorCode && !data.salesforceErrorCode && isTimeout(error)) data.networkErrorCode = 'ETIMEDOUT';
  return data;
};

/**
 * The underlying error of an org error, shown as the envelope's `cause` (`[CODE: message]`): the org's
 * answer without a stack trace or request headers.
 */
const causeOf = (data: OrgErrorData): Error => {
  const code = data.salesforceErrorCode ?? data.networkErrorCode ?? (data.httpStatus ? `HTTP ${data.httpStatus}` : 'ERROR');
  const text = `${code}: ${data.salesforceMessage ?? (data.httpStatus ? `the org answered HTTP ${data.httpStatus}` : `no answer for ${data.request}`)}`;
  const cause = new Error(text);
  Object.defineProperty(cause, 'name', { value: code, enumerable: false });
  Object.defineProperty(cause, 'stack', { value: text, enumerable: false });
  return cause;
};

/**
 * Turn an org error into a named SfError with the fix; never leaks the request's headers. `conn`, when
 * given, names the running user (the one whose permissions matter). The error's `data` (OrgErrorData)
 * keeps Salesforce's error code for `--json` consumers.
 */
export const toOrgError = (error: unknown, what: string, conn?: Connection): SfError => {
  if (error instanceof SfError && error.name.startsWith('Org')) return error as SfError;
  const code = (errorCodeOf(error) ?? 'UNKNOWN').replace(/^sf:/, '');
  const detail = messageOf(error);
  const runningUser = conn?.getUsername() ?? 'the --target-org user';
  const attempts = error && typeof error === 'object' ? attemptsMade.get(error) ?? 1 : 1;
  const data = orgErrorData(error, what, attempts);
  const named = (key: string, tokens: string[], actionTokens: string[] = []): SfError => {
    const e = messages.createError(key, tokens, actionTokens, causeOf(data));
    e.setData(data);
    return e;
  };
  const coded = (c: string): boolean => code.includes(c) || detail.includes(c);
  if (coded('INSUFFICIENT_ACCESS')) return named('error.OrgInsufficientAccess', [runningUser, what, `${code}: ${detail}`, neededFor(what)]);
  if (coded('INVALID_SESSION_ID') || /Session expired|invalid_grant|expired access\/refresh token/i.test(detail)) {
    return named('error.OrgSessionExpired', [runningUser, detail], [runningUser]);
  }
  if (coded('REQUEST_LIMIT_EXCEEDED')) return named('error.OrgRequestLimit', [detail]);
  if (coded('API_DISABLED_FOR_ORG')) return named('error.OrgApiDisabled', [detail]);
  if (isTimeout(error)) return named('error.OrgTimeout', [what, String(Number((requestTimeoutMs() / 1000).toFixed(1))), String(attempts)]);
  if (isUnavailable(error)) return named('error.OrgUnavailable', [what, String(attempts), `${code}: ${detail}`]);
  if (isNetwork(error)) return named('error.OrgUnreachable', [conn?.instanceUrl ?? 'the org', what, String(attempts), `${code}: ${detail}`]);
  if (QUERY_REFUSALS.has(code)) return named('error.OrgQueryRefused', [what, `${code}: ${shortMessage(detail)}`]);
  return named('error.OrgReadFailed', [what, `${code}: ${detail}`]);
};

/**
 * Run `fn`, retrying transient faults (503, connection resets, timeouts, row locks, the concurrent
 * request limit) with exponential backoff and jitter, at most `attempts` times in all (a timeout at most
 * twice). Anything else — missing access, an expired session, the daily API limit — fails at once.
 */
export const withRetry = async <T>(fn: () => Promise<T>, attempts = 4, baseMs = 500): Promise<T> => {
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return await fn();
    } catch (error) {
      lastError = error;
      const limit = isTimeout(error) ? Math.min(attempts, TIMEOUT_ATTEMPTS) : attempts;
      if (error && typeof error === 'object') attemptsMade.set(error, attempt);
      if (!isTransient(error) || attempt >= limit) throw error;
      const wait = Math.round(baseMs * 2 ** (attempt - 1) * (0.75 + Math.random() / 2));
      logger().debug(`transient ${errorCodeOf(error) ?? 'error'} (attempt ${attempt} of ${limit}); retrying in ${wait} ms`);
      // eslint-disable-next-line no-await-in-loop
      await sleep(wait);
    }
  }
  throw lastError;
};

/** What a query reads, for messages: its object (`PermissionSet`), or `PermissionSet describe`. */
const subject = (q: BatchQuery): string => (q.describe ? `${q.describe} describe` : /\bFROM\s+(\w+)/i.exec(q.soql ?? '')?.[1] ?? q.key);
const subjects = (qs: BatchQuery[]): string => [...new Set(qs.map(subject))].join(', ');

const describeError = (result: unknown): SalesforceError => {
  const first = Array.isArray(result) ? (result[0] as SalesforceError | undefined) : (result as SalesforceError | undefined);
  return { errorCode: first?.errorCode ?? 'UNKNOWN', message: first?.message ?? JSON.stringify(result) };
};

/** Follow nextRecordsUrl until done; each page is one request. A page that cannot be read fails the whole read. */
const drain = async (conn: Connection, first: QueryResult, q: BatchQuery): Promise<SoqlRecord[]> => {
  const records = [...first.records];
  let page = first;
  while (!page.done && page.nextRecordsUrl) {
    const url = page.nextRecordsUrl;
    try {
      // eslint-disable-next-line no-await-in-loop
      page = await withRetry(() => conn.request<QueryResult>({ method: 'GET', url }, requestOptions()));
    } catch (error) {
      throw toOrgError(error, `${subject(q)} (rows ${records.length + 1}… of ${first.totalSize})`, conn);
    }
    records.push(...page.records);
  }
  if (records.length < first.totalSize) {
    const error = messages.createError('error.OrgReadFailed', [subject(q), `read ${records.length} of ${first.totalSize} rows`]);
    error.setData({ request: subject(q), attempts: 1 } satisfies OrgErrorData);
    throw error;
  }
  return records;
};

/** A query whose rows are not all read yet: its first page (for totalSize), rows read so far, the next page's URL. */
type OpenQuery = { q: BatchQuery; first: QueryResult; read: number; url: string };

/**
 * Keep one page's rows; the query stays open while the page points at another. A query that ends short
 * of its totalSize fails the whole read (never a silent row cap).
 */
const openAfter = (q: BatchQuery, first: QueryResult, readBefore: number, page: QueryResult, out: Map<string, SoqlRecord[]>): OpenQuery[] => {
  out.get(q.key)!.push(...page.records);
  const read = readBefore + page.records.length;
  if (!page.done && page.nextRecordsUrl) return [{ q, first, read, url: page.nextRecordsUrl }];
  if (read < first.totalSize) throw messages.createError('error.OrgReadFailed', [subject(q), `read ${read} of ${first.totalSize} rows`]);
  return [];
};

const OPTIONAL_FAILURES = new Set(['INVALID_TYPE', 'INVALID_FIELD', 'NOT_FOUND', 'INSUFFICIENT_ACCESS_OR_READONLY']);

/**
 * Run the queries in as few round trips as possible: Composite requests (`/composite`, which counts as ONE
 * call against the org's daily API limit, unlike Composite Batch) of up to 5 queries each (Salesforce's
 * limit) plus any describes, sent in parallel. Tooling queries cannot travel in a Composite request and go
 * as their own GET, also in parallel. Returns the records per key; keys may repeat (chunks of one logical
 * query) and are merged. Pages beyond the first (2,000 rows) are read in Composite requests too, the next
 * page of up to five queries per request ("up to 25 subrequests … up to 5 of them query operations,
 * including Query More": REST API Developer Guide, Composite,
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite.htm),
 * so a thousand users' rows cost a few requests, not one per page. Any query that fails (after retries)
 * fails the whole read with a named error: a partial read is never returned.
 */
export const runQueries = async (
  conn: Connection,
  queries: BatchQuery[],
  bestEffortErrors?: BestEffortErrors
): Promise<Map<string, SoqlRecord[]>> => {
  const probe = probes.get(conn);
  return probe ? runProbed(conn, probe, queries, bestEffortErrors) : runBatch(conn, queries, bestEffortErrors);
};

/** One query the reader sent while a probe watched (`sf integration doctor`), and how the org answered it. */
export type ProbedQuery = {
  key: string;
  /** 1 for the reader's first runQueries call, 2 for the second, … */
  round: number;
  soql?: string;
  describe?: string;
  tooling: boolean;
  /** the reader can do without it (an optional or best-effort query) */
  optional: boolean;
  status: 'ok' | 'refused';
  rows: number;
  /** Salesforce's `CODE: message` when refused */
  error?: string;
};
export type QueryProbe = { queries: ProbedQuery[]; rounds: number };
const probes = new WeakMap<Connection, QueryProbe>();

/**
 * Watch every query the reader sends on `conn` from now on (`sf integration doctor`): each is sent on its
 * own terms — a refusal is recorded instead of failing the read, optional queries are not excused — and
 * from the second round on with LIMIT 1 where the object allows it. The reader's queries stay the one
 * list of shapes; the doctor does not copy them.
 */
export const probeQueries = (conn: Connection): QueryProbe => {
  const probe: QueryProbe = { queries: [], rounds: 0 };
  probes.set(conn, probe);
  return probe;
};

/** UserEntityAccess and UserFieldAccess take no LIMIT (see crossCheck.ts); the first round's rows feed the second, so it is not limited. */
const NO_LIMIT = /\bFROM\s+(UserEntityAccess|UserFieldAccess)\b/i;
const limitOne = (soql: string): string => (NO_LIMIT.test(soql) || /\bLIMIT\s+\d+\s*$/i.test(soql) ? soql : `${soql} LIMIT 1`);

const runProbed = async (conn: Connection, probe: QueryProbe, queries: BatchQuery[], bestEffortErrors?: BestEffortErrors): Promise<Map<string, SoqlRecord[]>> => {
  const round = probe.rounds + 1;
  Object.assign(probe, { rounds: round });
  const sent = queries.map((q) => ({ ...q, optional: false, bestEffort: true, soql: q.soql && round > 1 ? limitOne(q.soql) : q.soql }));
  const errors: BestEffortErrors = new Map();
  const out = await runBatch(conn, sent, errors);
  for (const [k, v] of errors) bestEffortErrors?.set(k, v);
  const seen = new Set<string>();
  sent.forEach((q, i) => {
    if (seen.has(q.key)) return;
    seen.add(q.key);
    const error = errors.get(q.key);
    probe.queries.push({
      key: q.key,
      round,
      soql: q.soql,
      describe: q.describe,
      tooling: Boolean(q.tooling),
      optional: queries[i].optional === true || queries[i].bestEffort === true,
      status: error === undefined ? 'ok' : 'refused',
      rows: out.get(q.key)?.length ?? 0,
      ...(error === undefined ? {} : { error }),
    });
  });
  return out;
};

const runBatch = async (conn: Connection, queries: BatchQuery[], bestEffortErrors?: BestEffortErrors): Promise<Map<string, SoqlRecord[]>> => {
  boundRequests(conn);
  const version = conn.getApiVersion();
  const out = new Map<string, SoqlRecord[]>();
  for (const q of queries) out.set(q.key, []);
  const groups: BatchQuery[][] = [];
  let current: BatchQuery[] = [];
  let queriesInCurrent = 0;
  for (const q of queries.filter((x) => !x.tooling)) {
    const isQuery = !q.describe;
    if (current.length === MAX_SUBREQUESTS || (isQuery && queriesInCurrent === MAX_QUERIES_PER_COMPOSITE)) {
      groups.push(current);
      current = [];
      queriesInCurrent = 0;
    }
    current.push(q);
    if (isQuery) queriesInCurrent++;
  }
  if (current.length > 0) groups.push(current);

  /** The failures that are errors (an optional query's expected failure yields no rows instead). */
  const failures = (answers: Array<{ q: BatchQuery; status: number; body: unknown }>): Array<{ q: BatchQuery; error: SalesforceError }> =>
    answers
      .filter((a) => a.status >= 400)
      .map((a) => ({ q: a.q, error: describeError(a.body) }))
      .filter((f) => !(f.q.optional && OPTIONAL_FAILURES.has(f.error.errorCode ?? '')))
      .filter((f) => {
        if (!f.q.bestEffort) return true;
        bestEffortErrors?.set(f.q.key, `${f.error.errorCode ?? 'UNKNOWN'}: ${shortMessage(f.error.message ?? '')}`.trim());
        return false;
      });

  /** Queries with pages still to read (the page after `read` rows): read in Composite requests, five at a time. */
  let open: OpenQuery[] = [];
  const settle = async (answers: Array<{ q: BatchQuery; status: number; body: unknown }>, pagesInComposite = true): Promise<void> => {
    const failed = failures(answers);
    if (failed.length > 0) {
      const first = failed[0].error;
      throw toOrgError(Object.assign(new Error(first.message), { errorCode: first.errorCode }), subjects(failed.map((f) => f.q)), conn);
    }
    await Promise.all(
      answers
        .filter((a) => a.status < 400)
        .map(async ({ q, body }) => {
          if (q.describe) out.get(q.key)!.push(body as SoqlRecord);
          else if (pagesInComposite) open.push(...openAfter(q, body as QueryResult, 0, body as QueryResult, out));
          else out.get(q.key)!.push(...(await drain(conn, body as QueryResult, q)));
        })
    );
  };

  const composite = async (group: BatchQuery[]): Promise<void> => {
    const response = await postComposite(
      group.map((q) =>
        q.describe ? `/services/data/v${version}/sobjects/${q.describe}/describe` : `/services/data/v${version}/query?q=${encodeURIComponent(q.soql ?? '')}`
      ),
      subjects(group)
    );
    await settle(group.map((q, i) => ({ q, status: response.compositeResponse[i]?.httpStatusCode ?? 500, body: response.compositeResponse[i]?.body })));
  };

  /** One Composite request of GET subrequests; a transient failure of any subrequest retries it whole (reads are idempotent). */
  const postComposite = async (urls: string[], what: string): Promise<CompositeResponse> => {
    const body = { allOrNone: false, compositeRequest: urls.map((url, i) => ({ method: 'GET', referenceId: `r${i}`, url })) };
    return withRetry(async () => {
      const r = await conn.request<CompositeResponse>(
        {
          method: 'POST',
          url: `/services/data/v${version}/composite`,
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        },
        requestOptions()
      );
      // a transient failure of one subrequest: retry the whole composite (reads are idempotent)
      const transient = r.compositeResponse.find((res) => res.httpStatusCode >= 400 && isTransient(describeError(res.body)));
      if (transient) {
        const e = describeError(transient.body);
        throw Object.assign(new Error(e.message), { errorCode: e.errorCode });
      }
      return r;
    }).catch((error: unknown) => {
      throw toOrgError(error, what, conn);
    });
  };

  /** The next page of every open query, five per Composite request ("Query More" counts as a query there). */
  const morePages = async (pages: OpenQuery[]): Promise<void> => {
    const what = (o: OpenQuery): string => `${subject(o.q)} (rows ${o.read + 1}… of ${o.first.totalSize})`;
    const response = await postComposite(
      pages.map((o) => o.url),
      pages.map(what).join(', ')
    );
    pages.forEach((o, i) => {
      const answer = response.compositeResponse[i];
      if (!answer || answer.httpStatusCode >= 400) {
        const e = describeError(answer?.body);
        throw toOrgError(Object.assign(new Error(e.message), { errorCode: e.errorCode }), what(o), conn);
      }
      open.push(...openAfter(o.q, o.first, o.read, answer.body as QueryResult, out));
    });
  };

  const tooling = async (q: BatchQuery): Promise<void> => {
    let result: QueryResult;
    try {
      result = await withRetry(() =>
        conn.request<QueryResult>({ method: 'GET', url: `/services/data/v${version}/tooling/query?q=${encodeURIComponent(q.soql ?? '')}` }, requestOptions())
      );
    } catch (error) {
      const code = errorCodeOf(error);
      if (q.bestEffort && !isTransient(error)) {
        bestEffortErrors?.set(q.key, `${code ?? 'UNKNOWN'}: ${shortMessage(messageOf(error))}`);
        return;
      }
      if (!(q.optional && OPTIONAL_FAILURES.has(code ?? ''))) throw toOrgError(error, subject(q), conn);
      return;
    }
    // a Tooling API query's pages are not Composite subrequests: followed one GET at a time
    await settle([{ q, status: 200, body: result }], false);
  };

  await Promise.all([...groups.map(composite), ...queries.filter((q) => q.tooling).map(tooling)]);
  while (open.length > 0) {
    const pages = open;
    open = [];
    const batches: OpenQuery[][] = [];
    for (let i = 0; i < pages.length; i += MAX_QUERIES_PER_COMPOSITE) batches.push(pages.slice(i, i + MAX_QUERIES_PER_COMPOSITE));
    // eslint-disable-next-line no-await-in-loop -- each round needs the previous pages' nextRecordsUrl
    await Promise.all(batches.map(morePages));
  }
  return out;
};
