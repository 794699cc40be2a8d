/*
 * Batched reads: many SOQL queries in a few Composite requests (up to 5 queries each), with
 * `nextRecordsUrl` paging followed to the end (never a silent row cap) and transient faults retried.
 * All HTTP of the snapshot goes through here, so the request count is easy to reason about.
 */
import { Connection, Messages, SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'snapshot');

export type SoqlRecord = Record<string, unknown>;
/** A SOQL query, or (with `describe`) an sObject describe, answered inside the same batch. */
export type BatchQuery = {
  key: string;
  soql?: string;
  tooling?: boolean;
  describe?: string;
  /** A failure of this subrequest (an object this org or API version lacks) yields no rows instead of an error */
  optional?: boolean;
};

type QueryResult = { totalSize: number; done: boolean; records: SoqlRecord[]; nextRecordsUrl?: string };
type SalesforceError = { errorCode?: string; message?: string };
type CompositeResponse = { compositeResponse: Array<{ httpStatusCode: number; body: unknown; referenceId: string }> };

const MAX_SUBREQUESTS = 25;
const MAX_QUERIES_PER_COMPOSITE = 5;
const TRANSIENT = new Set(['UNABLE_TO_LOCK_ROW', 'SERVER_UNAVAILABLE', 'REQUEST_RUNNING_TOO_LONG']);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const errorCodeOf = (error: unknown): string | undefined => {
  if (error && typeof error === 'object') {
    const e = error as { errorCode?: unknown; name?: unknown; code?: unknown };
    for (const candidate of [e.errorCode, e.name, e.code]) if (typeof candidate === 'string') return candidate;
  }
  return undefined;
};

const isTransient = (error: unknown): boolean => {
  const code = errorCodeOf(error) ?? '';
  if (TRANSIENT.has(code)) return true;
  if (['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'ERROR_HTTP_503', 'ERROR_HTTP_502', 'ERROR_HTTP_504'].includes(code)) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /socket hang up|ECONNRESET|timed? ?out|503|Service Unavailable/i.test(message);
};

/** Turn an org error into a named SfError with the fix; never leaks the request's headers. */
export const toOrgError = (error: unknown, what: string): SfError => {
  if (error instanceof SfError && error.name.startsWith('Org')) return error;
  const code = errorCodeOf(error) ?? 'UNKNOWN';
  const detail = error instanceof Error ? error.message : String(error);
  if (/INSUFFICIENT_ACCESS/.test(code) || /INSUFFICIENT_ACCESS/.test(detail)) {
    return messages.createError('error.OrgInsufficientAccess', [what, detail]);
  }
  if (code === 'INVALID_SESSION_ID' || /INVALID_SESSION_ID|Session expired/i.test(detail)) {
    return messages.createError('error.OrgSessionExpired', [detail]);
  }
  if (code === 'REQUEST_LIMIT_EXCEEDED' || /REQUEST_LIMIT_EXCEEDED/.test(detail)) {
    return messages.createError('error.OrgRequestLimit', [detail]);
  }
  if (code === 'API_DISABLED_FOR_ORG' || /API_DISABLED_FOR_ORG/.test(detail)) {
    return messages.createError('error.OrgApiDisabled', [detail]);
  }
  return messages.createError('error.OrgReadFailed', [what, `${code}: ${detail}`]);
};

/** Run `fn`, retrying transient faults with exponential backoff (bounded attempts). */
export const withRetry = async <T>(fn: () => Promise<T>, attempts = 4, baseMs = 200): Promise<T> => {
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      // eslint-disable-next-line no-await-in-loop
      return await fn();
    } catch (error) {
      lastError = error;
      if (!isTransient(error) || attempt === attempts - 1) throw error;
      // eslint-disable-next-line no-await-in-loop
      await sleep(baseMs * 2 ** attempt);
    }
  }
  throw lastError;
};

