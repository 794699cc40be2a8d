/*
 * A SOQL evaluator over the compiled tables, parsed with @jetstreamapp/soql-parser-js.
 * SELECT with relationship paths, WHERE (AND/OR/NOT, comparison, IN/NOT IN, LIKE, semi-joins),
 * ORDER BY, LIMIT, OFFSET, COUNT() and COUNT(field); results in Salesforce's shape.
 */
import { parseQuery } from '@jetstreamapp/soql-parser-js';
import type { FieldType, Query, WhereClause } from '@jetstreamapp/soql-parser-js';
import { cellValue, Db, ID_TYPES, valueKey, type Lookup, type Row, type Table } from './db.js';
import { isUserAccessTable, userAccessRows, type AccessOverride, type UserAccessFilter } from './userAccess.js';
import { groupedRecords, type GroupedColumn } from './soqlGroupBy.js';

export class SoqlError extends Error {
  public readonly status: number;
  public readonly errorCode: string;
  public constructor(status: number, errorCode: string, message: string) {
    super(message);
    this.name = 'SoqlError';
    this.status = status;
    this.errorCode = errorCode;
  }
}

export type SfRecord = { [key: string]: unknown; attributes: { type: string; url?: string } };

export type QueryOptions = {
  /** served from /tooling/query */
  tooling: boolean;
  /** API version for record urls, e.g. '62.0' */
  apiVersion: string;
  /** corrections to the computed UserEntityAccess / UserFieldAccess rows (a test endpoint sets them) */
  accessOverrides?: readonly AccessOverride[];
};

export type QueryOutcome = {
  /** totalSize as Salesforce reports it (COUNT() gives the count with no records) */
  totalSize: number;
  records: SfRecord[];
};

// ---------------------------------------------------------------- errors in Salesforce's words

const positionOf = (soql: string, token: string): number => {
  const idx = soql.toLowerCase().indexOf(token.toLowerCase());
  return idx >= 0 ? idx + 1 : 1;
};

const pointer = (soql: string, column: number): string => `${soql}\n${' '.repeat(Math.max(0, column - 1))}^\nERROR at Row:1:Column:${column}\n`;

export const noSuchColumn = (soql: string, column: string, entity: string): SoqlError =>
  new SoqlError(
    400,
    'INVALID_FIELD',
    `${pointer(soql, positionOf(soql, column))}No such column '${column}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`
  );

const badRelationship = (soql: string, rel: string): SoqlError =>
  new SoqlError(
    400,
    'INVALID_FIELD',
    `${pointer(soql, positionOf(soql, rel))}Didn't understand relationship '${rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`
  );

export const unsupportedType = (soql: string, name: string): SoqlError =>
  new SoqlError(
    400,
    'INVALID_TYPE',
    `${pointer(soql, positionOf(soql, name))}sObject type '${name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`
  );

const malformed = (soql: string, message: string): SoqlError => new SoqlError(400, 'MALFORMED_QUERY', `${pointer(soql, 1)}${message}`);

// ---------------------------------------------------------------- field paths

type ResolvedPath = {
  /** lookups to follow, in order (empty for a direct column) */
  hops: Lookup[];
  /** canonical relationship names along the way */
  relNames: string[];
  /** the final column, canonical; undefined when a hop's target is not a served table */
  column: string | undefined;
  /** the table the final column lives in */
  table: Table | undefined;
};

class Resolver {
  public constructor(private readonly db: Db, private readonly soql: string, private readonly alias: string | undefined) {}

  public table(name: string, tooling: boolean): Table {
    const t = this.db.table(name);
    if (!t || (tooling ? t.api === 'data' : t.api === 'tooling')) throw unsupportedType(this.soql, name);
    return t;
  }

  public path(root: Table, dotted: string): ResolvedPath {
    let parts = dotted.split('.');
    if (this.alias && parts.length > 1 && parts[0].toLowerCase() === this.alias.toLowerCase()) parts = parts.slice(1);
    const hops: Lookup[] = [];
    const relNames: string[] = [];
    let table: Table | undefined = root;
    for (let i = 0; i < parts.length - 1; i++) {
      if (!table) {
        relNames.push(parts[i]);
        continue;
      }
      const lookup = table.relationships.get(parts[i].toLowerCase());
      if (!lookup) throw badRelationship(this.soql, parts[i]);
      hops.push(lookup);
      relNames.push(lookup.relationshipName);
      table = lookup.targets.map((t) => this.db.table(t)).find((t): t is Table => t !== undefined);
    }
    const last = parts[parts.length - 1];
    if (!table) return { hops, relNames, column: undefined, table: undefined };
    const column = table.columns.get(last.toLowerCase());
    if (!column) throw noSuchColumn(this.soql, last, table.name);
    return { hops, relNames, column, table };
  }
}

