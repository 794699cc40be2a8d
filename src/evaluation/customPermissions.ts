/*
 * Custom permission findings: one per manifest item (`customPermissions: [Name]`, `anyOf` allowed).
 *
 * Salesforce rules (Object Reference, SetupEntityAccess / CustomPermission; Salesforce Help "Custom
 * Permissions", https://help.salesforce.com/s/articleView?id=sf.custom_perms_overview.htm):
 * - a user holds a custom permission when the profile, an assigned permission set or an assigned permission
 *   set group (its aggregate set, i.e. members minus the group's muting set) enables it;
 * - session-based permission sets count only while activated;
 * - a custom permission that does not exist in the org (its package is not installed, or it was never
 *   created) cannot be granted by any permission set: `error`, not `fail`.
 */
import type { NameItem } from '../requirements/types.js';
import type { Finding } from './types.js';
import { EvaluationContext, finding, orList, verdictFrom } from './context.js';
import { text } from './texts.generated.js';
import { describeGrants } from './effectiveAccess.js';

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The org's spelling of a name the manifest asks for, or undefined when the org does not have it. */
const inOrg = (ctx: EvaluationContext, name: string): string | undefined =>
  Object.keys(ctx.snapshot.customPermissions ?? {}).find((n) => sameName(n, name));

const customPermissionFinding = (ctx: EvaluationContext, item: NameItem): Finding => {
  const names = item.names.filter((n, i) => item.names.findIndex((m) => sameName(m, n)) === i);
  const anyOf = names.length > 1;
  const base = { kind: 'customPermission' as const, requirement: text('customPermission.requirement', orList(names)), path: item.path, feature: item.feature };
  const existing = names.map((n) => inOrg(ctx, n)).filter((n): n is string => n !== undefined);
  const absent = names.filter((n) => inOrg(ctx, n) === undefined);
  if (existing.length === 0) {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: anyOf ? text('customPermission.impossibleAnyOf.message', names.join(', ')) : text('customPermission.impossible.message', names[0]),
      fix: text('customPermission.impossible.fix'),
    });
  }
  const explanations = existing.map((name) => ({ name, explanation: ctx.access.explain({ type: 'customPermission', name }) }));
  const granted = explanations.filter((e) => e.explanation.granted.length > 0);
  const absentNote = absent.length > 0 ? ` ${text('customPermission.notInOrgNote', absent.join(', '))}` : '';
  if (granted.length > 0) {
    const grants = granted.flatMap((e) => e.explanation.granted);
    const message = anyOf
      ? granted.map((e) => text('customPermission.met.member', e.name, describeGrants(e.explanation.granted))).join('; ')
      : text('common.grantedBy', describeGrants(grants));
    return finding({ ...base, ...(anyOf ? { chosen: granted[0].name } : {}) }, { status: 'pass', grantedBy: grants, message });
  }
  const target = explanations.find((e) => e.explanation.sessionOnly.length > 0 || e.explanation.muted.length > 0) ?? explanations[0];
  const verdict = verdictFrom(target.explanation, text('customPermission.what', target.name), {
    message: anyOf ? text('customPermission.missingAnyOf.message', existing.join(', ')) + absentNote : text('customPermission.missing.message', target.name),
    fix: text('customPermission.missing.fix', target.name),
  });
  return finding({ ...base, ...(anyOf ? { chosen: target.name } : {}) }, verdict);
};

export const customPermissionFindings = (ctx: EvaluationContext): Finding[] =>
  (ctx.requirements.customPermissions ?? []).map((item) => customPermissionFinding(ctx, item));
