/*
 * The reduction plan (`grant --reduce`): the way from what each user holds to exactly the manifest.
 * Pure: a function of (requirements, snapshot, the generated least-privilege set).
 *
 * With the generated set assigned, a permission set or permission set group can be unassigned when
 * everything required it contributes is excess or covered by the new set. That is decided by
 * evaluating, not by comparing lists: the user's verdicts are computed with the new set added
 * (the baseline), then with candidates removed; a candidate stays when removing it would turn any
 * verdict of the baseline worse (pass → warn/fail, warn → fail). Nothing the manifest needs is ever
 * planned away. The profile cannot be unassigned: when it over-grants, a minimal profile is a manual step.
 */
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot, PermissionSource, UserAccess } from '../snapshot/types.js';
import type { Finding, FindingStatus } from '../evaluation/types.js';
import { evaluateUser } from '../evaluation/index.js';
import { INTEGRATION_LICENSE } from '../salesforce/licences.js';
import { systemPermissionRisk, atOrAbove } from '../salesforce/riskTiers.js';
import type { PermissionSetPlan } from './types.js';

/** The profile Salesforce gives Salesforce Integration licence users (Help: "Give Integration Users API Only Access"). */
export const MINIMAL_INTEGRATION_PROFILE = 'Minimum Access - API Only Integrations';
/** The minimal profile for other licences (Help: "Minimum Access - Salesforce profile"). */
export const MINIMAL_PROFILE = 'Minimum Access - Salesforce';

export type ReductionSet = { kind: 'PermissionSet' | 'PermissionSetGroup'; name: string; permissionSetId: string };

export type ReductionUser = {
  username: string;
  userId: string;
  /** Sets and groups to unassign: everything required they grant is covered by the new set (or they grant nothing required) */
  unassign: ReductionSet[];
  /** Sets and groups that stay, with the required items only they provide */
  keep: Array<ReductionSet & { provides: string[] }>;
  /** The profile, and what it grants beyond the manifest at high risk or above */
  profile: { name: string; overGrants: string[]; suggestion?: string };
};

export type ReductionPlan = {
  /** The generated least-privilege set the users get first */
  permissionSet: string;
  users: ReductionUser[];
};

const STATUS_RANK: Record<FindingStatus, number> = { pass: 3, warn: 2, skip: 2, fail: 1, error: 0 };
const findingKey = (f: Finding): string => `${f.kind}|${f.path}|${f.requirement}`;

/** Items whose verdict is worse in `after` than in `before` (what removing something would lose). */
export const lostItems = (before: Finding[], after: Finding[]): string[] => {
  const now = new Map(after.map((f) => [findingKey(f), f]));
  return before
    .filter((f) => {
      const g = now.get(findingKey(f));
      return g !== undefined && STATUS_RANK[g.status] < STATUS_RANK[f.status];
    })
    .map((f) => f.requirement);
};

/** The generated set as a permission source, as it will be once deployed. */
export const plannedSource = (plan: PermissionSetPlan, id: string): PermissionSource => ({
  id,
  kind: 'PermissionSet',
  name: plan.name,
  label: plan.label,
  type: 'Regular',
  sessionBased: false,
  license: plan.license,
  description: plan.description,
  systemPermissions: plan.userPermissions.map((p) => p.name),
  objectPermissions: Object.fromEntries(
    plan.objectPermissions.map((o) => [
      o.object,
      { read: o.read, create: o.create, edit: o.edit, delete: o.delete, viewAll: o.viewAll, modifyAll: o.modifyAll, viewAllFields: o.viewAllFields },
    ])
  ),
  fieldPermissions: Object.fromEntries(plan.fieldPermissions.map((f) => [f.field, { read: f.readable, edit: f.editable }])),
  appAccess: plan.appAccess?.appId ? [plan.appAccess.appId] : [],
  customPermissions: (plan.customPermissions ?? []).map((c) => c.name),
});

const PLANNED_ID = '__planned__';

/** The snapshot as it will be with the generated set deployed (replacing an older copy) and assigned to `user`. */
export const withPlannedSet = (snapshot: OrgSnapshot, plan: PermissionSetPlan, user: UserAccess): { snapshot: OrgSnapshot; user: UserAccess } => {
  const older = Object.values(snapshot.permissionSets).filter((s) => s.kind === 'PermissionSet' && s.name === plan.name).map((s) => s.id);
  const permissionSets = { ...snapshot.permissionSets, [PLANNED_ID]: plannedSource(plan, PLANNED_ID) };
  const next: UserAccess = {
    ...user,
    permissionSetIds: [...user.permissionSetIds.filter((id) => !older.includes(id)), PLANNED_ID],
    permissionSetLicenses: [...new Set([...user.permissionSetLicenses, ...(user.userLicense === INTEGRATION_LICENSE ? plan.licenseAssignments : [])])],
  };
  return { snapshot: { ...snapshot, permissionSets, users: snapshot.users.map((u) => (u.id === user.id ? next : u)) }, user: next };
};