/** The value at the end of a path for one row (null when a lookup is empty). */
const pathValue = (db: Db, table: Table, row: Row, path: ResolvedPath): unknown => {
  let t = table;
  let r = row;
  for (const hop of path.hops) {
    const next = db.follow(hop, cellValue(t, r, hop.column));
    if (!next) return null;
    t = next.table;
    r = next.row;
  }
  if (!path.column) return null;
  return cellValue(t, r, path.column);
};

const pathType = (path: ResolvedPath): string | undefined => (path.column && path.table ? path.table.types.get(path.column) : undefined);

// ---------------------------------------------------------------- WHERE

type Literal = { kind: 'values'; values: unknown[] } | { kind: 'keys'; keys: Set<string> };

type CondNode = {
  kind: 'cond';
  path: ResolvedPath;
  operator: string;
  literal: Literal;
  /** normalised keys of the literal values, or a semi-join's keys (IN / NOT IN) */
  keys: Set<string>;
  /** compiled LIKE pattern (LIKE with a string pattern) */
  like?: RegExp;
};
type Expr = CondNode | { kind: 'and' | 'or'; items: Expr[] } | { kind: 'not'; item: Expr };

type Token = { t: '(' } | { t: ')' } | { t: 'AND' } | { t: 'OR' } | { t: 'NOT' } | { t: 'cond'; c: Record<string, unknown> };

const flattenWhere = (where: WhereClause | undefined, out: Token[]): void => {
  let node: WhereClause | undefined = where;
  while (node) {
    const n = node as unknown as { left: Record<string, unknown> | null; operator?: string; right?: WhereClause };
    const left = n.left;
    if (left) {
      const open = typeof left.openParen === 'number' ? left.openParen : 0;
      for (let i = 0; i < open; i++) out.push({ t: '(' });
      if ('field' in left || 'fn' in left) {
        out.push({ t: 'cond', c: left });
        const close = typeof left.closeParen === 'number' ? left.closeParen : 0;
        for (let i = 0; i < close; i++) out.push({ t: ')' });
      }
    }
    if (n.operator === 'AND' || n.operator === 'OR' || n.operator === 'NOT') out.push({ t: n.operator });
    node = n.right;
  }
};

const unquote = (raw: string): string => {
  const s = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  return s.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' })[c] ?? c);
};

const literalValue = (raw: string, type: string | undefined): unknown => {
  switch (type) {
    case 'STRING':
      return unquote(raw);
    case 'INTEGER':
    case 'DECIMAL':
      return Number(raw);
    case 'BOOLEAN':
      return raw.toLowerCase() === 'true';
    case 'NULL':
      return null;
    default:
      return raw.startsWith("'") ? unquote(raw) : raw;
  }
};

const likeRegex = (pattern: string): RegExp => {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern.charAt(i);
    if (ch === '\\' && i + 1 < pattern.length) {
      re += pattern.charAt(++i).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'i');
};

const compareValues = (a: unknown, b: unknown): number => {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const sa = String(a).toLowerCase();
  const sb = String(b).toLowerCase();
  return sa < sb ? -1 : sa > sb ? 1 : 0;
};

// ---------------------------------------------------------------- conditions

const isNullish = (v: unknown): boolean => v === null || v === undefined;

const condNode = (path: ResolvedPath, operator: string, literal: Literal): CondNode => {
  const type = pathType(path);
  const keys = literal.kind === 'keys' ? literal.keys : new Set(literal.values.map((x) => valueKey(type, x)));
  const pattern = literal.kind === 'values' ? literal.values[0] : undefined;
  const like = operator === 'LIKE' && typeof pattern === 'string' ? likeRegex(pattern) : undefined;
  return { kind: 'cond', path, operator, literal, keys, like };
};

/** Whether a condition holds for a value of the column it names. */
type Test = (c: CondNode, v: unknown, type: string | undefined) => boolean;

const firstLiteral = (c: CondNode): unknown => (c.literal.kind === 'values' ? c.literal.values[0] : undefined);

const equals: Test = (c, v, type) => valueKey(type, v) === valueKey(type, firstLiteral(c));

const RANGE = new Map<string, (cmp: number) => boolean>([
  ['<', (cmp): boolean => cmp < 0],
  ['>', (cmp): boolean => cmp > 0],
  ['<=', (cmp): boolean => cmp <= 0],
  ['>=', (cmp): boolean => cmp >= 0],
]);

