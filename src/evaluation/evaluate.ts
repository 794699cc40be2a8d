/*
 * The evaluation: a pure function of (requirements, snapshot) → one verdict per user, each a list of
 * findings that say what is met, what grants it, what is missing and what fixes it.
 *
 * Findings order: org, user status, licences / permission set licences, permission sets, system
 * permissions, forbidden permissions, oauth, objects (manifest order, each with its visibility and
 * fields), over-grant warnings last.
 */
import type { NameItem, Requirements } from '../requirements/types.js';
import type { OrgSnapshot, UserAccess } from '../snapshot/types.js';
import {
  API_INTEGRATION_PSL,
  API_INTEGRATION_PSL_LABEL,
  CAN_APPROVE_UNINSTALLED_APPS,
  FALLBACK_PERMISSION_DEPENDENCIES,
  USE_ANY_API_CLIENT,
  impliedSystemPermissions,
  useAnyApiClientNotEnough,
  INTEGRATION_LICENSE,
  LOW_API_REQUESTS_RATIO,
  MODIFY_ALL_DATA,
  OVER_GRANT_PERMISSIONS,
  VIEW_ALL_DATA,
  editionApi,
  hasNoObjectPermissions,
  leastPowerfulFirst,
} from '../salesforce/index.js';
import type { Finding, FindingKind, GrantSource, UserVerdict } from './types.js';
import { EvaluateOptions, EvaluationContext, GRANT_HINT, createContext, finding, verdictFrom } from './context.js';
import { DetailedGrant, describeGrants } from './effectiveAccess.js';
import { objectFindings } from './objects.js';
import { oauthFindings } from './oauth.js';
import { customPermissionFindings } from './customPermissions.js';
import { withFindingId } from './findingIds.js';

export type { EvaluateOptions } from './context.js';

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const unique = (names: string[]): string[] => names.filter((n, i) => names.findIndex((m) => eq(m, n)) === i);

/* ------------------------------------------------------------------------------------------------ org */

const orgFindings = (ctx: EvaluationContext): Finding[] => {
  const org = ctx.snapshot.org;
  const edition = org?.edition ?? '';
  const out: Finding[] = [];
  const base = { kind: 'org' as const, requirement: 'API access (edition)', path: 'org' };
  switch (editionApi(edition)) {
    case 'included':
      out.push(finding(base, { status: 'pass', grantedBy: [{ kind: 'Org', name: edition }], message: `${edition} includes API access` }));
      break;
    case 'addOn':
      out.push(
        finding(base, {
          status: 'warn',
          grantedBy: [],
          message: `${edition} has API access only with the API add-on`,
          fix: 'Confirm that the org has the API add-on for Professional Edition (Salesforce account executive); without it every API call fails with API_DISABLED_FOR_ORG',
        })
      );
      break;
    case 'none':
      out.push(
        finding(base, {
          status: 'error',
          grantedBy: [],
          message: `${edition} does not include API access`,
          fix: 'Use an edition with API access (Enterprise, Unlimited, Performance or Developer); no permission can grant it',
        })
      );
      break;
    default:
      out.push(
        finding(base, {
          status: 'warn',
          grantedBy: [],
          message: edition ? `edition "${edition}" is not recognised: could not confirm that it includes API access` : 'the org edition is unknown: could not confirm that it includes API access',
          fix: 'Check the edition in Setup > Company Information; API access needs Enterprise, Unlimited, Performance or Developer Edition (Professional with the API add-on)',
        })
      );
  }
  const limits = org?.dailyApiRequests;
  if (limits && Number.isFinite(limits.max) && limits.max > 0 && Number.isFinite(limits.remaining)) {
    const requestsBase = { kind: 'org' as const, requirement: 'daily API requests', path: 'org' };
    if (limits.remaining / limits.max < LOW_API_REQUESTS_RATIO) {
      out.push(
        finding(requestsBase, {
          status: 'warn',
          grantedBy: [],
          message: `only ${limits.remaining} of ${limits.max} daily API requests remain (under ${LOW_API_REQUESTS_RATIO * 100} %)`,
          fix: 'Reduce other integrations\' API use or buy more API capacity; when none remain, calls fail with REQUEST_LIMIT_EXCEEDED until the 24-hour window frees requests',
        })
      );
    } else {
      out.push(
        finding(requestsBase, {
          status: 'pass',
          grantedBy: [{ kind: 'Org', name: 'daily API request limit' }],
          message: `${limits.remaining} of ${limits.max} daily API requests remain`,
        })
      );
    }
  }
  return out;
};

