/*
 * OAuth findings: whether the named connected app / external client app exists, whether the user can
 * authorize it (uninstalled apps, admin-approved apps), whether its scopes and policies match the
 * requirements, and (informational) whether the user has ever authorized it.
 */
import type { NameItem, OAuthRequirement } from '../requirements/types.js';
import type { AppPolicies } from '../snapshot/types.js';
import {
  CAN_APPROVE_UNINSTALLED_APPS,
  IP_RELAXATION_LABELS,
  IP_RELAXATION_RANK,
  PERMITTED_USERS_LABELS,
  REFRESH_TOKEN_POLICY_LABELS,
  SCOPE_LABELS,
  UNINSTALLED_APP_AUTHORIZATION,
  USE_ANY_API_CLIENT,
  appPoliciesPath,
  describeChange,
  ecaPreauthorizationFix,
  normalizeRefreshTokenPolicy,
  normalizeScope,
  refreshTokenPolicySatisfies,
  scopeGrantedBy,
  useAnyApiClientNotEnough,
} from '../salesforce/index.js';
import type { Finding, GrantSource } from './types.js';
import { EvaluationContext, eqName as eq, finding, orList, verdictFrom } from './context.js';
import { describeGrants } from './effectiveAccess.js';
import { text } from './texts.generated.js';

type OAuthItem = { requirement: string; path: string; feature?: string };

const scopeRequirement = (item: NameItem): string => text('oauth.scope.requirement', orList(item.names.map(normalizeScope)));

/** The manifest's oauth items, in order, as requirement texts. */
const oauthItems = (oauth: OAuthRequirement): OAuthItem[] => {
  const items: OAuthItem[] = (oauth.scopes ?? []).map((s) => ({ requirement: scopeRequirement(s), path: s.path, feature: s.feature }));
  if (oauth.refreshTokenPolicy) items.push({ requirement: text('oauth.refreshTokenPolicy.requirement', oauth.refreshTokenPolicy.value), path: oauth.refreshTokenPolicy.path });
  if (oauth.ipRelaxation) items.push({ requirement: text('oauth.ipRelaxation.requirement', oauth.ipRelaxation.value), path: oauth.ipRelaxation.path });
  if (oauth.permittedUsers) items.push({ requirement: text('oauth.permittedUsers.requirement', oauth.permittedUsers.value), path: oauth.permittedUsers.path });
  return items;
};

const skipAll = (items: OAuthItem[], message: string): Finding[] =>
  items.map((i) => ({ kind: 'oauth', requirement: i.requirement, path: i.path, status: 'skip', grantedBy: [], message, ...(i.feature ? { feature: i.feature } : {}) }));

const appKindLabel = (app: AppPolicies): string => (app.kind === 'externalClientApp' ? text('oauth.appKind.externalClientApp') : text('oauth.appKind.connectedApp'));

const appSource = (app: AppPolicies, via?: string): GrantSource => ({ kind: 'Org', name: text('oauth.appSource', appKindLabel(app), app.name), ...(via ? { via } : {}) });

const scopesPath = (app: AppPolicies): string =>
  app.kind === 'externalClientApp'
    ? text('oauth.scopesPath.externalClientApp', app.name)
    : text('oauth.scopesPath.connectedApp', app.name);

const appAccessPath = (app: AppPolicies): string =>
  app.kind === 'externalClientApp'
    ? text('oauth.appAccessPath.externalClientApp', app.name)
    : text('oauth.appAccessPath.connectedApp', app.name);


/**
 * Manifest items that offer Use Any API Client as a way to authorize an uninstalled app: an `anyOf`
 * holding both it and Approve Uninstalled Connected Apps. Written before the week of 8 Dec 2025
 * (Help 005228838), such an alternative is out of date for that purpose.
 */
const outdatedAlternatives = (ctx: EvaluationContext): string[] =>
  (ctx.requirements.systemPermissions ?? [])
    .filter((i) => i.names.some((n) => eq(n, USE_ANY_API_CLIENT)) && i.names.some((n) => eq(n, CAN_APPROVE_UNINSTALLED_APPS)))
    .map((i) => i.path);

