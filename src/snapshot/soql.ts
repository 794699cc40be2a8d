/* SOQL text helpers: quoting and IN-list chunking under Salesforce's URL and statement limits. */

/** A SOQL string literal with quotes and backslashes escaped. */
export const soqlString = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** `('a','b')` */
export const inList = (values: readonly string[]): string => `(${values.map(soqlString).join(',')})`;

/**
 * Split values into chunks whose IN list stays under `maxChars` characters, so that a GET URL stays
 * well under Salesforce's ~16,000 character limit once URL-encoded (default budget leaves room for the
 * rest of the statement and the encoding).
 */
export const chunkForInList = (values: readonly string[], maxChars = 4000): string[][] => {
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