const inRange: Test = (c, v) => {
  const lit = firstLiteral(c);
  if (isNullish(v) || isNullish(lit)) return false;
  return RANGE.get(c.operator)?.(compareValues(v, lit)) ?? false;
};

/** Multi-select picklist INCLUDES: some literal ('a;b' = both) is wholly among the selected values. */
const includes: Test = (c, v) => {
  const have = new Set(String(v ?? '').toLowerCase().split(';'));
  const want = c.literal.kind === 'values' ? c.literal.values.map((x) => String(x).toLowerCase()) : [];
  return want.some((w) => w.split(';').every((p) => have.has(p)));
};

const OPERATORS = new Map<string, Test>([
  ['=', equals],
  ['!=', (c, v, type): boolean => !equals(c, v, type)],
  ['IN', (c, v, type): boolean => !isNullish(v) && c.keys.has(valueKey(type, v))],
  ['NOT IN', (c, v, type): boolean => !c.keys.has(valueKey(type, v))],
  ['LIKE', (c, v): boolean => !isNullish(v) && c.like !== undefined && c.like.test(String(v))],
  ['<', inRange],
  ['>', inRange],
  ['<=', inRange],
  ['>=', inRange],
  ['INCLUDES', includes],
  ['EXCLUDES', (c, v, type): boolean => !includes(c, v, type)],
]);

// ---------------------------------------------------------------- projection

type ProjectionItem =
  | { kind: 'field'; name: string; column: string }
  | { kind: 'rel'; name: string; lookup: Lookup | undefined; node: ProjectionItem[] };

type Aggregate = { alias: string; fn: string; path: ResolvedPath | undefined };

type Projection = { items: ProjectionItem[]; aggregates: Aggregate[]; countOnly: boolean };

const AGGREGATE_FUNCTIONS = ['COUNT', 'COUNT_DISTINCT', 'MAX', 'MIN', 'SUM', 'AVG'];

/** A selected field: a column, or a column at the end of relationship hops (nested relationship objects). */
const addFieldItem = (items: ProjectionItem[], path: ResolvedPath, dotted: string): void => {
  let list = items;
  for (let i = 0; i < path.relNames.length; i++) {
    const name = path.relNames[i];
    let rel = list.find((it): it is Extract<ProjectionItem, { kind: 'rel' }> => it.kind === 'rel' && it.name === name);
    if (!rel) {
      rel = { kind: 'rel', name, lookup: path.hops[i], node: [] };
      list.push(rel);
    }
    list = rel.node;
  }
  const column = path.column ?? dotted.split('.').pop() ?? dotted;
  if (!list.some((it) => it.kind === 'field' && it.name === column)) list.push({ kind: 'field', name: column, column });
};

/** FIELDS(STANDARD): every standard column, no LIMIT needed (FIELDS(ALL) / FIELDS(CUSTOM) are not emulated). */
const addStandardFields = (items: ProjectionItem[], resolver: Resolver, table: Table): void => {
  for (const column of table.types.keys()) if (!column.toLowerCase().endsWith('__c')) addFieldItem(items, resolver.path(table, column), column);
};

/** The SELECT list: fields, aggregate functions or COUNT() alone. */
const projectionOf = (resolver: Resolver, table: Table, fields: FieldType[], soql: string, grouped = false): Projection => {
  const out: Projection = { items: [], aggregates: [], countOnly: false };
  let exprN = 0;
  for (const f of fields) {
    if (f.type === 'Field' || f.type === 'FieldRelationship') {
      const dotted = f.type === 'Field' ? f.field : [...f.relationships, f.field].join('.');
      addFieldItem(out.items, resolver.path(table, dotted), dotted);
      continue;
    }
    if (f.type !== 'FieldFunctionExpression') throw malformed(soql, 'sub-queries in the SELECT list are not supported by this emulator');
    const fn = f.functionName.toUpperCase();
    const params = f.parameters.filter((x): x is string => typeof x === 'string');
    if (fn === 'FIELDS' && params.length === 1 && params[0].toUpperCase() === 'STANDARD') addStandardFields(out.items, resolver, table);
    else if (fn === 'COUNT' && params.length === 0) out.countOnly = true;
    else if (AGGREGATE_FUNCTIONS.includes(fn) && params.length === 1)
      out.aggregates.push({ alias: f.alias ?? `expr${exprN++}`, fn, path: resolver.path(table, params[0]) });
    else throw malformed(soql, `function ${fn} is not supported by this emulator`);
  }
  if (out.countOnly && (out.items.length > 0 || out.aggregates.length > 0)) throw malformed(soql, 'COUNT() must be the only element in the SELECT list');
  if (!grouped && out.aggregates.length > 0 && out.items.length > 0) throw malformed(soql, `Field must be grouped or aggregated: ${out.items[0].name}`);
  return out;
};