/* ------------------------------------------------------------------------------------------------ user */

const userStatusFindings = (ctx: EvaluationContext): Finding[] => {
  const { user } = ctx;
  const base = { kind: 'userStatus' as const, requirement: 'user is active', path: 'user' };
  if (user.isActive === false) {
    // Like a frozen user, an inactive one is something the admin fixes (activate the user): `fail`.
    // `error` is kept for what the org itself cannot do.
    return [
      finding(base, {
        status: 'fail',
        grantedBy: [],
        message: `${user.username} is inactive: an inactive user cannot log in or authorize an app, and API calls as the user fail`,
        fix: `Activate the user (Setup > Users > ${user.username} > Edit > Active), or check the user the integration really connects as`,
      }),
    ];
  }
  if (user.isFrozen === true) {
    return [
      finding(base, {
        status: 'fail',
        grantedBy: [],
        message: `${user.username} is frozen: logins and API calls are blocked`,
        fix: `Unfreeze the user in Setup > Users > ${user.username} > Unfreeze`,
      }),
    ];
  }
  return [finding(base, { status: 'pass', grantedBy: [], message: `${user.username} is active and not frozen` })];
};

/** The user licence: any of the listed ones. */
const userLicenceFindings = (ctx: EvaluationContext): Finding[] => {
  const { user } = ctx;
  const userLicense = user.userLicense ?? '';
  const licenseItems = ctx.requirements.user?.licenses ?? [];
  if (licenseItems.length === 0) return [];
  const names = unique(licenseItems.flatMap((i) => i.names));
  const base = {
    kind: 'license' as const,
    requirement: `user licence ${names.join(' or ')}`,
    path: licenseItems[0].path,
    feature: licenseItems[0].feature,
  };
  const hit = names.find((n) => eq(n, userLicense));
  if (hit) {
    return [
      finding(
        { ...base, ...(names.length > 1 ? { chosen: hit } : {}) },
        { status: 'pass', grantedBy: [{ kind: 'Profile', name: user.profileName, via: `licence ${userLicense}` }], message: `the user has the ${userLicense} licence` }
      ),
    ];
  }
  return [
    finding(base, {
      status: 'fail',
      grantedBy: [],
      message: `the user has the ${userLicense || 'unknown'} licence (profile ${user.profileName}), not ${names.join(' or ')}`,
      fix: `Use a user with the ${names.join(' or ')} licence, or give this user a profile of that licence (Setup > Users > ${user.username} > Edit > User License / Profile)`,
    }),
  ];
};

/** Permission set licences known in the org and held by the user, matched by developer name or label. */
type PslLookup = { known: boolean; inOrg: (name: string) => string | undefined; held: (name: string) => boolean };

const pslLookup = (ctx: EvaluationContext): PslLookup => {
  const knownPsls = ctx.snapshot.permissionSetLicenses ?? {};
  const inOrg = (name: string): string | undefined => Object.keys(knownPsls).find((k) => eq(k, name) || eq(knownPsls[k] ?? '', name));
  return {
    known: Object.keys(knownPsls).length > 0,
    inOrg,
    held: (name): boolean => {
      const devName = inOrg(name) ?? name;
      return (ctx.user.permissionSetLicenses ?? []).some((p) => eq(p, devName) || eq(p, name));
    },
  };
};