/**
 * An app defined in the vendor's org and not installed here: since early Sept 2025 only a user with
 * Approve Uninstalled Connected Apps may authorize it (Help 005132365); since the week of 8 Dec 2025
 * Use Any API Client no longer does (Help 005228838), whatever a manifest's `anyOf` accepts. The
 * other fix is installing the app. Users who authorized before keep their connection (except with the
 * OAuth device flow), but a new authorization fails.
 */
const uninstalledFinding = (ctx: EvaluationContext, app: AppPolicies, path: string): Finding => {
  const rule = UNINSTALLED_APP_AUTHORIZATION;
  const approve = ctx.permissionText(rule.permission);
  const explanation = ctx.access.explain({ type: 'systemPermission', name: rule.permission });
  const useAny = ctx.access.explain({ type: 'systemPermission', name: rule.noLongerEnough });
  const outdated = outdatedAlternatives(ctx);
  const notes: string[] = [];
  if (useAny.granted.length > 0) {
    notes.push(text('oauth.uninstalled.useAnyApiClientHeldNote', ctx.permissionText(rule.noLongerEnough), describeGrants(useAny.granted), useAnyApiClientNotEnough()));
  } else notes.push(text('oauth.uninstalled.useAnyApiClientNote', ctx.permissionText(rule.noLongerEnough), useAnyApiClientNotEnough()));
  if (outdated.length > 0) {
    const change = describeChange('useAnyApiClientNoLongerAuthorizes');
    notes.push(
      ctx.requirements.source
        ? text('oauth.uninstalled.outdatedAlternativeFromSourceNote', ctx.requirements.source, outdated.join(', '), change)
        : text('oauth.uninstalled.outdatedAlternativeNote', outdated.join(', '), change)
    );
  }
  const tokens = ctx.user.oauthTokens ?? [];
  if (tokens.length > 0) notes.push(text('oauth.uninstalled.existingAuthorizationsNote', tokens.length));
  const verdict = verdictFrom(
    explanation,
    approve,
    {
      message: text('oauth.uninstalled.missing.message', app.name, rule.errorCode, rule.errorText, approve, notes.join('; ')),
      fix: text('oauth.uninstalled.missing.fix', approve, app.name, rule.noLongerSince, rule.noLongerSource),
    },
    (grants) => text('oauth.uninstalled.met.message', app.name, rule.permission, describeGrants(grants))
  );
  return finding({ kind: 'oauth', requirement: text('oauth.uninstalled.requirement', app.name), path }, verdict);
};

const scopeFinding = (app: AppPolicies, item: NameItem): Finding => {
  const base = { kind: 'oauth' as const, requirement: scopeRequirement(item), path: item.path, feature: item.feature };
  const wanted = item.names.map(normalizeScope);
  for (const w of wanted) {
    const by = scopeGrantedBy(w, app.scopes ?? []);
    if (by) {
      return finding(
        { ...base, ...(wanted.length > 1 ? { chosen: w } : {}) },
        {
          status: 'pass',
          grantedBy: [appSource(app, by === w ? undefined : text('oauth.scope.via', by))],
          message: by === w ? text('oauth.scope.met.message', app.name, w) : text('oauth.scope.metIncluded.message', app.name, by, w),
        }
      );
    }
  }
  const first = wanted[0] ?? '';
  const label = SCOPE_LABELS[first] ?? first;
  const haveFull = (app.scopes ?? []).map(normalizeScope).includes('full');
  const scopes = (app.scopes ?? []).join(', ') || text('oauth.scope.none');
  return finding(
    { ...base, ...(wanted.length > 1 ? { chosen: first } : {}) },
    {
      status: 'fail',
      grantedBy: [],
      message:
        first === 'refresh_token' && haveFull
          ? text('oauth.scope.missingRefreshToken.message', app.name, orList(wanted), scopes)
          : text('oauth.scope.missing.message', app.name, orList(wanted), scopes),
      fix: text('oauth.scope.missing.fix', label, scopesPath(app)),
    }
  );
};