// ---------------------------------------------------------------- ordering and paging

type SortKey = { path: ResolvedPath; desc: boolean; nullsFirst: boolean };

const sortKeysOf = (query: Query, resolver: Resolver, table: Table, soql: string): SortKey[] => {
  const order = query.orderBy ? (Array.isArray(query.orderBy) ? query.orderBy : [query.orderBy]) : [];
  return order.map((o) => {
    if (!('field' in o)) throw malformed(soql, 'ORDER BY functions are not supported by this emulator');
    const desc = o.order === 'DESC';
    return { path: resolver.path(table, o.field), desc, nullsFirst: o.nulls ? o.nulls === 'FIRST' : !desc };
  });
};

/** Compares two rows' sort values key by key (nulls first or last as asked). */
const compareSortValues = (a: unknown[], b: unknown[], keys: SortKey[]): number => {
  for (let i = 0; i < keys.length; i++) {
    const na = isNullish(a[i]);
    const nb = isNullish(b[i]);
    if (na && nb) continue;
    if (na || nb) return (na ? -1 : 1) * (keys[i].nullsFirst ? 1 : -1);
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return keys[i].desc ? -c : c;
  }
  return 0;
};

/** OFFSET (at most 2000) and LIMIT (ignored where Salesforce ignores it). */
const page = (rows: Row[], query: Query, honourLimit: boolean): Row[] => {
  const offset = query.offset ?? 0;
  if (offset > 2000) throw new SoqlError(400, 'NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000');
  const skipped = offset > 0 ? rows.slice(offset) : rows;
  return honourLimit && query.limit !== undefined ? skipped.slice(0, query.limit) : skipped;
};

// ---------------------------------------------------------------- the engine

/** What a query selects: rows still to project, or (GROUP BY) its AggregateResult records. */
type Selected =
  | { kind: 'rows'; table: Table; rows: Row[]; projection: Projection; resolver: Resolver }
  | { kind: 'grouped'; outcome: QueryOutcome };

/** A field of a projected record, by its dotted path (case-insensitive). */
const recordPathValue = (rec: SfRecord, dotted: string): unknown => {
  let cur: unknown = rec;
  for (const part of dotted.split('.')) {
    if (cur === null || typeof cur !== 'object') return null;
    const obj = cur as Record<string, unknown>;
    const key = Object.keys(obj).find((k) => k.toLowerCase() === part.toLowerCase());
    cur = key ? obj[key] : null;
  }
  return cur;
};

const NULL_KEY = valueKey(undefined, null);

const isIdType = (type: string | undefined): boolean => type !== undefined && ID_TYPES.has(type);

/** Whether valueKey normalises strings the same way for both column types (Ids by their 15-character form, other strings case-folded). */
const sameNormalisation = (a: string | undefined, b: string | undefined): boolean => isIdType(a) === isIdType(b);

/**
 * Whether indexes can answer a condition: `col = x` / `col IN (…)` (semi-joins included), on a direct column
 * or at the end of lookups (`Assignee.Username IN (…)`). Not `rel.col = null`: it also holds for the rows whose
 * lookup is empty, which no index of the target table lists.
 */
const isIndexable = (c: CondNode): c is CondNode & { path: { column: string } } =>
  (c.operator === '=' || c.operator === 'IN') && c.path.column !== undefined && !(c.path.hops.length > 0 && c.operator === '=' && c.keys.has(NULL_KEY));

/**
 * Parsed queries by text: parsing is most of a query's cost (the parser builds its AST token by token), and
 * clients send the same queries again and again. The engine only reads the AST. Bounded: oldest out first.
 */
const parsedQueries = new Map<string, Query>();
const PARSED_QUERIES_KEPT = 500;

const parse = (soql: string): Query => {
  let query = parsedQueries.get(soql);
  if (!query) {
    try {
      query = parseQuery(soql);
    } catch (e) {
      throw malformed(soql, (e as Error).message);
    }
    if (parsedQueries.size >= PARSED_QUERIES_KEPT) parsedQueries.delete(parsedQueries.keys().next().value as string);
    parsedQueries.set(soql, query);
  }
  return query;
};

export class SoqlEngine {
  public constructor(private readonly db: Db) {}

  public run(soql: string, opts: QueryOptions): QueryOutcome {
    return this.runParsed(soql, parse(soql), opts);
  }