/** The Salesforce Integration licence holds object access only with the Salesforce API Integration PSL. */
const integrationLicenceFindings = (ctx: EvaluationContext, psl: PslLookup): Finding[] => {
  const { user, requirements } = ctx;
  const asksApiPsl = (requirements.user?.permissionSetLicenses ?? []).some((i) => i.names.some((n) => eq(n, API_INTEGRATION_PSL) || eq(n, API_INTEGRATION_PSL_LABEL)));
  const needsObjectAccess = (requirements.objects ?? []).some((o) => !hasNoObjectPermissions(o.object) && (o.access.length > 0 || o.fields.length > 0));
  if (!eq(user.userLicense ?? '', INTEGRATION_LICENSE) || !needsObjectAccess || asksApiPsl) return [];
  const base = { kind: 'permissionSetLicense' as const, requirement: `permission set licence ${API_INTEGRATION_PSL} (object access for the Salesforce Integration licence)`, path: 'objects' };
  if (psl.held(API_INTEGRATION_PSL)) {
    return [
      finding(base, {
        status: 'pass',
        grantedBy: [{ kind: 'Org', name: `permission set licence ${API_INTEGRATION_PSL}` }],
        message: `the Salesforce Integration licence holds object access with the ${API_INTEGRATION_PSL_LABEL} permission set licence, which the user has`,
      }),
    ];
  }
  const missingInOrg = psl.known && !psl.inOrg(API_INTEGRATION_PSL);
  return [
    finding(base, {
      status: missingInOrg ? 'error' : 'fail',
      grantedBy: [],
      message: `the Salesforce Integration licence cannot hold object access without the ${API_INTEGRATION_PSL_LABEL} permission set licence (${API_INTEGRATION_PSL})${missingInOrg ? ', which this org does not have' : ', which the user does not have'}`,
      fix: missingInOrg
        ? `Provision the ${API_INTEGRATION_PSL_LABEL} permission set licence in this org (Salesforce account executive), then assign it to the user`
        : `Assign the Salesforce API Integration permission set licence first (Setup > Users > ${user.username} > Permission Set License Assignments > Edit Assignments), then the permission sets that grant object access`,
    }),
  ];
};

const pslItemFinding = (ctx: EvaluationContext, psl: PslLookup, item: NameItem): Finding => {
  const names = unique(item.names);
  const base = { kind: 'permissionSetLicense' as const, requirement: `permission set licence ${names.join(' or ')}`, path: item.path, feature: item.feature };
  const held = names.find((n) => psl.held(n));
  if (held) {
    return finding(
      { ...base, ...(names.length > 1 ? { chosen: held } : {}) },
      { status: 'pass', grantedBy: [{ kind: 'Org', name: `permission set licence ${psl.inOrg(held) ?? held}` }], message: `the user has the permission set licence ${held}` }
    );
  }
  const inOrg = names.filter((n) => !psl.known || psl.inOrg(n));
  if (inOrg.length === 0) {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: `${names.join(' or ')} ${names.length > 1 ? 'are not permission set licences' : 'is not a permission set licence'} in this org (not purchased or not provisioned)`,
      fix: 'Provision the permission set licence in this org (Salesforce account executive); it cannot be assigned until the org has it',
    });
  }
  return finding(
    { ...base, ...(names.length > 1 ? { chosen: inOrg[0] } : {}) },
    {
      status: 'fail',
      grantedBy: [],
      message: `the user does not have the permission set licence ${names.join(' or ')}`,
      fix: `Assign the permission set licence ${inOrg[0]} to the user (Setup > Users > ${ctx.user.username} > Permission Set License Assignments > Edit Assignments)`,
    }
  );
};

const licenceFindings = (ctx: EvaluationContext): Finding[] => {
  const psl = pslLookup(ctx);
  return [
    ...userLicenceFindings(ctx),
    ...integrationLicenceFindings(ctx, psl),
    ...(ctx.requirements.user?.permissionSetLicenses ?? []).map((item) => pslItemFinding(ctx, psl, item)),
  ];
};

