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

const ID_TYPES = new Set(['id', 'reference']);

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

export class Db {
  public readonly tables = new Map<string, Table>();
  public readonly orgId: string;
  private readonly indexes = new Map<Table, Map<string, Map<string, Row[]>>>();
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

  /** Rows whose column equals the value (built on first use, then cached). */
  public lookup(table: Table, column: string, value: unknown): Row[] {
    return this.index(table, column).get(valueKey(table.types.get(column), value)) ?? [];
  }

  public index(table: Table, column: string): Map<string, Row[]> {
    let perTable = this.indexes.get(table);
    if (!perTable) {
      perTable = new Map();
      this.indexes.set(table, perTable);
    }
    let idx = perTable.get(column);
    if (!idx) {
      idx = new Map();
      const type = table.types.get(column);
      for (const row of table.rows) {
        const k = valueKey(type, cellValue(table, row, column));
        const list = idx.get(k);
        if (list) list.push(row);
        else idx.set(k, [row]);
      }
      perTable.set(column, idx);
    }
    return idx;
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

  /** A row by its Id in any table. */
  public rowById(id: string): { table: Table; row: Row } | undefined {
    const t = this.tableForId(id);
    if (!t) return undefined;
    const rows = this.lookup(t, 'Id', id);
    return rows.length > 0 ? { table: t, row: rows[0] } : undefined;
  }
}