  private runParsed(soql: string, query: Query, opts: QueryOptions): QueryOutcome {
    const selected = this.selectRows(soql, query, opts);
    if (selected.kind === 'grouped') return selected.outcome;
    return this.outcome(selected.table, selected.rows, selected.projection, opts);
  }

  /** The rows a query answers with (filtered, ordered, paged), before projection; GROUP BY: its AggregateResult records. */
  private selectRows(soql: string, query: Query, opts: QueryOptions): Selected {
    if (!query.sObject) throw malformed(soql, 'unexpected token: FROM');
    const resolver = new Resolver(this.db, soql, query.sObjectAlias);
    const stored = resolver.table(query.sObject, opts.tooling);
    const groupBy = groupByColumns(query, resolver, stored, soql, this.db);
    const projection = projectionOf(resolver, stored, query.fields ?? [], soql, groupBy !== undefined);
    const { table, rows, perUser } = this.filtered(soql, query, resolver, stored, opts);
    if (groupBy) return { kind: 'grouped', outcome: this.groupedOutcome(soql, query, table, rows, groupBy, projection, resolver) };
    // Salesforce ignores LIMIT on UserEntityAccess / UserFieldAccess
    const paged = page(this.ordered(rows, sortKeysOf(query, resolver, table, soql), table), query, !perUser);
    return { kind: 'rows', table, rows: paged, projection, resolver };
  }

  /** The rows the WHERE clause keeps (UserEntityAccess / UserFieldAccess: computed for the filter's user first). */
  private filtered(soql: string, query: Query, resolver: Resolver, stored: Table, opts: QueryOptions): { table: Table; rows: Row[]; perUser: boolean } {
    const tokens: Token[] = [];
    flattenWhere(query.where, tokens);
    const expr = tokens.length > 0 ? this.parseExpr(tokens, resolver, stored, soql, opts) : undefined;
    const perUser = isUserAccessTable(stored.name);
    const table = perUser
      ? { ...stored, rows: userAccessRows(this.db, stored.name, userAccessFilter(expr, soql, stored.name), opts.accessOverrides ?? []) }
      : stored;
    const candidates = perUser ? table.rows : this.candidates(table, expr);
    return { table, rows: expr ? candidates.filter((r) => this.evaluate(expr, table, r)) : candidates, perUser };
  }

  private ordered(rows: Row[], keys: SortKey[], table: Table): Row[] {
    if (keys.length === 0) return rows;
    const decorated = rows.map((r) => ({ r, v: keys.map((k) => pathValue(this.db, table, r, k.path)) }));
    decorated.sort((a, b) => compareSortValues(a.v, b.v, keys));
    return decorated.map((d) => d.r);
  }

  /** GROUP BY: one AggregateResult per group (ordered by the ORDER BY on grouped fields; LIMIT counts groups). */
  private groupedOutcome(soql: string, query: Query, table: Table, rows: Row[], columns: GroupedColumn[], projection: Projection, resolver: Resolver): QueryOutcome {
    const ordered = this.ordered(rows, sortKeysOf(query, resolver, table, soql), table);
    const aggregates = projection.aggregates.map((a) => {
      const path = a.path;
      return {
        alias: a.alias,
        value: (members: Row[]): unknown =>
          aggregateValue(a.fn, path ? members.map((r) => pathValue(this.db, table, r, path)).filter((v) => !isNullish(v)) : members),
      };
    });
    let records;
    try {
      records = groupedRecords(ordered, columns, aggregates, (v) => valueKey(undefined, v));
    } catch (e) {
      throw malformed(soql, (e as Error).message);
    }
    const paged = query.limit !== undefined ? records.slice(0, query.limit) : records;
    return { totalSize: paged.length, records: paged as unknown as SfRecord[] };
  }

  private outcome(table: Table, rows: Row[], projection: Projection, opts: QueryOptions): QueryOutcome {
    if (projection.countOnly) return { totalSize: rows.length, records: [] };
    if (projection.aggregates.length > 0) {
      const rec: SfRecord = { attributes: { type: 'AggregateResult' } };
      for (const a of projection.aggregates) {
        const path = a.path;
        const values = path ? rows.map((r) => pathValue(this.db, table, r, path)).filter((v) => !isNullish(v)) : rows;
        rec[a.alias] = aggregateValue(a.fn, values);
      }
      return { totalSize: 1, records: [rec] };
    }
    const records = rows.map((r) => this.project(table, r, projection.items, opts));
    return { totalSize: records.length, records };
  }