const permissionSetFindings = (ctx: EvaluationContext): Finding[] => {
  const { user, snapshot } = ctx;
  const assigned = (user.permissionSetIds ?? [])
    .map((id) => snapshot.permissionSets?.[id])
    .filter((ps): ps is NonNullable<typeof ps> => ps !== undefined && (ps.kind === 'PermissionSet' || ps.kind === 'PermissionSetGroup'));
  return (ctx.requirements.user?.permissionSets ?? []).map((item) => {
    const names = unique(item.names);
    const base = { kind: 'permissionSet' as const, requirement: `permission set ${names.join(' or ')}`, path: item.path, feature: item.feature };
    for (const name of names) {
      const ps = assigned.find((p) => eq(p.name, name));
      if (ps) {
        return finding(
          { ...base, ...(names.length > 1 ? { chosen: ps.name } : {}) },
          {
            status: 'pass',
            grantedBy: [{ kind: ps.kind === 'PermissionSetGroup' ? 'PermissionSetGroup' : 'PermissionSet', name: ps.name }],
            message: `${ps.kind === 'PermissionSetGroup' ? 'permission set group' : 'permission set'} ${ps.name} is assigned${ps.sessionBased ? ' (session-based: counts only while activated)' : ''}`,
          }
        );
      }
    }
    return finding(
      { ...base, ...(names.length > 1 ? { chosen: names[0] } : {}) },
      {
        status: 'fail',
        grantedBy: [],
        message: `${names.join(' or ')} ${names.length > 1 ? 'are' : 'is'} not assigned to the user`,
        fix: `Assign ${names[0]} to the user (Setup > Users > ${user.username} > Permission Set Assignments, or \`sf org assign permset --name ${names[0]} --on-behalf-of ${user.username}\`)`,
      }
    );
  });
};

/* ------------------------------------------------------------------------------------------------ system permissions */

/**
 * An `anyOf` that offers Use Any API Client next to Approve Uninstalled Connected Apps is met as a
 * permission, but since the week of 8 Dec 2025 Use Any API Client no longer authorizes uninstalled
 * connected apps (Help 005228838): say so when it is the only one of the two held.
 */
const useAnyApiClientNote = (names: string[], grantedNames: string[]): string => {
  const offers = names.some((n) => eq(n, USE_ANY_API_CLIENT)) && names.some((n) => eq(n, CAN_APPROVE_UNINSTALLED_APPS));
  const onlyUseAny = grantedNames.some((n) => eq(n, USE_ANY_API_CLIENT)) && !grantedNames.some((n) => eq(n, CAN_APPROVE_UNINSTALLED_APPS));
  return offers && onlyUseAny ? ` (note: ${useAnyApiClientNotEnough()}; the manifest's alternative predates that change)` : '';
};

