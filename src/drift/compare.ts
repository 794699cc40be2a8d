/*
 * compareWithBaseline: pure comparison of two check results (a previous `check --json` and this run).
 * A requirement item is identified by user, kind, manifest path and requirement text; an excess item by
 * user and its key, an object's or fields' excess by each access or field inside it.
 */
import type { Finding, UserVerdict } from '../evaluation/types.js';
import type { ExcessItem } from '../excess/types.js';
import type { CheckReport } from '../report/index.js';
import type { Drift, ExcessChange, ExcessRemoval, FindingChange, UserGone } from './types.js';

/** The part of a check result drift reads (a baseline from an older plugin version may lack the rest). */
export type ComparableReport = Pick<CheckReport, 'users' | 'unresolvedUsers'> & {
  integration?: Partial<CheckReport['integration']>;
  org?: Partial<CheckReport['org']>;
};

const isFailing = (status: Finding['status'] | 'absent'): boolean => status === 'fail' || status === 'error';
const findingKey = (f: Pick<Finding, 'kind' | 'path' | 'requirement'>): string => `${f.kind}\u0000${f.path}\u0000${f.requirement}`;
const userKey = (username: string): string => username.toLowerCase();

const findingChanges = (username: string, before: Finding[], after: Finding[]): { failing: FindingChange[]; passing: FindingChange[] } => {
  const old = new Map(before.map((f) => [findingKey(f), f]));
  const now = new Map(after.map((f) => [findingKey(f), f]));
  const failing: FindingChange[] = [];
  const passing: FindingChange[] = [];
  for (const [key, f] of now) {
    const was: FindingChange['before'] = old.get(key)?.status ?? 'absent';
    const change: FindingChange = { username, kind: f.kind, requirement: f.requirement, path: f.path, before: was, after: f.status, message: f.message };
    if (isFailing(f.status) && !isFailing(was)) failing.push(change);
    else if (!isFailing(f.status) && isFailing(was) && f.status !== 'skip') passing.push(change);
  }
  // an item that failed before and is no longer checked (requirement removed) is not a new pass
  return { failing, passing };
};

/** The atoms of an excess item: each object access, each field access, or the item itself. */
const atoms = (item: ExcessItem): Map<string, string> => {
  const out = new Map<string, string>();
  if (item.kind === 'objectAccess' && item.access) {
    for (const a of item.access) out.set(`${item.key}:${a}`, `${item.object ?? ''}: ${a}`);
  } else if (item.kind === 'fieldAccess' && item.fields) {
    for (const f of item.fields.edit) out.set(`${item.key}:${f}:edit`, `${item.object ?? ''}.${f}: edit`);
    for (const f of item.fields.read) out.set(`${item.key}:${f}:read`, `${item.object ?? ''}.${f}: read`);
  } else {
    out.set(item.key, item.item);
  }
  return out;
};

const excessChanges = (username: string, before: ExcessItem[], after: ExcessItem[]): { added: ExcessChange[]; removed: ExcessRemoval[] } => {
  const oldAtoms = new Set(before.flatMap((i) => [...atoms(i).keys()]));
  // an editable field of the baseline covers the same field read now
  const covered = (atom: string): boolean => oldAtoms.has(atom) || (atom.endsWith(':read') && oldAtoms.has(`${atom.slice(0, -':read'.length)}:edit`));
  const added: ExcessChange[] = [];
  for (const item of after) {
    const fresh = [...atoms(item)].filter(([atom]) => !covered(atom)).map(([, text]) => text);
    if (fresh.length > 0) added.push({ username, item, added: oldAtoms.has(item.key) || before.some((b) => b.key === item.key) ? fresh : [item.item] });
  }
  const nowKeys = new Set(after.map((i) => i.key));
  const removed = before.filter((i) => !nowKeys.has(i.key)).map((i) => ({ username, key: i.key, item: i.item }));
  return { added, removed };
};

/** Why a baseline user is gone now: unresolved (not found / inactive), frozen or inactive, or not asked for. */
const goneReason = (baselineUser: UserVerdict, current: ComparableReport): UserGone | undefined => {
  const key = userKey(baselineUser.username);
  const now = current.users.find((u) => userKey(u.username) === key);
  if (now) {
    const status = now.findings.find((f) => f.kind === 'userStatus' && isFailing(f.status));
    const before = baselineUser.findings.find((f) => f.kind === 'userStatus' && isFailing(f.status));
    if (!status || before) return undefined;
    const frozen = /frozen/i.test(status.requirement) || /frozen/i.test(status.message);
    return { username: now.username, reason: frozen ? 'frozen' : 'inactive', message: status.message };
  }
  const unresolved = current.unresolvedUsers.find(
    (u) => userKey(u.input) === key || u.candidates.some((c) => userKey(c) === key)
  );
  if (unresolved?.reason === 'inactive') return { username: baselineUser.username, reason: 'inactive', message: 'the user is inactive' };
  if (unresolved) return { username: baselineUser.username, reason: 'notFound', message: 'no such user in this org any more' };
  return { username: baselineUser.username, reason: 'notChecked', message: 'not checked in this run' };
};

/** How `current` differs from `baseline` (both check results). */
export const compareWithBaseline = (baseline: ComparableReport, current: ComparableReport): Drift => {
  const newlyFailing: FindingChange[] = [];
  const newlyPassing: FindingChange[] = [];
  const newlyExcess: ExcessChange[] = [];
  const noLongerExcess: ExcessRemoval[] = [];
  const usersGone: UserGone[] = [];
  const excessCompared = baseline.users.some((u) => u.excess !== undefined) && current.users.some((u) => u.excess !== undefined);
  for (const user of current.users) {
    // a user the baseline did not check: every failing item is new
    const before = baseline.users.find((u) => userKey(u.username) === userKey(user.username)) ?? { username: user.username, findings: [] };
    const { failing, passing } = findingChanges(user.username, before.findings, user.findings);
    newlyFailing.push(...failing);
    newlyPassing.push(...passing);
    if (excessCompared && 'excess' in before && before.excess && user.excess) {
      const { added, removed } = excessChanges(user.username, before.excess.items, user.excess.items);
      newlyExcess.push(...added);
      noLongerExcess.push(...removed);
    }
  }
  for (const user of baseline.users) {
    const gone = goneReason(user, current);
    if (gone) usersGone.push(gone);
  }
  const usersNew = current.users.filter((u) => !baseline.users.some((b) => userKey(b.username) === userKey(u.username))).map((u) => u.username);
  return {
    baseline: {
      integration: baseline.integration?.name ?? '',
      org: baseline.org?.name ?? baseline.org?.id ?? '',
      users: baseline.users.map((u) => u.username),
    },
    newlyFailing,
    newlyPassing,
    newlyExcess,
    noLongerExcess,
    excessCompared,
    usersGone,
    usersNew,
    hasNewFailures: newlyFailing.length > 0 || usersGone.some((g) => g.reason !== 'notChecked'),
  };
};