  private project(table: Table, row: Row, items: ProjectionItem[], opts: QueryOptions): SfRecord {
    const key = cellValue(table, row, table.keyColumn);
    const base = `/services/data/v${opts.apiVersion}/${opts.tooling ? 'tooling/' : ''}sobjects/${table.name}`;
    const out: SfRecord = { attributes: { type: table.name, url: `${base}/${String(key)}` } };
    for (const it of items) {
      if (it.kind === 'field') out[it.name] = cellValue(table, row, it.column);
      else {
        const target = it.lookup ? this.db.follow(it.lookup, cellValue(table, row, it.lookup.column)) : undefined;
        out[it.name] = target ? this.project(target.table, target.row, it.node, opts) : null;
      }
    }
    return out;
  }

  // ---- WHERE parsing (precedence: NOT > AND > OR)
  private parseExpr(tokens: Token[], resolver: Resolver, table: Table, soql: string, opts: QueryOptions): Expr {
    let pos = 0;
    const peek = (): Token | undefined => tokens[pos];
    const parseOr = (): Expr => {
      const items = [parseAnd()];
      while (peek()?.t === 'OR') {
        pos++;
        items.push(parseAnd());
      }
      return items.length === 1 ? items[0] : { kind: 'or', items };
    };
    const parseAnd = (): Expr => {
      const items = [parseUnary()];
      while (peek()?.t === 'AND') {
        pos++;
        items.push(parseUnary());
      }
      return items.length === 1 ? items[0] : { kind: 'and', items };
    };
    const parseUnary = (): Expr => {
      const tok = peek();
      if (!tok) throw malformed(soql, 'unexpected end of WHERE clause');
      if (tok.t === 'NOT') {
        pos++;
        return { kind: 'not', item: parseUnary() };
      }
      if (tok.t === '(') {
        pos++;
        const e = parseOr();
        if (peek()?.t !== ')') throw malformed(soql, "expecting ')'");
        pos++;
        return e;
      }
      if (tok.t === 'cond') {
        pos++;
        return this.condition(tok.c, resolver, table, soql, opts);
      }
      throw malformed(soql, `unexpected token: ${tok.t}`);
    };
    const e = parseOr();
    if (pos < tokens.length) throw malformed(soql, `unexpected token: ${tokens[pos].t}`);
    return e;
  }

  private condition(c: Record<string, unknown>, resolver: Resolver, table: Table, soql: string, opts: QueryOptions): CondNode {
    if (typeof c.field !== 'string') throw malformed(soql, 'functions in WHERE are not supported by this emulator');
    const path = resolver.path(table, c.field);
    const operator = String(c.operator).toUpperCase();
    if (c.valueQuery) {
      const inner = c.valueQuery as Query;
      const innerFields = inner.fields ?? [];
      if (innerFields.length !== 1) throw malformed(soql, 'a semi-join sub-query selects exactly one field');
      const sub = this.selectRows(soql, inner, opts);
      const f = innerFields[0];
      const name = f.type === 'Field' ? f.field : f.type === 'FieldRelationship' ? [...f.relationships, f.field].join('.') : '';
      const innerTable = resolver.table(inner.sObject ?? '', opts.tooling);
      const innerPath = resolver.path(innerTable, name);
      const type = pathType(path) ?? pathType(innerPath);
      const keys = new Set<string>();
      if (sub.kind === 'grouped') for (const rec of sub.outcome.records) keys.add(valueKey(type, recordPathValue(rec, name)));
      else if (!sub.projection.countOnly) {
        // the selected value of each row the sub-query answers with (a COUNT() sub-query answers with none)
        const selected = sub.resolver.path(sub.table, name);
        for (const row of sub.rows) keys.add(valueKey(type, pathValue(this.db, sub.table, row, selected)));
      }
      return condNode(path, operator, { kind: 'keys', keys });
    }
    const raw = c.value;
    const types = c.literalType;
    if (Array.isArray(raw)) {
      const values = raw.map((v, i) => literalValue(String(v), Array.isArray(types) ? String(types[i]) : (types as string | undefined)));
      return condNode(path, operator, { kind: 'values', values });
    }
    if (typeof raw === 'string' && (c.literalType === 'DATE_LITERAL' || c.literalType === 'DATE_N_LITERAL'))
      throw malformed(soql, 'date literals are not supported by this emulator');
    const value = literalValue(String(raw), Array.isArray(types) ? String(types[0]) : (types as string | undefined));
    return condNode(path, operator, { kind: 'values', values: [value] });
  }

  private evaluate(e: Expr, table: Table, row: Row): boolean {
    switch (e.kind) {
      case 'and':
        return e.items.every((i) => this.evaluate(i, table, row));
      case 'or':
        return e.items.some((i) => this.evaluate(i, table, row));
      case 'not':
        return !this.evaluate(e.item, table, row);
      default:
        return this.test(e, table, row);
    }
  }