const systemPermissionFinding = (ctx: EvaluationContext, item: NameItem): Finding => {
  const names = unique(item.names);
  const anyOf = names.length > 1;
  const base = { kind: 'systemPermission' as const, requirement: names.map((n) => ctx.permissionText(n)).join(' or '), path: item.path, feature: item.feature };
  const available = names.filter((n) => ctx.isAvailable(n));
  const unavailable = names.filter((n) => !available.includes(n));
  if (available.length === 0) {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: anyOf
        ? `none of ${names.join(', ')} is available in this org (edition or feature not enabled)`
        : `${names[0]} is not available in this org (edition or feature not enabled)`,
      fix: 'Enable the feature that provides it or use an edition that has it; no permission set can grant a permission the org does not have',
    });
  }
  const explanations = available.map((n) => ({ name: n, explanation: ctx.access.explain({ type: 'systemPermission', name: n }) }));
  const grantedNames = explanations.filter((e) => e.explanation.granted.length > 0).map((e) => e.name);
  const note = unavailable.length > 0 ? ` (${unavailable.join(', ')} not available in this org)` : '';
  if (grantedNames.length > 0) {
    // every granted member is named (least powerful first); `chosen` is the least powerful one
    const ordered = leastPowerfulFirst(grantedNames);
    const chosen = ordered[0];
    const grantsOf = (name: string): GrantSource[] => explanations.find((e) => e.name === name)?.explanation.granted ?? [];
    const grants = anyOf ? ordered.flatMap(grantsOf).filter((g, i, all) => all.findIndex((h) => describeGrants([h]) === describeGrants([g])) === i) : grantsOf(chosen);
    const message = anyOf ? ordered.map((n) => `${n} granted by ${describeGrants(grantsOf(n))}`).join('; ') : `granted by ${describeGrants(grants)}`;
    return finding({ ...base, ...(anyOf ? { chosen } : {}) }, { status: 'pass', grantedBy: grants, message: message + useAnyApiClientNote(names, grantedNames) });
  }
  const suggestion = leastPowerfulFirst(available)[0];
  const suggested = explanations.find((e) => e.name === suggestion)?.explanation;
  const sessionOrMuted = explanations.find((e) => e.explanation.sessionOnly.length > 0) ?? explanations.find((e) => e.explanation.muted.length > 0);
  const deps = ctx.snapshot.permissionDependencies?.[suggestion] ?? [];
  const depsNote = deps.length > 0 ? `; it depends on ${deps.join(', ')}` : '';
  const missingMessage = anyOf ? `none of ${available.join(', ')} is granted${note}` : `nothing the user holds grants ${ctx.permissionText(suggestion)}`;
  const fix = `Add ${ctx.permissionText(suggestion)} to a permission set assigned to the user${depsNote} (${GRANT_HINT})`;
  const target = sessionOrMuted ?? { name: suggestion, explanation: suggested ?? { granted: [], sessionOnly: [], muted: [], grants: [] } };
  const verdict = verdictFrom(target.explanation, ctx.permissionText(target.name), { message: missingMessage, fix });
  return finding({ ...base, ...(anyOf ? { chosen: target.name } : {}) }, verdict);
};

const forbiddenFindings = (ctx: EvaluationContext): Finding[] =>
  (ctx.requirements.user?.forbiddenPermissions ?? []).flatMap((item) =>
    unique(item.names).map((name) => {
      const base = { kind: 'forbiddenPermission' as const, requirement: `not ${ctx.permissionText(name)}`, path: item.path, feature: item.feature };
      const explanation = ctx.access.explain({ type: 'systemPermission', name });
      if (explanation.granted.length > 0) {
        const sources = describeGrants(explanation.granted);
        return finding(base, {
          status: 'fail',
          grantedBy: explanation.granted,
          message: `must not hold ${name}; granted by ${sources}`,
          fix: `Remove ${ctx.permissionText(name)} from ${sources} (for a profile: use a profile without it), or use another user`,
        });
      }
      if (explanation.sessionOnly.length > 0) {
        const sources = describeGrants(explanation.sessionOnly);
        return finding(base, {
          status: 'warn',
          grantedBy: explanation.sessionOnly,
          message: `must not hold ${name}; granted by session-based ${sources} whenever it is activated`,
          fix: `Remove ${ctx.permissionText(name)} from ${sources}`,
        });
      }
      return finding(base, { status: 'pass', grantedBy: [], message: `the user does not hold ${name}` });
    })
  );

