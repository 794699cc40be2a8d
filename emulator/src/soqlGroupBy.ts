/*
 * GROUP BY for the emulator's SOQL engine: rows folded into AggregateResult records, one per distinct
 * combination of the grouped fields, in Salesforce's shape — each grouped field under its field name
 * (`Assignee.Username` → `Username`), each aggregate under its alias or `expr0`, `expr1`, ….
 *
 * Salesforce rules mirrored here (SOQL and SOSL Reference, "GROUP BY" and "Considerations When Using
 * GROUP BY", https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_group_by_considerations.htm):
 * every selected field that is not aggregated must be grouped; a grouped query cannot be continued
 * with queryMore, so its result comes back whole (at most 2,000 groups — more is an error that asks
 * for a narrower filter).
 */
import type { Row } from './db.js';

/** A grouped field: its output name ('' when grouped but not selected) and how to read it from a row. */
export type GroupedColumn = { name: string; key: string; value: (row: Row) => unknown };
/** A selected aggregate: its output name and how to compute it over one group's rows. */
export type GroupedAggregate = { alias: string; value: (rows: Row[]) => unknown };

export type GroupedRecord = { [key: string]: unknown; attributes: { type: 'AggregateResult' } };

/** Salesforce refuses a grouped query whose result has more groups than this. */
export const MAX_GROUPS = 2000;

/** The rows of each group, in the order the groups first appear. */
const groupsOf = (rows: Row[], columns: GroupedColumn[], keyOf: (v: unknown) => string): Row[][] => {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const key = columns.map((c) => keyOf(c.value(row))).join('\u0001');
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
};

/**
 * One AggregateResult per group. `keyOf` normalises a grouped value the way the engine compares values
 * (Ids by their 15-character form, text case-insensitively). Throws a RangeError past MAX_GROUPS.
 */
export const groupedRecords = (
  rows: Row[],
  columns: GroupedColumn[],
  aggregates: GroupedAggregate[],
  keyOf: (v: unknown) => string
): GroupedRecord[] => {
  const groups = groupsOf(rows, columns, keyOf);
  if (groups.length > MAX_GROUPS) throw new RangeError(`a grouped query returned ${groups.length} groups (at most ${MAX_GROUPS})`);
  return groups.map((members) => {
    const rec: GroupedRecord = { attributes: { type: 'AggregateResult' } };
    for (const c of columns) if (c.name) rec[c.name] = c.value(members[0]) ?? null;
    for (const a of aggregates) rec[a.alias] = a.value(members);
    return rec;
  });
};
