/* REST and Tooling sobjects: the global describe, an object's describe, records by id, create and delete. */
import { cellValue, type Row, type Table } from '../db.js';
import type { SObjectDescribe } from '../describes.js';
import type { SfRecord } from '../soql.js';
import { createRecord, deleteRecord } from '../writes.js';
import type { RouteContext } from './context.js';
import { jsonBody, methodNotAllowed, notFound, type Req, type Res } from './http.js';

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

/** The object's describe if it is served by this API (REST data or Tooling). */
const describeFor = (ctx: RouteContext, name: string, tooling: boolean): SObjectDescribe | undefined => {
  const d = ctx.model.describes.get(name);
  if (!d) return undefined;
  const api = ctx.model.describes.api(d.name);
  if (tooling ? api === 'data' : api === 'tooling') return undefined;
  return d;
};

/** `…/sobjects[/TYPE[/describe|/ID]]`; p: the path parts after `sobjects`. */
export const sobjects = (ctx: RouteContext, req: Req, p: string[], version: string, tooling: boolean): Res => {
  const method = req.method;
  if (p.length === 0) {
    if (method !== 'GET') return methodNotAllowed(method);
    const all = ctx.model.describes
      .allNames()
      .map((n) => describeFor(ctx, n, tooling))
      .filter((d): d is SObjectDescribe => d !== undefined)
      .map((d) => globalEntry(d, version, tooling));
    return { status: 200, json: { encoding: 'UTF-8', maxBatchSize: 200, sobjects: all } };
  }
  const d = describeFor(ctx, p[0], tooling);
  if (!d) return notFound();
  if (p.length === 1) {
    if (method === 'POST') {
      const body = jsonBody(req);
      const id = createRecord(ctx.model, d.name, body);
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
      deleteRecord(ctx.model, d.name, id);
      return { status: 204, text: '' };
    }
    if (method !== 'GET') return methodNotAllowed(method);
    const table = ctx.model.db.table(d.name);
    const row = table ? ctx.model.db.lookup(table, table.keyColumn, id)[0] : undefined;
    if (!table || !row) return notFound();
    const wanted = req.query.get('fields');
    return { status: 200, json: fullRecord(table, row, version, tooling, wanted ? wanted.split(',').map((s) => s.trim()) : undefined) };
  }
  return notFound();
};