const overGrantFindings = (ctx: EvaluationContext): Finding[] => {
  // Anything a required permission implies (its dependencies, transitively, and what Modify All Data
  // brings along) is held because of the requirement, so it is not an over-grant: a manifest requiring
  // Modify All Data gets no View All Data warning, one requiring Author Apex none for Modify All Data.
  const required = (ctx.requirements.systemPermissions ?? []).flatMap((i) => i.names);
  const orgDependencies = ctx.snapshot.permissionDependencies ?? {};
  const dependencies = Object.keys(orgDependencies).length > 0 ? (p: string): readonly string[] => [...(orgDependencies[p] ?? []), ...(FALLBACK_PERMISSION_DEPENDENCIES[p] ?? [])] : undefined;
  const mentioned = [
    ...required,
    ...required.flatMap((n) => impliedSystemPermissions(n, dependencies)),
    ...(ctx.requirements.user?.forbiddenPermissions ?? []).flatMap((i) => i.names),
  ];
  const out: Finding[] = [];
  const directGrants = (name: string): DetailedGrant[] =>
    ctx.access.explain({ type: 'systemPermission', name }).grants.filter((g) => !g.sessionBased && g.implied === undefined);
  const madSets = new Set(directGrants(MODIFY_ALL_DATA).map((g) => g.permissionSetId));
  for (const name of OVER_GRANT_PERMISSIONS) {
    if (mentioned.some((m) => eq(m, name))) continue;
    // View All Data held next to Modify All Data in the same set is covered by the Modify All Data warning
    const direct = directGrants(name)
      .filter((g) => !(eq(name, VIEW_ALL_DATA) && madSets.has(g.permissionSetId) && !mentioned.some((m) => eq(m, MODIFY_ALL_DATA))))
      .map((g) => g.source);
    if (direct.length === 0) continue;
    const sources = describeGrants(direct);
    const fixes = direct.map((g) =>
      g.kind === 'Profile'
        ? `use a profile without ${ctx.permissionLabel(name)} (e.g. a copy of Minimum Access - Salesforce) and grant what the integration needs with a permission set (\`sf integration grant\`)`
        : g.kind === 'PermissionSetGroup'
          ? `unassign permission set group ${g.name} or mute ${ctx.permissionLabel(name)} in its muting permission set`
          : `remove ${ctx.permissionLabel(name)} from permission set ${g.name} or unassign it`
    );
    out.push(
      finding(
        { kind: 'overGrant', requirement: `not required: ${ctx.permissionText(name)}`, path: 'systemPermissions' },
        {
          status: 'warn',
          grantedBy: direct,
          message: `the user holds ${ctx.permissionLabel(name)}, which ${ctx.requirements.label || ctx.requirements.name} does not need; granted by ${sources}${name === MODIFY_ALL_DATA ? ' (it also implies View All Data)' : ''}`,
          fix: `Least privilege: ${[...new Set(fixes)].join('; ')}`,
        }
      )
    );
  }
  return out;
};

/* ------------------------------------------------------------------------------------------------ API */

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
        message: `could not evaluate ${section}: ${error instanceof Error ? error.message : String(error)}`,
        fix: 'Report this as a bug in sf-integration-access, with the --json output',
      },
    ];
  }
};

export const evaluateUser = (requirements: Requirements, snapshot: OrgSnapshot, user: UserAccess, options: EvaluateOptions = {}): UserVerdict => {
  let findings: Finding[];
  try {
    const ctx = createContext(requirements, snapshot, user, options);
    findings = [
      ...guarded('org', 'org', () => orgFindings(ctx)),
      ...guarded('user', 'userStatus', () => userStatusFindings(ctx)),
      ...guarded('user.licenses', 'license', () => licenceFindings(ctx)),
      ...guarded('user.permissionSets', 'permissionSet', () => permissionSetFindings(ctx)),
      ...guarded('systemPermissions', 'systemPermission', () => (requirements.systemPermissions ?? []).map((i) => systemPermissionFinding(ctx, i))),
      ...guarded('customPermissions', 'customPermission', () => customPermissionFindings(ctx)),
      ...guarded('user.forbiddenPermissions', 'forbiddenPermission', () => forbiddenFindings(ctx)),
      ...guarded('oauth', 'oauth', () => oauthFindings(ctx)),
      ...(requirements.objects ?? []).flatMap((o) => guarded(o.path || `objects.${o.object}`, 'object', () => objectFindings(ctx, o))),
      ...guarded('overGrant', 'overGrant', () => overGrantFindings(ctx)),
    ];
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