const policyFinding = (
  app: AppPolicies,
  base: { requirement: string; path: string },
  setting: string,
  actual: string | undefined,
  satisfied: (actual: string) => boolean,
  wantedLabel: string
): Finding => {
  const b = { kind: 'oauth' as const, ...base };
  if (actual === undefined) {
    return finding(b, {
      status: 'warn',
      grantedBy: [],
      message: text('oauth.policy.unreadable.message', setting, app.name),
      fix: text('oauth.policy.unreadable.fix', appPoliciesPath(app.kind, app.name), setting, wantedLabel),
    });
  }
  if (satisfied(actual)) {
    return finding(b, { status: 'pass', grantedBy: [appSource(app, text('oauth.policy.via', setting, actual))], message: text('oauth.policy.is.message', app.name, setting, actual) });
  }
  return finding(b, {
    status: 'fail',
    grantedBy: [],
    message: text('oauth.policy.is.message', app.name, setting, actual),
    fix: text('oauth.policy.missing.fix', setting, wantedLabel, appPoliciesPath(app.kind, app.name)),
  });
};

/** "permission sets A, B and profiles C" / "no permission set or profile" (an ECA's policy lists). */
const ecaListsText = (app: AppPolicies): string => {
  if (!app.preAuthorized) return text('oauth.eca.policiesUnreadable');
  const sets = app.preAuthorized?.permissionSets ?? [];
  const profiles = app.preAuthorized?.profiles ?? [];
  const parts = [sets.length > 0 ? text('oauth.eca.permissionSets', sets.join(', ')) : '', profiles.length > 0 ? text('oauth.eca.profiles', profiles.join(', ')) : ''].filter(Boolean);
  return text('oauth.eca.preAuthorizes', parts.length > 0 ? parts.join(` ${text('oauth.eca.and')} `) : text('oauth.eca.nothing'));
};

const appAccessFinding = (ctx: EvaluationContext, app: AppPolicies, path: string): Finding => {
  const base = { kind: 'oauth' as const, requirement: text('oauth.appAccess.requirement', app.name), path };
  if (!app.id) {
    return finding(base, {
      status: 'warn',
      grantedBy: [],
      message: text('oauth.appAccess.unknownId.message', app.name),
      fix: text('oauth.appAccess.unknownId.fix', appAccessPath(app)),
    });
  }
  const explanation = ctx.access.explain({ type: 'app', appId: app.id });
  return finding(
    base,
    verdictFrom(
      explanation,
      text('oauth.appAccess.what', app.name),
      app.kind === 'externalClientApp'
        ? {
            // an ECA pre-authorizes through its own policies (Help "Preauthorize User App Access Through External
            // Client App Policies"; ExtlClntAppOauthConfigurablePolicies): src/salesforce/ecaPreauthorization.ts
            message: text('oauth.appAccess.externalClientApp.missing.message', app.name, ecaListsText(app)),
            fix: ecaPreauthorizationFix(app.name, app.preAuthorized?.policyName, {}),
          }
        : {
            message: text('oauth.appAccess.connectedApp.missing.message', app.name),
            fix: text('oauth.appAccess.connectedApp.missing.fix', appAccessPath(app)),
          },
      (grants) => text('oauth.appAccess.met.message', app.name, describeGrants(grants))
    )
  );
};

const tokensFinding = (ctx: EvaluationContext, app: AppPolicies, path: string): Finding => {
  const tokens = ctx.user.oauthTokens ?? [];
  const base = { kind: 'oauth' as const, requirement: text('oauth.tokens.requirement', app.name), path };
  if (tokens.length === 0) {
    return finding(base, {
      status: 'warn',
      grantedBy: [],
      message: text('oauth.tokens.never.message', ctx.user.username, app.name),
      fix: text('oauth.tokens.never.fix', ctx.user.username),
    });
  }
  const dates = tokens.map((t) => t.lastUsedDate).filter((d): d is string => typeof d === 'string' && d.length > 0).sort();
  const uses = tokens.reduce((sum, t) => sum + (Number.isFinite(t.useCount) ? t.useCount : 0), 0);
  const last = dates.length > 0 ? dates[dates.length - 1] : undefined;
  return finding(base, {
    status: 'pass',
    grantedBy: [appSource(app, 'OauthToken')],
    message: text(
      'oauth.tokens.met.message',
      tokens.length === 1 ? text('oauth.tokens.times.one', tokens.length) : text('oauth.tokens.times.other', tokens.length),
      last ? text('oauth.tokens.lastUsed', last) : text('oauth.tokens.neverUsed'),
      uses === 1 ? text('oauth.tokens.uses.one', uses) : text('oauth.tokens.uses.other', uses)
    ),
  });
};

