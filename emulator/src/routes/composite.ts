/* Composite: sObject Collections (insert, delete), batch and the graphless composite request with references. */
import { createRecord, deleteRecord, WriteError } from '../writes.js';
import type { RouteContext } from './context.js';
import { ConnectionFault } from './faults.js';
import { jsonBody, methodNotAllowed, notFound, sfError, subRequest, type Req, type Res } from './http.js';

const ROLLED_BACK_MESSAGE = 'Record rolled back because not all records were valid and the request was using AllOrNone header';

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

const asWriteError = (e: unknown): WriteError => (e instanceof WriteError ? e : new WriteError(500, 'UNKNOWN_EXCEPTION', (e as Error).message));

const compositeDelete = (ctx: RouteContext, req: Req): Res => {
  const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean);
  const results = ids.map((id) => {
    const hit = ctx.model.db.rowById(id);
    try {
      deleteRecord(ctx.model, hit?.table.name ?? 'PermissionSetAssignment', id);
      return { id, success: true, errors: [] };
    } catch (e) {
      const w = asWriteError(e);
      return { id, success: false, errors: [{ statusCode: w.errorCode, message: w.message, fields: w.fields }] };
    }
  });
  return { status: 200, json: results };
};

const compositeSobjects = (ctx: RouteContext, req: Req): Res => {
  if (req.method === 'DELETE') return compositeDelete(ctx, req);
  const body = jsonBody(req);
  const records = Array.isArray(body.records) ? (body.records as Array<Record<string, unknown>>) : [];
  const allOrNone = body.allOrNone === true;
  const before = ctx.model.checkpoint();
  const results: Array<Record<string, unknown>> = [];
  let failed = false;
  for (const rec of records) {
    const attrs = (rec.attributes ?? {}) as { type?: string };
    const fields = Object.fromEntries(Object.entries(rec).filter(([k]) => k !== 'attributes'));
    try {
      if (failed && allOrNone) throw new WriteError(400, 'ALL_OR_NONE_OPERATION_ROLLED_BACK', ROLLED_BACK_MESSAGE);
      const injected = ctx.faults.forRecord(attrs.type ?? '', fields);
      if (injected) throw injected;
      const id = createRecord(ctx.model, attrs.type ?? '', fields);
      results.push({ id, success: true, errors: [] });
    } catch (e) {
      if (e instanceof ConnectionFault) throw e;
      const w = asWriteError(e);
      failed = true;
      results.push({ success: false, errors: [{ statusCode: w.errorCode, message: w.message, fields: w.fields }] });
    }
  }
  if (failed && allOrNone) {
    ctx.model.restore(before);
    const rolled = { success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: ROLLED_BACK_MESSAGE, fields: [] }] };
    return { status: 200, json: results.map((r) => (r.success ? rolled : r)) };
  }
  return { status: 200, json: results };
};

/** A composite subrequest's answer: an injected fault (subrequest rules) or the routed request's. */
const answerSubrequest = async (ctx: RouteContext, sub: Req, token: string): Promise<Res> =>
  ctx.faults.forSubrequest(sub) ?? ctx.dispatch(sub, token);

const compositeBatch = async (ctx: RouteContext, req: Req, version: string, token: string): Promise<Res> => {
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
    const res = await answerSubrequest(ctx, sub, token);
    results.push({ statusCode: res.status, result: res.json ?? null });
    if (res.status >= 400 && haltOnError) halted = true;
  }
  return { status: 200, json: { hasErrors: results.some((r) => r.statusCode >= 400), results } };
};

const halted = (referenceId: string, message: string): Record<string, unknown> => ({
  body: [{ errorCode: 'PROCESSING_HALTED', message }],
  httpHeaders: {},
  httpStatusCode: 400,
  referenceId,
});

const compositeGraphless = async (ctx: RouteContext, req: Req, token: string): Promise<Res> => {
  const body = jsonBody(req);
  const requests = Array.isArray(body.compositeRequest) ? (body.compositeRequest as Array<Record<string, unknown>>) : [];
  const allOrNone = body.allOrNone === true;
  const before = ctx.model.checkpoint();
  const bodies = new Map<string, unknown>();
  const out: Array<Record<string, unknown>> = [];
  let failed = false;
  for (const r of requests) {
    const referenceId = String(r.referenceId ?? '');
    if (failed && allOrNone) {
      out.push(halted(referenceId, 'The transaction was rolled back since another operation in the same transaction failed.'));
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
    const subBody = r.body === undefined ? undefined : (JSON.parse(resolve(JSON.stringify(r.body))) as unknown);
    if (unresolved) {
      failed = true;
      out.push(halted(referenceId, `Invalid reference specified. No value for ${unresolved} found.`));
      continue;
    }
    const sub = subRequest(String(r.method ?? 'GET'), url, subBody, req.headers);
    // eslint-disable-next-line no-await-in-loop -- subrequests run one after another (haltOnError, references to earlier results)
    const res = await answerSubrequest(ctx, sub, token);
    if (res.status < 400) bodies.set(referenceId, res.json);
    else failed = true;
    out.push({ body: res.json ?? null, httpHeaders: {}, httpStatusCode: res.status, referenceId });
  }
  if (failed && allOrNone) ctx.model.restore(before);
  return { status: 200, json: { compositeResponse: out } };
};

/** `…/composite[/sobjects|/batch]`; p: the path parts after `composite`. */
export const composite = async (ctx: RouteContext, req: Req, p: string[], version: string, token: string): Promise<Res> => {
  if (req.method !== 'POST' && !(p[0] === 'sobjects' && req.method === 'DELETE')) return methodNotAllowed(req.method);
  if (p[0] === 'sobjects') return compositeSobjects(ctx, req);
  if (p[0] === 'batch') return compositeBatch(ctx, req, version, token);
  if (p.length === 0) return compositeGraphless(ctx, req, token);
  return notFound();
};
