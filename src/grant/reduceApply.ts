/*
 * Applying a reduction (`grant --reduce --deploy`) and undoing one (`grant --undo FILE`): all their I/O.
 * Only PermissionSetAssignment rows are ever deleted (never a permission set, never a profile change), in
 * sObject Collections requests (`DELETE /composite/sobjects?ids=…`, up to 200 Ids each; REST API Developer
 * Guide, "Delete Multiple Records with Fewer Round-Trips"), after the undo file that lists them is written.
 * The undo file holds the org Id, the time, and per removed assignment its Id, user and set or group: no
 * token, no secret. Restoring inserts the same assignments again (new Ids; DUPLICATE_VALUE = already there).
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { runQueries, str, toOrgError, withRetry } from '../snapshot/batch.js';
import { chunkForInList, inList } from '../snapshot/soql.js';
import type { Finding } from '../evaluation/types.js';
import { lostItems, type ReductionPlan } from './reduce.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'grant');

export const UNDO_FILE_VERSION = 1;

export type RemovedAssignment = {
  /** The PermissionSetAssignment Id that was deleted */
  assignmentId: string;
  userId: string;
  username: string;
  kind: 'PermissionSet' | 'PermissionSetGroup';
  /** Permission set API name, or the group's DeveloperName */
  name: string;
  /** The assigned PermissionSet Id (a group's aggregate set for a group) */
  permissionSetId: string;
  /** For a group: PermissionSetGroup.Id (what a new assignment names) */
  permissionSetGroupId?: string;
};

export type UndoFile = {
  version: number;
  tool: 'sf-integration-access';
  orgId: string;
  /** The --target-org user who ran the reduction */
  runBy?: string;
  createdAt: string;
  /** The least-privilege set assigned before the removal */
  permissionSet: string;
  removed: RemovedAssignment[];
};

export type RestoreOutcome = { username: string; item: string; status: 'restored' | 'alreadyAssigned' | 'failed'; message?: string };

const sameId = (a: string, b: string): boolean => a.slice(0, 15) === b.slice(0, 15);

/** The PermissionSetAssignment rows behind the planned removals (one query per chunk, in one round trip). */
export const assignmentsToRemove = async (conn: Connection, reduction: ReductionPlan): Promise<RemovedAssignment[]> => {
  const wanted = reduction.users.flatMap((u) => u.unassign.map((s) => ({ user: u, set: s })));
  if (wanted.length === 0) return [];
  const userIds = [...new Set(wanted.map((w) => w.user.userId))];
  const setIds = [...new Set(wanted.map((w) => w.set.permissionSetId))];
  const queries = chunkForInList(userIds).flatMap((users) =>
    chunkForInList(setIds).map((sets) => ({
      key: 'assignments',
      soql: `SELECT Id, AssigneeId, PermissionSetId, PermissionSetGroupId FROM PermissionSetAssignment WHERE AssigneeId IN ${inList(users)} AND PermissionSetId IN ${inList(sets)}`,
    }))
  );
  const rows = (await runQueries(conn, queries)).get('assignments') ?? [];
  return wanted.flatMap(({ user, set }) => {
    const row = rows.find((r) => sameId(str(r.AssigneeId), user.userId) && sameId(str(r.PermissionSetId), set.permissionSetId));
    if (!row) return [];
    return [
      {
        assignmentId: str(row.Id),
        userId: user.userId,
        username: user.username,
        kind: set.kind,
        name: set.name,
        permissionSetId: set.permissionSetId,
        permissionSetGroupId: str(row.PermissionSetGroupId) || undefined,
      },
    ];
  });
};

/** Where the undo file goes: the current directory, named by org and time. */
export const undoFilePath = (orgId: string, at: Date, dir = process.cwd()): string =>
  resolve(join(dir, `sf-integration-access-undo-${orgId.slice(0, 15)}-${at.toISOString().replace(/[:.]/g, '-')}.json`));

