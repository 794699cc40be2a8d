/*
 * The evaluation: a pure function of (requirements, snapshot) → one verdict per user, each a list of
 * findings that say what is met, what grants it, what is missing and what fixes it.
 *
 * Findings order: org, user status, licences / permission set licences, permission sets, system
 * permissions, forbidden permissions, oauth, objects (manifest order, each with its visibility and
 * fields), over-grant warnings last.
 */
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot, UserAccess } from '../snapshot/types.js';
import type { Finding, FindingKind, UserVerdict } from './types.js';
import { EvaluateOptions, EvaluationContext, createContext } from './context.js';
import { objectFindings } from './objects.js';
import { oauthFindings } from './oauth.js';
import { customPermissionFindings } from './customPermissions.js';
import { withFindingId } from './findingIds.js';
import { text } from './texts.generated.js';
import { orgFindings } from './org.js';
import { licenceFindings, permissionSetFindings, userStatusFindings } from './user.js';
import { forbiddenFindings, overGrantFindings, systemPermissionFinding } from './systemPermissions.js';

export type { EvaluateOptions } from './context.js';

/* ------------------------------------------------------------------------------------------------ API */

type Slice = (ctx: EvaluationContext) => Finding[];

/**
 * One entry per requirement kind, in the order findings are reported: a new kind is one module with its
 * findings function and one line here. A kind that throws yields one `error` finding, not a crash.
 */
const SLICES: Slice[] = [
  (ctx): Finding[] => guarded('org', 'org', () => orgFindings(ctx)),
  (ctx): Finding[] => guarded('user', 'userStatus', () => userStatusFindings(ctx)),
  (ctx): Finding[] => guarded('user.licenses', 'license', () => licenceFindings(ctx)),
  (ctx): Finding[] => guarded('user.permissionSets', 'permissionSet', () => permissionSetFindings(ctx)),
  (ctx): Finding[] => guarded('systemPermissions', 'systemPermission', () => (ctx.requirements.systemPermissions ?? []).map((i) => systemPermissionFinding(ctx, i))),
  (ctx): Finding[] => guarded('customPermissions', 'customPermission', () => customPermissionFindings(ctx)),
  (ctx): Finding[] => guarded('user.forbiddenPermissions', 'forbiddenPermission', () => forbiddenFindings(ctx)),
  (ctx): Finding[] => guarded('oauth', 'oauth', () => oauthFindings(ctx)),
  (ctx): Finding[] => (ctx.requirements.objects ?? []).flatMap((o) => guarded(o.path || `objects.${o.object}`, 'object', () => objectFindings(ctx, o))),
  (ctx): Finding[] => guarded('overGrant', 'overGrant', () => overGrantFindings(ctx)),
];

const guarded = (section: string, kind: FindingKind, run: () => Finding[]): Finding[] => {
  try {
    return run();
  } catch (error) {
    return [
      {
        kind,
        requirement: section,
        path: section,
        status: 'error',
        grantedBy: [],
        message: text('evaluation.crashed.message', section, error instanceof Error ? error.message : String(error)),
        fix: text('evaluation.crashed.fix'),
      },
    ];
  }
};

export const evaluateUser = (requirements: Requirements, snapshot: OrgSnapshot, user: UserAccess, options: EvaluateOptions = {}): UserVerdict => {
  let findings: Finding[];
  try {
    const ctx = createContext(requirements, snapshot, user, options);
    findings = SLICES.flatMap((slice) => slice(ctx));
  } catch (error) {
    findings = guarded('evaluation', 'org', () => {
      throw error;
    });
  }
  const verdict: UserVerdict = {
    username: user.username,
    id: user.id,
    passed: !findings.some((f) => f.status === 'fail' || f.status === 'error'),
    findings: findings.map(withFindingId),
  };
  const crossCheck = crossCheckSummary(user, findings);
  if (crossCheck) verdict.crossCheck = crossCheck;
  return verdict;
};

/** How the user's computed verdicts compared with Salesforce's UserEntityAccess / UserFieldAccess. */
const crossCheckSummary = (user: UserAccess, findings: Finding[]): UserVerdict['crossCheck'] => {
  const cc = user.crossCheck;
  if (!cc) return undefined;
  if (cc.status === 'notDone') return { status: 'notDone', reason: cc.reason, compared: 0, disagreements: 0 };
  const compared = findings.filter((f) => f.crossCheck);
  return { status: 'done', compared: compared.length, disagreements: compared.filter((f) => f.crossCheck?.agrees === false).length };
};

export const evaluate = (requirements: Requirements, snapshot: OrgSnapshot, options: EvaluateOptions = {}): UserVerdict[] =>
  (snapshot.users ?? []).map((user) => evaluateUser(requirements, snapshot, user, options));