/** Scopes and policies of an installed app against the manifest's oauth section. */
const policyFindings = (app: AppPolicies, oauth: OAuthRequirement): Finding[] => {
  const out: Finding[] = (oauth.scopes ?? []).map((scope) => scopeFinding(app, scope));
  if (oauth.refreshTokenPolicy) {
    const wanted = oauth.refreshTokenPolicy.value;
    const key = normalizeRefreshTokenPolicy(wanted).split(':')[0];
    out.push(
      policyFinding(
        app,
        { requirement: text('oauth.refreshTokenPolicy.requirement', wanted), path: oauth.refreshTokenPolicy.path },
        text('oauth.setting.refreshTokenPolicy'),
        app.refreshTokenPolicy,
        (actual) => refreshTokenPolicySatisfies(wanted, actual),
        REFRESH_TOKEN_POLICY_LABELS[key] ?? wanted
      )
    );
  }
  if (oauth.ipRelaxation) {
    const wanted = oauth.ipRelaxation.value;
    out.push(
      policyFinding(
        app,
        { requirement: text('oauth.ipRelaxation.requirement', wanted), path: oauth.ipRelaxation.path },
        text('oauth.setting.ipRelaxation'),
        app.ipRelaxation,
        (actual) => (IP_RELAXATION_RANK[actual] ?? -1) >= (IP_RELAXATION_RANK[wanted] ?? 0),
        IP_RELAXATION_LABELS[wanted] ?? wanted
      )
    );
  }
  if (oauth.permittedUsers) {
    const wanted = oauth.permittedUsers.value;
    out.push(
      policyFinding(
        app,
        { requirement: text('oauth.permittedUsers.requirement', wanted), path: oauth.permittedUsers.path },
        text('oauth.setting.permittedUsers'),
        app.permittedUsers,
        (actual) => actual === wanted,
        PERMITTED_USERS_LABELS[wanted] ?? wanted
      )
    );
  }
  return out;
};

export const oauthFindings = (ctx: EvaluationContext): Finding[] => {
  const oauth = ctx.requirements.oauth;
  const app = ctx.snapshot.app;
  if (!oauth && app === undefined) return [];
  const items = oauth ? oauthItems(oauth) : [];
  const appPath = oauth?.path ?? 'oauth';

  if (app === undefined) {
    const message = text('oauth.noApp.skipped.message');
    return items.length > 0 ? skipAll(items, message) : [{ kind: 'oauth', requirement: text('oauth.noApp.requirement'), path: appPath, status: 'skip', grantedBy: [], message }];
  }
  if (app === null) {
    const name = oauth?.app ?? text('oauth.appNotFound.theNamedApp');
    return [
      {
        kind: 'oauth',
        requirement: text('oauth.app.requirement', name),
        path: appPath,
        status: 'fail',
        grantedBy: [],
        message: text('oauth.appNotFound.message', name),
        fix: text('oauth.appNotFound.fix', ctx.permissionText(CAN_APPROVE_UNINSTALLED_APPS)),
      },
      ...skipAll(items, text('oauth.appNotFound.skipped.message', name)),
    ];
  }

  const out: Finding[] = [];
  if (app.installed === false) {
    out.push(uninstalledFinding(ctx, app, appPath));
    out.push(...skipAll(items, text('oauth.uninstalled.skipped.message', app.name)));
    out.push(tokensFinding(ctx, app, appPath));
    return out;
  }

  if (oauth) out.push(...policyFindings(app, oauth));
  if (app.permittedUsers === 'adminApproved' || oauth?.permittedUsers?.value === 'adminApproved') {
    out.push(appAccessFinding(ctx, app, oauth?.permittedUsers?.path ?? appPath));
  }
  out.push(tokensFinding(ctx, app, appPath));
  return out;
};