const describeError = (result: unknown): SalesforceError => {
  const first = Array.isArray(result) ? (result[0] as SalesforceError | undefined) : (result as SalesforceError | undefined);
  return { errorCode: first?.errorCode ?? 'UNKNOWN', message: first?.message ?? JSON.stringify(result) };
};

/** Follow nextRecordsUrl until done; each page is one request. */
const drain = async (conn: Connection, first: QueryResult, key: string): Promise<SoqlRecord[]> => {
  const records = [...first.records];
  let page = first;
  while (!page.done && page.nextRecordsUrl) {
    const url = page.nextRecordsUrl;
    // eslint-disable-next-line no-await-in-loop
    page = await withRetry(() => conn.request<QueryResult>({ method: 'GET', url }));
    records.push(...page.records);
  }
  if (records.length < first.totalSize) {
    throw messages.createError('error.OrgReadFailed', [key, `read ${records.length} of ${first.totalSize} rows`]);
  }
  return records;
};

/**
 * Run the queries in as few round trips as possible: Composite requests (`/composite`, which counts as ONE
 * call against the org's daily API limit, unlike Composite Batch) of up to 5 queries each (Salesforce's
 * limit) plus any describes, sent in parallel. Tooling queries cannot travel in a Composite request and go
 * as their own GET, also in parallel. Returns the records per key; keys may repeat (chunks of one logical
 * query) and are merged.
 */
export const runQueries = async (conn: Connection, queries: BatchQuery[]): Promise<Map<string, SoqlRecord[]>> => {
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

  const settle = async (q: BatchQuery, status: number, body: unknown): Promise<void> => {
    if (status >= 400) {
      const e = describeError(body);
      if (q.optional && ['INVALID_TYPE', 'INVALID_FIELD', 'NOT_FOUND', 'INSUFFICIENT_ACCESS_OR_READONLY'].includes(e.errorCode ?? '')) return;
      throw toOrgError(Object.assign(new Error(e.message), { errorCode: e.errorCode }), q.key);
    }
    const records = q.describe ? [body as SoqlRecord] : await drain(conn, body as QueryResult, q.key);
    out.get(q.key)!.push(...records);
  };

  const composite = async (group: BatchQuery[]): Promise<void> => {
    const body = {
      allOrNone: false,
      compositeRequest: group.map((q, i) => ({
        method: 'GET',
        referenceId: `r${i}`,
        url: q.describe
          ? `/services/data/v${version}/sobjects/${q.describe}/describe`
          : `/services/data/v${version}/query?q=${encodeURIComponent(q.soql ?? '')}`,
      })),
    };
    const response = await withRetry(async () => {
      const r = await conn.request<CompositeResponse>({
        method: 'POST',
        url: `/services/data/v${version}/composite`,
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      // a transient failure of one subrequest: retry the whole composite (reads are idempotent)
      const transient = r.compositeResponse.find((res) => res.httpStatusCode >= 400 && isTransient(describeError(res.body)));
      if (transient) {
        const e = describeError(transient.body);
        throw Object.assign(new Error(e.message), { errorCode: e.errorCode });
      }
      return r;
    }).catch((error: unknown) => {
      throw toOrgError(error, group.map((q) => q.key).join(', '));
    });
    await Promise.all(group.map((q, i) => settle(q, response.compositeResponse[i]?.httpStatusCode ?? 500, response.compositeResponse[i]?.body)));
  };

  const tooling = async (q: BatchQuery): Promise<void> => {
    try {
      const result = await withRetry(() => conn.request<QueryResult>({ method: 'GET', url: `/services/data/v${version}/tooling/query?q=${encodeURIComponent(q.soql ?? '')}` }));
      await settle(q, 200, result);
    } catch (error) {
      if (error instanceof SfError && error.name.startsWith('Org')) throw error;
      const code = errorCodeOf(error);
      await settle(q, 400, [{ errorCode: code, message: error instanceof Error ? error.message : String(error) }]);
    }
  };

  await Promise.all([...groups.map(composite), ...queries.filter((q) => q.tooling).map(tooling)]);
  return out;
};
