/* The users a check asks for: how they are selected, matched (username, email, Id), and assembled with their sets. */
import type { UnresolvedUser, UserAccess } from './types.js';
import { bool, rel, SoqlRecord, str } from './batch.js';
import { chunkForInList, HALF_IN_LIST_CHARS, IN_LIST_CHARS, inList, unique } from './soql.js';

export const USER_ID = /^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/;

/**
 * The filters (one per chunk) that select the requested users: `user` on User itself (also used in the
 * `IN (SELECT Id FROM User WHERE …)` semi-joins), `assignee` the same on PermissionSetAssignment through
 * its Assignee relationship, for the one query whose semi-join cannot nest another (SOQL allows no
 * semi-join inside a semi-join). A chunk's statement stays under the 100,000-character SOQL limit: Ids
 * travel once, names twice (Username and Email).
 */
export const userFilters = (inputs: string[]): Array<{ user: string; assignee: string }> => {
  const ids = inputs.filter((u) => USER_ID.test(u));
  const names = inputs.filter((u) => !USER_ID.test(u));
  const filters: Array<{ user: string; assignee: string }> = [];
  for (const chunk of chunkForInList(ids, IN_LIST_CHARS)) filters.push({ user: `Id IN ${inList(chunk)}`, assignee: `AssigneeId IN ${inList(chunk)}` });
  for (const chunk of chunkForInList(names, HALF_IN_LIST_CHARS)) {
    filters.push({
      user: `(Username IN ${inList(chunk)} OR Email IN ${inList(chunk)})`,
      assignee: `(Assignee.Username IN ${inList(chunk)} OR Assignee.Email IN ${inList(chunk)})`,
    });
  }
  return filters;
};

/** Resolve what the user typed to user rows: by Id, then username, then email (active users only). */
export const resolveUsers = (
  inputs: string[],
  rows: SoqlRecord[],
  emailInputs: readonly string[] = []
): { matched: Array<{ input: string; row: SoqlRecord }>; unresolved: UnresolvedUser[] } => {
  const matched: Array<{ input: string; row: SoqlRecord }> = [];
  const unresolved: UnresolvedUser[] = [];
  const seen = new Set<string>();
  const emailsOnly = new Set(emailInputs.map((e) => e.toLowerCase()));
  // indexes: a check of thousands of users must not scan every row per input
  const byFullId = new Map<string, SoqlRecord>();
  const byId15 = new Map<string, SoqlRecord>();
  const byUsernameLower = new Map<string, SoqlRecord>();
  const byEmailLower = new Map<string, SoqlRecord[]>();
  for (const r of rows) {
    const id = str(r.Id);
    if (!byFullId.has(id)) byFullId.set(id, r);
    if (!byId15.has(id.slice(0, 15))) byId15.set(id.slice(0, 15), r);
    const username = str(r.Username).toLowerCase();
    if (!byUsernameLower.has(username)) byUsernameLower.set(username, r);
    const email = str(r.Email).toLowerCase();
    const sameEmail = byEmailLower.get(email);
    if (sameEmail) sameEmail.push(r);
    else byEmailLower.set(email, [r]);
  }
  for (const input of inputs) {
    const lower = input.toLowerCase();
    const asEmail = emailsOnly.has(lower);
    const byId = asEmail || !USER_ID.test(input) ? undefined : byFullId.get(input) ?? byId15.get(input.slice(0, 15));
    const byUsername = asEmail ? undefined : byUsernameLower.get(lower);
    let row = byId ?? byUsername;
    if (!row) {
      // by email: only active users count; an email that only inactive users carry is reported as such
      const byEmail = byEmailLower.get(lower) ?? [];
      const active = byEmail.filter((r) => bool(r.IsActive));
      if (active.length > 1) {
        unresolved.push({ input, reason: 'ambiguous', candidates: active.map((r) => str(r.Username)).sort() });
        continue;
      }
      if (active.length === 0 && byEmail.length > 0) {
        unresolved.push({ input, reason: 'inactive', candidates: byEmail.map((r) => str(r.Username)).sort() });
        continue;
      }
      row = active[0];
    }
    if (!row) {
      unresolved.push({ input, reason: 'notFound', candidates: [] });
      continue;
    }
    if (seen.has(str(row.Id))) continue;
    seen.add(str(row.Id));
    matched.push({ input, row });
  }
  return { matched, unresolved };
};