const without = (snapshot: OrgSnapshot, user: UserAccess, removed: Set<string>): { snapshot: OrgSnapshot; user: UserAccess } => {
  const next = { ...user, permissionSetIds: user.permissionSetIds.filter((id) => !removed.has(id)) };
  return { snapshot: { ...snapshot, users: snapshot.users.map((u) => (u.id === user.id ? next : u)) }, user: next };
};

/** The sets and groups a user could lose: assigned, not the profile, not the generated set, not required by the manifest. */
const candidatesOf = (requirements: Requirements, snapshot: OrgSnapshot, user: UserAccess, plan: PermissionSetPlan): ReductionSet[] => {
  const required = new Set((requirements.user?.permissionSets ?? []).flatMap((n) => n.names.map((x) => x.toLowerCase())));
  return user.permissionSetIds
    .map((id) => snapshot.permissionSets[id])
    .filter((s): s is PermissionSource => s !== undefined && (s.kind === 'PermissionSet' || s.kind === 'PermissionSetGroup'))
    .filter((s) => s.name !== plan.name && !required.has(s.name.toLowerCase()))
    .map((s) => ({ kind: s.kind as ReductionSet['kind'], name: s.name, permissionSetId: s.id }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
};

/** What the profile grants beyond the manifest at high risk or above (it cannot be unassigned, only replaced). */
const profileOverGrants = (snapshot: OrgSnapshot, user: UserAccess, plan: PermissionSetPlan): string[] => {
  const profile = user.permissionSetIds.map((id) => snapshot.permissionSets[id]).find((s) => s?.kind === 'Profile');
  const needed = new Set(plan.userPermissions.map((p) => p.name));
  return (profile?.systemPermissions ?? []).filter((p) => !needed.has(p) && atOrAbove(systemPermissionRisk(p).tier, 'high')).sort();
};

export const planUserReduction = (requirements: Requirements, snapshot: OrgSnapshot, plan: PermissionSetPlan, user: UserAccess): ReductionUser => {
  const base = withPlannedSet(snapshot, plan, user);
  const baseline = evaluateUser(requirements, base.snapshot, base.user).findings;
  const losesWithout = (removed: Set<string>): string[] => {
    const trial = without(base.snapshot, base.user, removed);
    return lostItems(baseline, evaluateUser(requirements, trial.snapshot, trial.user).findings);
  };
  const candidates = candidatesOf(requirements, snapshot, user, plan);
  const removed = new Set<string>();
  const keep: ReductionUser['keep'] = [];
  if (candidates.length > 0 && losesWithout(new Set(candidates.map((c) => c.permissionSetId))).length === 0) {
    for (const c of candidates) removed.add(c.permissionSetId);
  } else {
    // one at a time: a candidate goes only when its removal, with the ones already gone, loses nothing
    for (const c of candidates) {
      const trial = new Set([...removed, c.permissionSetId]);
      const lost = losesWithout(trial);
      if (lost.length === 0) removed.add(c.permissionSetId);
      else keep.push({ ...c, provides: [...new Set(lost)] });
    }
  }
  const overGrants = profileOverGrants(snapshot, user, plan);
  const minimal = user.userLicense === INTEGRATION_LICENSE ? MINIMAL_INTEGRATION_PROFILE : MINIMAL_PROFILE;
  return {
    username: user.username,
    userId: user.id,
    unassign: candidates.filter((c) => removed.has(c.permissionSetId)),
    keep,
    profile: { name: user.profileName, overGrants, suggestion: overGrants.length > 0 && user.profileName !== minimal ? minimal : undefined },
  };
};

export const planReduction = (requirements: Requirements, snapshot: OrgSnapshot, plan: PermissionSetPlan): ReductionPlan => ({
  permissionSet: plan.name,
  users: snapshot.users.map((u) => planUserReduction(requirements, snapshot, plan, u)),
});

/** The reduction plan as text: per user, what goes, what stays and why, and the profile step. */
export const renderReductionPlan = (reduction: ReductionPlan): string => {
  const lines: string[] = [`Reduction to exactly the manifest (after ${reduction.permissionSet} is assigned):`];
  for (const u of reduction.users) {
    lines.push(`  ${u.username}`);
    for (const s of u.unassign) lines.push(`    - unassign ${s.kind} ${s.name}: everything required it grants is in ${reduction.permissionSet}`);
    for (const s of u.keep) lines.push(`    = keep ${s.kind} ${s.name}: only it provides ${s.provides.join(', ')}`);
    if (u.unassign.length === 0 && u.keep.length === 0) lines.push('    nothing to unassign');
    if (u.profile.suggestion) {
      lines.push(`    ! manual step: the profile ${u.profile.name} grants ${u.profile.overGrants.join(', ')}; give the user the profile "${u.profile.suggestion}" (Setup > Users > Edit)`);
    }
  }
  return lines.join('\n');
};
