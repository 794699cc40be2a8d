/* readMetadata for the snapshot: a connected app's policies, or sets' permissions the org has no column for. */
import { Connection } from '@salesforce/core';
import { withRetry } from './batch.js';

export const asArray = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

export type MetadataRecord = Record<string, unknown> & { fullName?: string };

export const readMetadata = async (conn: Connection, type: string, names: string[]): Promise<MetadataRecord[]> => {
  if (names.length === 0) return [];
  const out: MetadataRecord[] = [];
  // readMetadata takes at most 10 names per call
  for (let i = 0; i < names.length; i += 10) {
    const slice = names.slice(i, i + 10);
    // eslint-disable-next-line no-await-in-loop
    const result = await withRetry(() => conn.metadata.read(type as 'PermissionSet', slice));
    out.push(...asArray(result as unknown as MetadataRecord | MetadataRecord[]).filter((r) => r?.fullName));
  }
  return out;
};