/** The users' records: licence, profile, frozen, assignments, PSLs, and their tokens for the app. */
export const assembleUsers = (
  matched: Array<{ input: string; row: SoqlRecord }>,
  r1: Map<string, SoqlRecord[]>,
  assignments: SoqlRecord[],
  appNameCandidates: Array<string | undefined>
): UserAccess[] => {
  const logins = r1.get('logins') ?? [];
  const pslAssignments = r1.get('pslAssignments') ?? [];
  // the app's tokens: AppName is the app's label (or, for an app from elsewhere, the name it was authorized under)
  const appNames = new Set(
    appNameCandidates
      .filter((n): n is string => typeof n === 'string' && n.length > 0)
      .map((n) => n.toLowerCase())
  );
  const tokens = (r1.get('tokens') ?? []).filter((t) => appNames.has(str(t.AppName).toLowerCase()));
  const byUser = (rows: SoqlRecord[], column: string): Map<string, SoqlRecord[]> => {
    const out = new Map<string, SoqlRecord[]>();
    for (const r of rows) {
      const id = str(r[column]);
      const list = out.get(id);
      if (list) list.push(r);
      else out.set(id, [r]);
    }
    return out;
  };
  const loginsOf = byUser(logins, 'UserId');
  const assignmentsOf = byUser(assignments, 'AssigneeId');
  const pslsOf = byUser(pslAssignments, 'AssigneeId');
  const tokensOf = byUser(tokens, 'UserId');
  const users: UserAccess[] = matched.map(({ input, row }) => {
    const id = str(row.Id);
    return {
      id,
      username: str(row.Username),
      email: str(row.Email),
      name: str(row.Name),
      isActive: bool(row.IsActive),
      isFrozen: (loginsOf.get(id) ?? []).some((l) => bool(l.IsFrozen)),
      profileName: str(rel(row, 'Profile.Name')),
      userLicense: str(rel(row, 'Profile.UserLicense.Name')),
      permissionSetIds: unique((assignmentsOf.get(id) ?? []).map((a) => str(a.PermissionSetId))).sort(),
      permissionSetLicenses: unique((pslsOf.get(id) ?? []).map((a) => str(rel(a, 'PermissionSetLicense.DeveloperName')))).sort(),
      oauthTokens: (tokensOf.get(id) ?? []).map((t) => ({ appName: str(t.AppName), lastUsedDate: str(t.LastUsedDate) || undefined, useCount: Number(t.UseCount ?? 0) })),
      requestedAs: input,
    };
  });

  return users;
};

/** The users' assignments and the sets to read for them: the assigned ones and their groups' members. */
export const setsOf = (r1: Map<string, SoqlRecord[]>, userIds: string[]): { assignments: SoqlRecord[]; components: SoqlRecord[]; memberIds: string[]; setIds: string[] } => {
  const userIdSet = new Set(userIds);
  const assignments = (r1.get('assignments') ?? []).filter((a) => userIdSet.has(str(a.AssigneeId)));
  const assignedIds = unique(assignments.map((a) => str(a.PermissionSetId))).sort();
  const groupIds = new Set(assignments.map((a) => str(a.PermissionSetGroupId)).filter(Boolean));
  const components = (r1.get('components') ?? []).filter((c) => groupIds.has(str(c.PermissionSetGroupId)));
  const memberIds = unique(components.map((c) => str(c.PermissionSetId))).sort();
  return { assignments, components, memberIds, setIds: unique([...assignedIds, ...memberIds]).sort() };
};
