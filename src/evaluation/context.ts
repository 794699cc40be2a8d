/*
 * What every evaluation section shares for one user: the requirements, the snapshot, the user's
 * effective access, label lookups, and the helper that turns an access explanation into a status.
 */
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot, UserAccess } from '../snapshot/types.js';
import { BUILTIN_PERMISSION_LABELS, CAN_APPROVE_UNINSTALLED_APPS } from '../salesforce/index.js';
import type { Finding, FindingStatus, GrantSource } from './types.js';
import { AccessExplanation, EffectiveAccess, describeGrants, effectiveAccess } from './effectiveAccess.js';
import { text } from './texts.generated.js';

export type EvaluateOptions = {
  /**
   * Setup label of a system permission API name, from the label data file loaded by the caller
   * (commands pass requirements' permissionLabel). The evaluation never reads files: without it only
   * the built-in labels of src/salesforce are known.
   */
  permissionLabel?: (apiName: string) => string | undefined;
};

export type EvaluationContext = {
  requirements: Requirements;
  snapshot: OrgSnapshot;
  user: UserAccess;
  access: EffectiveAccess;
  /** `ApiEnabled (API Enabled)`, or the bare name when no label is known */
  permissionText: (name: string) => string;
  /** `API Enabled`, or the API name when no label is known */
  permissionLabel: (name: string) => string;
  /** Whether the system permission exists in the org (see isPermissionAvailable) */
  isAvailable: (name: string) => boolean;
};

/** `A or B or C`: alternatives in a requirement or message. */
export const orList = (names: readonly string[]): string => names.join(` ${text('common.or')} `);

/**
 * Whether a system permission exists in the org: listed in availablePermissions. An empty list means
 * the reader could not tell, so everything counts as available. CanApproveUninstalledApps also counts
 * as available when any permission set in the snapshot lists it (the reader may have fallen back to
 * readMetadata when the org has no such column).
 */
export const isPermissionAvailable = (snapshot: OrgSnapshot, name: string): boolean => {
  const available = snapshot.availablePermissions ?? [];
  if (available.length === 0) return true;
  const lower = name.toLowerCase();
  if (available.some((p) => p.toLowerCase() === lower)) return true;
  if (lower === CAN_APPROVE_UNINSTALLED_APPS.toLowerCase()) {
    return Object.values(snapshot.permissionSets ?? {}).some((ps) => (ps.systemPermissions ?? []).some((p) => p.toLowerCase() === lower));
  }
  return false;
};

export const createContext = (
  requirements: Requirements,
  snapshot: OrgSnapshot,
  user: UserAccess,
  options: EvaluateOptions = {}
): EvaluationContext => {
  const permissionLabel = (name: string): string => {
    let label: string | undefined;
    try {
      label = options.permissionLabel?.(name);
    } catch {
      label = undefined; // a failing lookup must not stop the evaluation
    }
    return label ?? BUILTIN_PERMISSION_LABELS[name] ?? name;
  };
  return {
    requirements,
    snapshot,
    user,
    access: effectiveAccess(snapshot, user),
    permissionLabel,
    permissionText: (name): string => {
      const label = permissionLabel(name);
      return label && label !== name ? `${name} (${label})` : name;
    },
    isAvailable: (name) => isPermissionAvailable(snapshot, name),
  };
};

/** The parts of a finding decided by an access explanation. */
export type AccessVerdict = Pick<Finding, 'status' | 'grantedBy' | 'message' | 'fix'>;

/**
 * Status from an access explanation: granted → pass; only session-based → warn; muted by a group →
 * fail naming the muting set; nothing → the caller's failure. `what` names the item in messages
 * (e.g. `Read on Contact`).
 */
export const verdictFrom = (
  explanation: AccessExplanation,
  what: string,
  onMissing: { status?: FindingStatus; message: string; fix: string },
  passMessage?: (grants: GrantSource[]) => string
): AccessVerdict => {
  if (explanation.granted.length > 0) {
    return {
      status: 'pass',
      grantedBy: explanation.granted,
      message: passMessage ? passMessage(explanation.granted) : text('common.grantedBy', describeGrants(explanation.granted)),
    };
  }
  if (explanation.sessionOnly.length > 0) {
    const names = [...new Set(explanation.sessionOnly.map((g) => g.name))].join(', ');
    return {
      status: 'warn',
      grantedBy: [],
      message: text('common.sessionOnly.message', names),
      fix: text('common.sessionOnly.fix', names, what),
    };
  }
  if (explanation.muted.length > 0) {
    const m = explanation.muted[0];
    const muting = m.mutingSet ? text('common.muted.mutingSetNamed', m.mutingSet) : text('common.muted.mutingSet');
    const message = m.mutedByMutingSet
      ? text('common.muted.byMutingSet.message', what, m.member, m.group, muting)
      : text('common.muted.notByGroup.message', what, m.member, m.group, muting);
    return {
      status: onMissing.status === 'warn' ? 'warn' : 'fail',
      grantedBy: [],
      message,
      fix: text('common.muted.fix', what, m.mutingSet ?? text('common.muted.theMutingSet'), m.group),
    };
  }
  return { status: onMissing.status ?? 'fail', grantedBy: [], message: onMissing.message, fix: onMissing.fix };
};

/** A finding built from the verdict plus its identity. */
export const finding = (
  base: Pick<Finding, 'kind' | 'requirement' | 'path'> & { feature?: string; chosen?: string },
  verdict: AccessVerdict
): Finding => {
  const f: Finding = {
    kind: base.kind,
    requirement: base.requirement,
    path: base.path,
    status: verdict.status,
    grantedBy: verdict.grantedBy,
    message: verdict.message,
  };
  if (base.chosen !== undefined) f.chosen = base.chosen;
  if (verdict.fix !== undefined && verdict.status !== 'pass') f.fix = verdict.fix;
  if (base.feature !== undefined) f.feature = base.feature;
  return f;
};

/** Salesforce API names compare case-insensitively. */
export const eqName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The names without case-insensitive repeats, first spelling kept. */
export const uniqueNames = (names: string[]): string[] => names.filter((n, i) => names.findIndex((m) => eqName(m, n)) === i);
