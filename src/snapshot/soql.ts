/* SOQL text helpers: quoting and IN-list chunking under Salesforce's statement limit. */

/** A SOQL string literal with quotes and backslashes escaped. */
export const soqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `('a','b')` */
export const inList = (values: readonly string[]): string => `(${values.map(soqlString).join(',')})`;

/**
 * A SOQL statement is at most 100,000 characters ("SOQL and SOSL Limits for Search Queries",
 * https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm).
 * Every query of the snapshot travels inside a Composite request's JSON body, not in a request URL, so
 * the ~16,384-byte limit on a request's URI and headers does not bound it (Salesforce Help 000386264,
 * "Maximum number of rows returned by SOQL queries over the REST API", recommends exactly that for
 * long statements); the statement limit does.
 */
export const SOQL_MAX_CHARS = 100_000;
/** IN-list budget of a statement with one long list (Ids), leaving 10,000 characters for the rest. */
export const IN_LIST_CHARS = 90_000;
/**
 * IN-list budget of each list where a statement carries the same long list twice
 * (`Username IN (…) OR Email IN (…)`) or two long lists (`ParentId IN (…) AND Field IN (…)`).
 */
export const HALF_IN_LIST_CHARS = 45_000;

/**
 * Split values into chunks whose IN list stays under `maxChars` characters (one statement per chunk).
 * A value longer than the budget alone gets a chunk of its own.
 */
export const chunkForInList = (values: readonly string[], maxChars = IN_LIST_CHARS): string[][] => {
  const chunks: string[][] = [];
  let current: string[] = [];
  let size = 0;
  for (const value of values) {
    const cost = soqlString(value).length + 1;
    if (current.length > 0 && size + cost > maxChars) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(value);
    size += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

export const unique = <T>(values: Iterable<T>): T[] => [...new Set(values)];