  private test(c: CondNode, table: Table, row: Row): boolean {
    const test = OPERATORS.get(c.operator);
    return test ? test(c, pathValue(this.db, table, row, c.path), pathType(c.path)) : false;
  }

  /**
   * The rows worth testing: indexes narrow `col = x` / `col IN (…)` (semi-joins included) on direct
   * columns and at the end of lookups (`Assignee.Username IN (…)`: the User rows, then the AssigneeId
   * index), the smallest conjunct of an AND, the union of an OR whose every branch narrows; in table
   * order (results come out as without the index). The full filter still runs on them.
   */
  private candidates(table: Table, expr: Expr | undefined): Row[] {
    const positions = expr ? this.narrowed(table, expr) : undefined;
    if (!positions) return table.rows;
    return positions.map((i) => table.rows[i]);
  }

  /** An upper bound of narrowed(e).length, undefined when no index narrows e. */
  private narrowedSize(table: Table, e: Expr): number | undefined {
    if (e.kind === 'cond') {
      if (!isIndexable(e)) return undefined;
      const { hops, column } = e.path;
      if (hops.length === 0) return this.db.countAtMost(table, column, e.keys);
      const ids = this.targetIdKeys(table, hops, column, e.keys, pathType(e.path));
      return ids ? this.db.countAtMost(table, hops[0].column, ids) : undefined;
    }
    return this.narrowed(table, e)?.length;
  }

  /** Positions (ascending) of a superset of the rows an expression keeps; undefined: no index narrows it. */
  private narrowed(table: Table, e: Expr): number[] | undefined {
    if (e.kind === 'cond') return isIndexable(e) ? this.pathPositions(table, e.path.hops, e.path.column, e.keys, pathType(e.path)) : undefined;
    if (e.kind === 'and') {
      // the conjunct that narrows most; plain conditions are sized before any list is collected
      let best: Expr | undefined;
      let bestSize = Infinity;
      for (const item of e.items) {
        const size = this.narrowedSize(table, item);
        if (size !== undefined && size < bestSize) {
          best = item;
          bestSize = size;
        }
      }
      return best ? this.narrowed(table, best) : undefined;
    }
    if (e.kind === 'or') {
      const all: number[] = [];
      for (const item of e.items) {
        const p = this.narrowed(table, item);
        if (!p) return undefined;
        for (const i of p) all.push(i);
      }
      return [...new Set(all)].sort((a, b) => a - b);
    }
    return undefined;
  }

  /**
   * Positions (ascending) in `table` of a superset of the rows whose value at the end of `hops`, then `column`,
   * has one of the keys (normalised as valueKey does for `type`): the column's index, then for each lookup
   * (last first) the index of the lookup column on the Ids found. Undefined when indexes cannot answer it.
   */
  private pathPositions(table: Table, hops: readonly Lookup[], column: string, keys: Iterable<string>, type: string | undefined): number[] | undefined {
    if (hops.length === 0) return sameNormalisation(table.types.get(column), type) ? this.db.positions(table, column, keys) : undefined;
    const ids = this.targetIdKeys(table, hops, column, keys, type);
    return ids ? this.db.positions(table, hops[0].column, ids) : undefined;
  }

  /**
   * The Ids (normalised as valueKey does for Id columns) of the rows of the first lookup's targets whose value
   * at the end of the rest of the path has one of the keys. Db.follow finds a row's target by its lookup value
   * normalised the same way, so every row of `table` that follows to one of these rows has its lookup column
   * among these keys. Undefined when the lookup column or a target's key column is not an Id column, or a
   * target's column compares values otherwise than the condition does (then no index stands for the test).
   */
  private targetIdKeys(table: Table, hops: readonly Lookup[], column: string, keys: Iterable<string>, type: string | undefined): Set<string> | undefined {
    const [hop, ...rest] = hops;
    if (!isIdType(table.types.get(hop.column))) return undefined;
    const targets = hop.targets.map((t) => this.db.table(t)).filter((t): t is Table => t !== undefined);
    if (targets.length === 0) return undefined;
    const wanted = [...keys];
    const ids = new Set<string>();
    for (const target of targets) {
      const keyType = target.types.get(target.keyColumn);
      if (!isIdType(keyType)) return undefined;
      const inner = this.pathPositions(target, rest, column, wanted, type);
      if (!inner) return undefined;
      for (const i of inner) ids.add(valueKey(keyType, cellValue(target, target.rows[i], target.keyColumn)));
    }
    return ids;
  }
}

