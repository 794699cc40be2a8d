/*
 * The Salesforce tables the emulator serves (User, Profile, PermissionSet, ObjectPermissions, …):
 * rows compiled from the org state (compile.ts), column values and indexes for the SOQL engine.
 */
import { idKey } from './ids.js';
import type { ApiSurface } from './schema.js';

export type Row = Record<string, unknown>;

export type Lookup = {
  /** the Id column, canonical spelling */
  column: string;
  relationshipName: string;
  /** target tables; when several, the Id's key prefix picks one */
  targets: string[];
};

export type Table = {
  name: string;
  api: ApiSurface;
  keyPrefix: string | null;
  keyColumn: string;
  /** lower-case column name -> canonical */
  columns: Map<string, string>;
  /** canonical column -> describe type */
  types: Map<string, string>;
  /** lower-case relationship name -> lookup */
  relationships: Map<string, Lookup>;
  rows: Row[];
  /** values of columns a row does not carry itself (audit dates, …) */
  defaults: Row;
  /** rows carry a Set of granted system permission names under PERMS */
  permissionColumns: boolean;
};

/** Where a PermissionSet / MutingPermissionSet row keeps its granted system permissions. */
export const PERMS = '__perms';
/** Where a row keeps the state name it was compiled from (for write-backs). */
export const SOURCE = '__source';

export type RowSource =
  | { kind: 'profile'; name: string }
  | { kind: 'permissionSet'; name: string }
  | { kind: 'group'; name: string }
  | { kind: 'muting'; name: string; group: string }
  | { kind: 'user'; name: string }
  | { kind: 'psl'; name: string }
  | { kind: 'app'; name: string };

export const FIXED_DATE = '2024-01-15T10:00:00.000+0000';

/** Describe types whose values are Ids (compared by their 15-character form). */
export const ID_TYPES: ReadonlySet<string> = new Set(['id', 'reference']);

/** A normalised key for equality and indexes: Ids by their 15-character form, strings case-insensitive. */
export const valueKey = (type: string | undefined, value: unknown): string => {
  if (value === null || value === undefined) return '\u0000null';
  if (typeof value === 'string') return type && ID_TYPES.has(type) ? `s:${idKey(value)}` : `s:${value.toLowerCase()}`;
  if (typeof value === 'boolean') return `b:${String(value)}`;
  if (typeof value === 'number') return `n:${value}`;
  return `x:${JSON.stringify(value)}`;
};

/** A column value of a row (computed Permissions<Name> columns and defaults included). */
export const cellValue = (table: Table, row: Row, column: string): unknown => {
  if (Object.prototype.hasOwnProperty.call(row, column)) return row[column];
  if (table.permissionColumns && column.startsWith('Permissions')) {
    const perms = row[PERMS] as ReadonlySet<string> | undefined;
    return perms ? perms.has(column.slice('Permissions'.length)) : false;
  }
  if (Object.prototype.hasOwnProperty.call(table.defaults, column)) return table.defaults[column];
  return table.types.get(column) === 'boolean' ? false : null;
};

/** Ascending, without repeats. */
const sortedUnique = (xs: number[]): number[] => {
  const sorted = Int32Array.from(xs).sort();
  const out: number[] = [];
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) out.push(sorted[i]);
  return out;
};

export class Db {
  public readonly tables = new Map<string, Table>();
  public readonly orgId: string;
  /** per table and column: row positions (ascending) by normalised value */
  private readonly indexes = new Map<Table, Map<string, Map<string, number[]>>>();
  private readonly prefixToTable = new Map<string, Table>();

  public constructor(orgId: string, tables: Table[]) {
    this.orgId = orgId;
    for (const t of tables) {
      this.tables.set(t.name.toLowerCase(), t);
      if (t.keyPrefix && t.keyPrefix !== '000' && !this.prefixToTable.has(t.keyPrefix)) this.prefixToTable.set(t.keyPrefix, t);
    }
  }

  public table(name: string): Table | undefined {
    return this.tables.get(name.toLowerCase());
  }

  /** The table whose key prefix an Id carries. */
  public tableForId(id: string): Table | undefined {
    return this.prefixToTable.get(id.slice(0, 3));
  }

  /** Rows whose column equals the value, in table order (the index is built on first use, then cached). */
  public lookup(table: Table, column: string, value: unknown): Row[] {
    const positions = this.index(table, column).get(valueKey(table.types.get(column), value));
    return positions ? positions.map((i) => table.rows[i]) : [];
  }

  /**
   * The positions in table.rows of the rows whose column has one of the normalised values (valueKey),
   * ascending: an index on the column, built on first use, then cached for the life of this Db (a commit
   * compiles a new one).
   */
  public positions(table: Table, column: string, keys: Iterable<string>): number[] {
    const idx = this.index(table, column);
    let out: number[] | undefined;
    let merged = false;
    for (const k of keys) {
      const list = idx.get(k);
      if (!list) continue;
      if (!out) out = list;
      else {
        if (!merged) out = [...out];
        merged = true;
        for (const i of list) out.push(i);
      }
    }
    if (!out) return [];
    return merged ? sortedUnique(out) : out;
  }

  /** Follows a lookup from a row: the target table and row, or undefined when empty/unknown. */
  public follow(lookup: Lookup, value: unknown): { table: Table; row: Row } | undefined {
    if (typeof value !== 'string' || value.length === 0) return undefined;
    const candidates = lookup.targets.map((t) => this.table(t)).filter((t): t is Table => t !== undefined);
    let targets = candidates;
    if (candidates.length > 1) {
      const byPrefix = candidates.filter((t) => t.keyPrefix === value.slice(0, 3));
      if (byPrefix.length > 0) targets = byPrefix;
    }
    for (const t of targets) {
      const rows = this.lookup(t, t.keyColumn, value);
      if (rows.length > 0) return { table: t, row: rows[0] };
    }
    return undefined;
  }

  /** How many rows positions() would return at most (without collecting them). */
  public countAtMost(table: Table, column: string, keys: Iterable<string>): number {
    const idx = this.index(table, column);
    let n = 0;
    for (const k of keys) n += idx.get(k)?.length ?? 0;
    return n;
  }

  /** Builds the indexes of these columns now (so that no query pays for it). */
  public buildIndexes(table: Table, columns: readonly string[]): void {
    for (const c of columns) if (table.types.has(c)) this.index(table, c);
  }

  /** A row by its Id in any table. */
  public rowById(id: string): { table: Table; row: Row } | undefined {
    const t = this.tableForId(id);
    if (!t) return undefined;
    const rows = this.lookup(t, 'Id', id);
    return rows.length > 0 ? { table: t, row: rows[0] } : undefined;
  }

  private index(table: Table, column: string): Map<string, number[]> {
    let perTable = this.indexes.get(table);
    if (!perTable) {
      perTable = new Map();
      this.indexes.set(table, perTable);
    }
    let idx = perTable.get(column);
    if (!idx) {
      idx = new Map();
      const type = table.types.get(column);
      // rows share values (a ParentId, an SobjectType): normalise each distinct value once (keys are all distinct)
      const keyOf = column === table.keyColumn ? undefined : new Map<unknown, string>();
      const rows = table.rows;
      for (let i = 0; i < rows.length; i++) {
        const v = cellValue(table, rows[i], column);
        let k = keyOf?.get(v);
        if (k === undefined) {
          k = valueKey(type, v);
          keyOf?.set(v, k);
        }
        const list = idx.get(k);
        if (list) list.push(i);
        else idx.set(k, [i]);
      }
      perTable.set(column, idx);
    }
    return idx;
  }
}