/** Writes the undo file atomically (temp file + rename). */
export const writeUndoFile = async (path: string, undo: UndoFile): Promise<void> => {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(undo, null, 2)}\n`, 'utf8');
  await rename(temp, path);
};

export const readUndoFile = async (path: string): Promise<UndoFile> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as unknown;
  } catch (error) {
    throw messages.createError('error.BadUndoFile', [path, error instanceof Error ? error.message : String(error)]);
  }
  const undo = parsed as Partial<UndoFile>;
  if (undo?.tool !== 'sf-integration-access' || undo.version !== UNDO_FILE_VERSION || typeof undo.orgId !== 'string' || !Array.isArray(undo.removed)) {
    throw messages.createError('error.BadUndoFile', [path, 'not an undo file of sf integration grant --reduce']);
  }
  return undo as UndoFile;
};

type CollectionResult = Array<{ id?: string; success: boolean; errors: Array<{ statusCode?: string; message?: string }> }>;

/** Deletes the assignments (allOrNone=false); returns those actually deleted. */
export const deleteAssignments = async (conn: Connection, removals: RemovedAssignment[]): Promise<{ deleted: RemovedAssignment[]; failed: Array<{ removal: RemovedAssignment; message: string }> }> => {
  const version = conn.getApiVersion();
  const deleted: RemovedAssignment[] = [];
  const failed: Array<{ removal: RemovedAssignment; message: string }> = [];
  for (let i = 0; i < removals.length; i += 200) {
    const slice = removals.slice(i, i + 200);
    const url = `/services/data/v${version}/composite/sobjects?allOrNone=false&ids=${slice.map((r) => r.assignmentId).join(',')}`;
    // eslint-disable-next-line no-await-in-loop
    const results = await withRetry(() => conn.request<CollectionResult>({ method: 'DELETE', url })).catch((error: unknown) => {
      throw toOrgError(error, 'PermissionSetAssignment deletes', conn);
    });
    slice.forEach((r, n) => {
      const res = results[n];
      if (res?.success) deleted.push(r);
      else failed.push({ removal: r, message: res?.errors?.map((e) => `${e.statusCode ?? ''}: ${e.message ?? ''}`).join('; ') ?? 'no result' });
    });
  }
  return { deleted, failed };
};

/** Inserts the removed assignments again (a group by its PermissionSetGroupId, a set by its PermissionSetId). */
export const restoreAssignments = async (conn: Connection, removed: RemovedAssignment[]): Promise<RestoreOutcome[]> => {
  const version = conn.getApiVersion();
  const outcomes: RestoreOutcome[] = [];
  for (let i = 0; i < removed.length; i += 200) {
    const slice = removed.slice(i, i + 200);
    const records = slice.map((r) => ({
      attributes: { type: 'PermissionSetAssignment' },
      AssigneeId: r.userId,
      ...(r.permissionSetGroupId ? { PermissionSetGroupId: r.permissionSetGroupId } : { PermissionSetId: r.permissionSetId }),
    }));
    // eslint-disable-next-line no-await-in-loop
    const results = await withRetry(() =>
      conn.request<CollectionResult>({
        method: 'POST',
        url: `/services/data/v${version}/composite/sobjects`,
        body: JSON.stringify({ allOrNone: false, records }),
        headers: { 'content-type': 'application/json' },
      })
    ).catch((error: unknown) => {
      throw toOrgError(error, 'PermissionSetAssignment inserts (restore)', conn);
    });
    slice.forEach((r, n) => {
      const res = results[n];
      const item = `${r.kind === 'PermissionSetGroup' ? 'permission set group' : 'permission set'} ${r.name}`;
      if (res?.success) outcomes.push({ username: r.username, item, status: 'restored' });
      else if (res?.errors?.some((e) => e.statusCode === 'DUPLICATE_VALUE')) outcomes.push({ username: r.username, item, status: 'alreadyAssigned' });
      else outcomes.push({ username: r.username, item, status: 'failed', message: res?.errors?.map((e) => `${e.statusCode ?? ''}: ${e.message ?? ''}`).join('; ') ?? 'no result' });
    });
  }
  return outcomes;
};

/** What the command gives the reduction: its output, its prompt and the reads of the re-check. */
export type ReductionIo = {
  log: (text: string) => void;
  /** Asks before removing; undefined: --no-prompt */
  confirm?: (message: string) => Promise<boolean>;
  /** Reads the users' access again and evaluates it (the re-check) */
  recheck: () => Promise<Array<{ id: string; username: string; findings: Finding[] }>>;
  orgId: string;
  runBy?: string;
  undoDir?: string;
  now?: () => Date;
};

export type ReductionResult = {
  /** planned: dry run; nothingToRemove; notConfirmed; removed; restored: a required item would be lost, so the removals were undone */
  status: 'planned' | 'nothingToRemove' | 'notConfirmed' | 'removed' | 'restored';
  plan: ReductionPlan;
  undoFile?: string;
  removed: RemovedAssignment[];
  failedRemovals?: Array<{ removal: RemovedAssignment; message: string }>;
  /** Required items that got worse after the removal, per user (then everything removed is restored) */
  lost?: Array<{ username: string; items: string[] }>;
  restored?: RestoreOutcome[];
};

/**
 * After the generated set is deployed and assigned: confirm, write the undo file, delete the planned
 * assignments, re-check, and restore every removed assignment if any required verdict got worse.
 */
export const applyReduction = async (conn: Connection, plan: ReductionPlan, io: ReductionIo): Promise<ReductionResult> => {
  const removals = await assignmentsToRemove(conn, plan);
  if (removals.length === 0) return { status: 'nothingToRemove', plan, removed: [] };
  if (io.confirm && !(await io.confirm(messages.getMessage('prompt.reduce', [String(removals.length), [...new Set(removals.map((r) => r.username))].join(', ')])))) {
    return { status: 'notConfirmed', plan, removed: [] };
  }
  const before = await io.recheck();
  const at = (io.now ?? ((): Date => new Date()))();
  const file = undoFilePath(io.orgId, at, io.undoDir);
  const undo = (removed: RemovedAssignment[]): UndoFile => ({
    version: UNDO_FILE_VERSION,
    tool: 'sf-integration-access',
    orgId: io.orgId,
    runBy: io.runBy,
    createdAt: at.toISOString(),
    permissionSet: plan.permissionSet,
    removed,
  });
  // written before the first delete (a run cut off midway can still be undone), then rewritten with what was deleted
  await writeUndoFile(file, undo(removals));
  const { deleted, failed } = await deleteAssignments(conn, removals);
  await writeUndoFile(file, undo(deleted));
  for (const r of deleted) io.log(messages.getMessage('info.reduce.removed', [`${r.kind} ${r.name}`, r.username]));
  for (const f of failed) io.log(messages.getMessage('info.reduce.removeFailed', [`${f.removal.kind} ${f.removal.name}`, f.removal.username, f.message]));
  io.log(messages.getMessage('info.reduce.undoFile', [file]));

  const after = await io.recheck();
  const lost = before
    .map((b) => ({ username: b.username, items: lostItems(b.findings, after.find((a) => a.id === b.id)?.findings ?? []) }))
    .filter((l) => l.items.length > 0);
  if (lost.length === 0) return { status: 'removed', plan, undoFile: file, removed: deleted, failedRemovals: failed.length ? failed : undefined };
  for (const l of lost) io.log(messages.getMessage('info.reduce.lost', [l.username, l.items.join(', ')]));
  const restored = await restoreAssignments(conn, deleted);
  for (const r of restored) io.log(messages.getMessage(`info.reduce.restore.${r.status}`, [r.item, r.username, r.message ?? '']));
  return { status: 'restored', plan, undoFile: file, removed: deleted, lost, restored };
};

/** `grant --undo FILE`: restores what a reduction removed, in the org it was removed from. */
export const undoReduction = async (conn: Connection, path: string, orgId: string): Promise<{ undo: UndoFile; restored: RestoreOutcome[] }> => {
  const undo = await readUndoFile(path);
  if (!sameId(undo.orgId, orgId)) throw messages.createError('error.UndoOtherOrg', [path, undo.orgId, orgId]);
  return { undo, restored: await restoreAssignments(conn, undo.removed) };
};
