/* /services/data: versions, resources, limits, and the router of a versioned REST or Tooling request. */
import { SoqlError } from '../soql.js';
import { WriteError } from '../writes.js';
import { composite } from './composite.js';
import type { RouteContext } from './context.js';
import { methodNotAllowed, notFound, sfError, type Req, type Res } from './http.js';
import type { MetadataRoutes } from './metadata.js';
import { query, queryMore } from './query.js';
import { sobjects } from './sobjects.js';

export const MAX_VERSION = '62.0';
const VERSIONS = ['58.0', '59.0', '60.0', '61.0', '62.0'];
const VERSION_LABELS: Record<string, string> = {
  '58.0': "Summer '23",
  '59.0': "Winter '24",
  '60.0': "Spring '24",
  '61.0': "Summer '24",
  '62.0': "Winter '25",
};

export const versions = (): Res => ({
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

const limits = (ctx: RouteContext): Record<string, { Max: number; Remaining: number }> => {
  const max = ctx.apiMax();
  return {
    DailyApiRequests: { Max: max, Remaining: Math.max(0, max - ctx.apiUsage()) },
    DailyAsyncApexExecutions: { Max: 250_000, Remaining: 250_000 },
    DailyBulkApiBatches: { Max: 15_000, Remaining: 15_000 },
    DailyBulkV2QueryJobs: { Max: 10_000, Remaining: 10_000 },
    DataStorageMB: { Max: 5120, Remaining: 5100 },
    FileStorageMB: { Max: 5120, Remaining: 5100 },
    SingleEmail: { Max: 5000, Remaining: 5000 },
  };
};

/** Routes one /services/data request (also used for composite subrequests). */
export const dispatchData = async (ctx: RouteContext, metadata: MetadataRoutes, req: Req, token: string): Promise<Res> => {
  const m = /^\/services\/data\/v(\d+\.\d+)(\/.*)?$/.exec(req.path);
  if (!m) return notFound();
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
        if (p.length === 1) return query(ctx, req, version, tooling);
        return queryMore(ctx, p[1], version);
      case 'sobjects':
        return sobjects(ctx, req, p.slice(1), version, tooling);
      case 'limits':
        return { status: 200, json: limits(ctx) };
      case 'composite':
        if (tooling) break;
        return await composite(ctx, req, p.slice(1), version, token);
      case 'metadata':
        if (tooling) break;
        return await metadata.restDeploy(req, p.slice(1).join('/'));
      default:
        break;
    }
  } catch (e) {
    if (e instanceof SoqlError) return sfError(e.status, e.errorCode, e.message);
    if (e instanceof WriteError) return sfError(e.status, e.errorCode, e.message, e.fields);
    throw e;
  }
  return notFound();
};
