/*
 * System permissions: each required one (or anyOf) with who grants it, forbidden ones the user must not
 * hold, and over-grant warnings for powerful permissions nothing required implies.
 */
import type { NameItem } from '../requirements/types.js';
import { CAN_APPROVE_UNINSTALLED_APPS, FALLBACK_PERMISSION_DEPENDENCIES, USE_ANY_API_CLIENT, impliedSystemPermissions, useAnyApiClientNotEnough, MODIFY_ALL_DATA, OVER_GRANT_PERMISSIONS, VIEW_ALL_DATA, leastPowerfulFirst } from '../salesforce/index.js';
import type { Finding, GrantSource } from './types.js';
import { EvaluationContext, eqName as eq, finding, orList, uniqueNames as unique, verdictFrom } from './context.js';
import { text } from './texts.generated.js';
import { DetailedGrant, describeGrants } from './effectiveAccess.js';

/**
 * An `anyOf` that offers Use Any API Client next to Approve Uninstalled Connected Apps is met as a
 * permission, but since the week of 8 Dec 2025 Use Any API Client no longer authorizes uninstalled
 * connected apps (Help 005228838): say so when it is the only one of the two held.
 */
const useAnyApiClientNote = (names: string[], grantedNames: string[]): string => {
  const offers = names.some((n) => eq(n, USE_ANY_API_CLIENT)) && names.some((n) => eq(n, CAN_APPROVE_UNINSTALLED_APPS));
  const onlyUseAny = grantedNames.some((n) => eq(n, USE_ANY_API_CLIENT)) && !grantedNames.some((n) => eq(n, CAN_APPROVE_UNINSTALLED_APPS));
  return offers && onlyUseAny ? ` ${text('systemPermission.met.useAnyApiClientNote', useAnyApiClientNotEnough())}` : '';
};

export const systemPermissionFinding = (ctx: EvaluationContext, item: NameItem): Finding => {
  const names = unique(item.names);
  const anyOf = names.length > 1;
  const base = { kind: 'systemPermission' as const, requirement: orList(names.map((n) => ctx.permissionText(n))), path: item.path, feature: item.feature };
  const available = names.filter((n) => ctx.isAvailable(n));
  const unavailable = names.filter((n) => !available.includes(n));
  if (available.length === 0) {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: anyOf ? text('systemPermission.impossibleAnyOf.message', names.join(', ')) : text('systemPermission.impossible.message', names[0]),
      fix: text('systemPermission.impossible.fix'),
    });
  }
  const explanations = available.map((n) => ({ name: n, explanation: ctx.access.explain({ type: 'systemPermission', name: n }) }));
  const grantedNames = explanations.filter((e) => e.explanation.granted.length > 0).map((e) => e.name);
  const note = unavailable.length > 0 ? ` ${text('systemPermission.notAvailableNote', unavailable.join(', '))}` : '';
  if (grantedNames.length > 0) {
    // every granted member is named (least powerful first); `chosen` is the least powerful one
    const ordered = leastPowerfulFirst(grantedNames);
    const chosen = ordered[0];
    const grantsOf = (name: string): GrantSource[] => explanations.find((e) => e.name === name)?.explanation.granted ?? [];
    const grants = anyOf ? ordered.flatMap(grantsOf).filter((g, i, all) => all.findIndex((h) => describeGrants([h]) === describeGrants([g])) === i) : grantsOf(chosen);
    const message = anyOf ? ordered.map((n) => text('systemPermission.met.member', n, describeGrants(grantsOf(n)))).join('; ') : text('common.grantedBy', describeGrants(grants));
    return finding({ ...base, ...(anyOf ? { chosen } : {}) }, { status: 'pass', grantedBy: grants, message: message + useAnyApiClientNote(names, grantedNames) });
  }
  const suggestion = leastPowerfulFirst(available)[0];
  const suggested = explanations.find((e) => e.name === suggestion)?.explanation;
  const sessionOrMuted = explanations.find((e) => e.explanation.sessionOnly.length > 0) ?? explanations.find((e) => e.explanation.muted.length > 0);
  const deps = ctx.snapshot.permissionDependencies?.[suggestion] ?? [];
  const missingMessage = anyOf ? text('systemPermission.missingAnyOf.message', available.join(', ')) + note : text('systemPermission.missing.message', ctx.permissionText(suggestion));
  const fix =
    deps.length > 0
      ? text('systemPermission.missing.fixWithDependencies', ctx.permissionText(suggestion), deps.join(', '))
      : text('systemPermission.missing.fix', ctx.permissionText(suggestion));
  const target = sessionOrMuted ?? { name: suggestion, explanation: suggested ?? { granted: [], sessionOnly: [], muted: [], grants: [] } };
  const verdict = verdictFrom(target.explanation, ctx.permissionText(target.name), { message: missingMessage, fix });
  return finding({ ...base, ...(anyOf ? { chosen: target.name } : {}) }, verdict);
};

export const forbiddenFindings = (ctx: EvaluationContext): Finding[] =>
  (ctx.requirements.user?.forbiddenPermissions ?? []).flatMap((item) =>
    unique(item.names).map((name) => {
      const base = { kind: 'forbiddenPermission' as const, requirement: text('forbiddenPermission.requirement', ctx.permissionText(name)), path: item.path, feature: item.feature };
      const explanation = ctx.access.explain({ type: 'systemPermission', name });
      if (explanation.granted.length > 0) {
        const sources = describeGrants(explanation.granted);
        return finding(base, {
          status: 'fail',
          grantedBy: explanation.granted,
          message: text('forbiddenPermission.missing.message', name, sources),
          fix: text('forbiddenPermission.missing.fix', ctx.permissionText(name), sources),
        });
      }
      if (explanation.sessionOnly.length > 0) {
        const sources = describeGrants(explanation.sessionOnly);
        return finding(base, {
          status: 'warn',
          grantedBy: explanation.sessionOnly,
          message: text('forbiddenPermission.warning.message', name, sources),
          fix: text('forbiddenPermission.warning.fix', ctx.permissionText(name), sources),
        });
      }
      return finding(base, { status: 'pass', grantedBy: [], message: text('forbiddenPermission.met.message', name) });
    })
  );

export const overGrantFindings = (ctx: EvaluationContext): Finding[] => {
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
        ? text('overGrant.fix.profile', ctx.permissionLabel(name))
        : g.kind === 'PermissionSetGroup'
          ? text('overGrant.fix.permissionSetGroup', g.name, ctx.permissionLabel(name))
          : text('overGrant.fix.permissionSet', ctx.permissionLabel(name), g.name)
    );
    out.push(
      finding(
        { kind: 'overGrant', requirement: text('overGrant.requirement', ctx.permissionText(name)), path: 'systemPermissions' },
        {
          status: 'warn',
          grantedBy: direct,
          message:
            text('overGrant.warning.message', ctx.permissionLabel(name), ctx.requirements.label || ctx.requirements.name, sources) +
            (name === MODIFY_ALL_DATA ? ` ${text('overGrant.warning.impliesViewAllData')}` : ''),
          fix: text('overGrant.warning.fix', [...new Set(fixes)].join('; ')),
        }
      )
    );
  }
  return out;
};
