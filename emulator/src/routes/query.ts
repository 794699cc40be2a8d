/* REST and Tooling query: first page, query locators (cursors) and queryMore. */
import { KEY_PREFIX } from '../ids.js';
import type { SfRecord } from '../soql.js';
import type { RouteContext } from './context.js';
import { sfError, type Req, type Res } from './http.js';

const PAGE = 2000;

type Cursor = { records: SfRecord[]; tooling: boolean; apiVersion: string; batch: number; created: number };

const locatorUrl = (cursorId: string, offset: number, version: string, tooling: boolean): string =>
  `/services/data/v${version}/${tooling ? 'tooling/' : ''}query/${cursorId}-${offset}`;

/** The open query locators (at most 200; a commit clears them). */
export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();
  private seq = 0;

  public open(cursor: Cursor): string {
    const id15 = `${KEY_PREFIX.QueryLocator}${String(++this.seq).padStart(12, '0')}`;
    const cursorId = `${id15}AAA`;
    this.cursors.set(cursorId, cursor);
    if (this.cursors.size > 200) this.cursors.delete(this.cursors.keys().next().value as string);
    return cursorId;
  }

  public get(id: string): Cursor | undefined {
    return this.cursors.get(id);
  }

  public clear(): void {
    this.cursors.clear();
  }
}

export const query = (ctx: RouteContext, req: Req, version: string, tooling: boolean): Res => {
  const q = req.query.get('q');
  if (q === null) return sfError(400, 'MALFORMED_QUERY', 'Query string parameter q is required');
  const outcome = ctx.model.engine.run(q, { tooling, apiVersion: version, accessOverrides: ctx.accessOverrides() });
  const batchHeader = /batchSize\s*=\s*(\d+)/i.exec(String(req.headers['sforce-query-options'] ?? ''));
  const batch = batchHeader ? Math.min(PAGE, Math.max(200, Number(batchHeader[1]))) : PAGE;
  if (outcome.records.length <= batch) {
    return { status: 200, json: { totalSize: outcome.totalSize, done: true, records: outcome.records } };
  }
  const cursorId = ctx.cursors.open({ records: outcome.records, tooling, apiVersion: version, batch, created: Date.now() });
  return {
    status: 200,
    json: {
      totalSize: outcome.totalSize,
      done: false,
      nextRecordsUrl: locatorUrl(cursorId, batch, version, tooling),
      records: outcome.records.slice(0, batch),
    },
  };
};

export const queryMore = (ctx: RouteContext, locator: string, version: string): Res => {
  const m = /^(.+)-(\d+)$/.exec(locator);
  const cursor = m ? ctx.cursors.get(m[1]) : undefined;
  if (!m || !cursor) return sfError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  const offset = Number(m[2]);
  const page = cursor.records.slice(offset, offset + cursor.batch);
  const next = offset + cursor.batch;
  const done = next >= cursor.records.length;
  const json: Record<string, unknown> = { totalSize: cursor.records.length, done };
  if (!done) json.nextRecordsUrl = locatorUrl(m[1], next, version, cursor.tooling);
  json.records = page;
  return { status: 200, json };
};