// ---------------------------------------------------------------- GROUP BY

/** The grouped columns of a GROUP BY query (undefined without GROUP BY); every selected field must be one of them. */
const groupByColumns = (query: Query, resolver: Resolver, table: Table, soql: string, db: Db): GroupedColumn[] | undefined => {
  if (!query.groupBy) return undefined;
  const clauses = Array.isArray(query.groupBy) ? query.groupBy : [query.groupBy];
  const grouped = clauses.map((g) => {
    if (!('field' in g) || typeof g.field !== 'string') throw malformed(soql, 'GROUP BY functions are not supported by this emulator');
    return resolver.path(table, g.field);
  });
  const keyOf = (p: ResolvedPath): string => [...p.relNames, p.column ?? ''].join('.').toLowerCase();
  const groupedKeys = new Set(grouped.map(keyOf));
  const columns: GroupedColumn[] = [];
  for (const f of query.fields ?? []) {
    if (f.type !== 'Field' && f.type !== 'FieldRelationship') continue;
    const dotted = f.type === 'Field' ? f.field : [...f.relationships, f.field].join('.');
    const path = resolver.path(table, dotted);
    if (!groupedKeys.has(keyOf(path))) throw malformed(soql, `Field must be grouped or aggregated: ${dotted}`);
    const alias = 'alias' in f ? f.alias : undefined;
    columns.push({ name: alias ?? path.column ?? dotted, key: keyOf(path), value: (row: Row): unknown => pathValue(db, table, row, path) });
  }
  // groups are told apart by every grouped field, selected or not
  for (const p of grouped) if (!columns.some((c) => c.key === keyOf(p))) columns.push({ name: '', key: keyOf(p), value: (row: Row): unknown => pathValue(db, table, row, p) });
  return columns;
};

// ---------------------------------------------------------------- UserEntityAccess / UserFieldAccess filters

/** The conditions of an AND-only, equality-only filter; Salesforce refuses anything else on these objects. */
const equalityConjuncts = (expr: Expr, soql: string, out: CondNode[]): CondNode[] => {
  if (expr.kind === 'or') throw malformed(soql, 'Disjunctions not supported');
  if (expr.kind === 'not') throw malformed(soql, 'Only equals comparisons permitted');
  if (expr.kind !== 'cond') {
    for (const item of expr.items) equalityConjuncts(item, soql, out);
    return out;
  }
  if (expr.operator !== '=' && expr.operator !== 'IN') throw malformed(soql, 'Only equals comparisons permitted');
  out.push(expr);
  return out;
};

/** The object names a condition on EntityDefinitionId or DurableId allows (undefined: not such a condition). */
const objectsNamed = (c: CondNode): Set<string> | undefined => {
  const column = c.path.hops.length === 0 ? c.path.column : undefined;
  if ((column !== 'EntityDefinitionId' && column !== 'DurableId') || c.literal.kind !== 'values') return undefined;
  const names = c.literal.values.map((v) => String(v).toLowerCase());
  return new Set(column === 'DurableId' ? names.map((n) => n.split('.')[0]) : names);
};

/** What a UserEntityAccess / UserFieldAccess query selects: exactly one user (`UserId = '…'`), maybe some objects. */
const userAccessFilter = (expr: Expr | undefined, soql: string, table: string): UserAccessFilter => {
  const conds = expr ? equalityConjuncts(expr, soql, []) : [];
  const user = conds.find((c) => c.path.hops.length === 0 && c.path.column === 'UserId' && c.operator === '=' && c.literal.kind === 'values');
  const userId = user?.literal.kind === 'values' ? user.literal.values[0] : undefined;
  if (typeof userId !== 'string') throw malformed(soql, `${table}: a filter on UserId with '=' is required`);
  let objects: Set<string> | undefined;
  for (const c of conds) {
    const named = objectsNamed(c);
    if (named) objects = objects ? new Set([...objects].filter((o) => named.has(o))) : named;
  }
  return { userId, objects };
};

const aggregateValue = (fn: string, values: unknown[]): unknown => {
  switch (fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((v) => valueKey(undefined, v))).size;
    case 'MAX':
    case 'MIN': {
      if (values.length === 0) return null;
      return values.reduce((a, b) => (compareValues(a, b) * (fn === 'MAX' ? 1 : -1) >= 0 ? a : b));
    }
    case 'SUM':
      return values.length === 0 ? null : values.reduce((a: number, b) => a + Number(b), 0);
    case 'AVG':
      return values.length === 0 ? null : values.reduce((a: number, b) => a + Number(b), 0) / values.length;
    default:
      return null;
  }
};
