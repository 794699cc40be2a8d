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
import { EvaluationContext, GRANT_HINT, eqName as eq, finding, verdictFrom } from './context.js';
import { describeGrants } from './effectiveAccess.js';

type OAuthItem = { requirement: string; path: string; feature?: string };

const scopeRequirement = (item: NameItem): string => `oauth scope ${item.names.map(normalizeScope).join(' or ')}`;

/** The manifest's oauth items, in order, as requirement texts. */
const oauthItems = (oauth: OAuthRequirement): OAuthItem[] => {
  const items: OAuthItem[] = (oauth.scopes ?? []).map((s) => ({ requirement: scopeRequirement(s), path: s.path, feature: s.feature }));
  if (oauth.refreshTokenPolicy) items.push({ requirement: `oauth refresh token policy ${oauth.refreshTokenPolicy.value}`, path: oauth.refreshTokenPolicy.path });
  if (oauth.ipRelaxation) items.push({ requirement: `oauth IP relaxation ${oauth.ipRelaxation.value}`, path: oauth.ipRelaxation.path });
  if (oauth.permittedUsers) items.push({ requirement: `oauth permitted users ${oauth.permittedUsers.value}`, path: oauth.permittedUsers.path });
  return items;
};

const skipAll = (items: OAuthItem[], message: string): Finding[] =>
  items.map((i) => ({ kind: 'oauth', requirement: i.requirement, path: i.path, status: 'skip', grantedBy: [], message, ...(i.feature ? { feature: i.feature } : {}) }));

const appKindLabel = (app: AppPolicies): string => (app.kind === 'externalClientApp' ? 'external client app' : 'connected app');

const appSource = (app: AppPolicies, via?: string): GrantSource => ({ kind: 'Org', name: `${appKindLabel(app)} ${app.name}`, ...(via ? { via } : {}) });

const scopesPath = (app: AppPolicies): string =>
  app.kind === 'externalClientApp'
    ? `Setup > External Client App Manager > ${app.name} > Edit Settings > OAuth Settings > OAuth Scopes`
    : `Setup > App Manager > ${app.name} > Edit > API (Enable OAuth Settings) > Selected OAuth Scopes`;

const appAccessPath = (app: AppPolicies): string =>
  app.kind === 'externalClientApp'
    ? `Setup > External Client App Manager > ${app.name} > Edit Policies > App Policies > Select Profiles / Select Permission Sets`
    : `Setup > App Manager > ${app.name} > Manage > Manage Profiles / Manage Permission Sets`;


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
  if (useAny.granted.length > 0) notes.push(`the user holds ${ctx.permissionText(rule.noLongerEnough)} (granted by ${describeGrants(useAny.granted)}), which is not enough: ${useAnyApiClientNotEnough()}`);
  else notes.push(`${ctx.permissionText(rule.noLongerEnough)} is not enough: ${useAnyApiClientNotEnough()}`);
  if (outdated.length > 0) {
    const source = ctx.requirements.source ? ` (${ctx.requirements.source})` : '';
    notes.push(
      `the manifest${source} offers Use Any API Client as an alternative at ${outdated.join(', ')}: that predates the change of ${describeChange('useAnyApiClientNoLongerAuthorizes')}`
    );
  }
  const tokens = ctx.user.oauthTokens ?? [];
  if (tokens.length > 0) notes.push(`existing authorizations (${tokens.length}) keep working, except with the OAuth device flow, but a new authorization fails`);
  const verdict = verdictFrom(
    explanation,
    approve,
    {
      message: `${app.name} is not installed in this org: authorizing it fails with ${rule.errorCode} ("${rule.errorText}") unless the user has ${approve}; ${notes.join('; ')}`,
      fix: `Either grant ${approve} in a permission set assigned to the user (${GRANT_HINT}), or install the app in this org (Setup > Connected Apps OAuth Usage > ${app.name} > Install) and manage its policies there. Use Any API Client does not help since ${rule.noLongerSince} (${rule.noLongerSource})`,
    },
    (grants) => `${app.name} is not installed in this org; the user may authorize it: ${rule.permission} granted by ${describeGrants(grants)}`
  );
  return finding({ kind: 'oauth', requirement: `oauth app ${app.name}: authorize uninstalled app`, path }, verdict);
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
          grantedBy: [appSource(app, by === w ? undefined : `scope ${by}`)],
          message: by === w ? `${app.name} has the scope ${w}` : `${app.name} has the scope ${by}, which includes ${w}`,
        }
      );
    }
  }
  const first = wanted[0] ?? '';
  const label = SCOPE_LABELS[first] ?? first;
  const haveFull = (app.scopes ?? []).map(normalizeScope).includes('full');
  const note = first === 'refresh_token' && haveFull ? ' (full does not include refresh_token: it must be selected explicitly)' : '';
  return finding(
    { ...base, ...(wanted.length > 1 ? { chosen: first } : {}) },
    {
      status: 'fail',
      grantedBy: [],
      message: `${app.name} does not have the scope ${wanted.join(' or ')}${note}; its scopes: ${(app.scopes ?? []).join(', ') || 'none'}`,
      fix: `Add "${label}" to the app's OAuth scopes (${scopesPath(app)}); for a packaged or vendor-managed app, ask the vendor`,
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
      message: `could not read the ${setting} of ${app.name}`,
      fix: `Check it in ${appPoliciesPath(app.kind, app.name)} > ${setting}: ${wantedLabel}`,
    });
  }
  if (satisfied(actual)) {
    return finding(b, { status: 'pass', grantedBy: [appSource(app, `${setting} ${actual}`)], message: `${app.name} ${setting} is ${actual}` });
  }
  return finding(b, {
    status: 'fail',
    grantedBy: [],
    message: `${app.name} ${setting} is ${actual}`,
    fix: `Set ${setting} to "${wantedLabel}" in ${appPoliciesPath(app.kind, app.name)}`,
  });
};

/** "permission sets A, B and profiles C" / "no permission set or profile" (an ECA's policy lists). */
const ecaListsText = (app: AppPolicies): string => {
  if (!app.preAuthorized) return 'its OAuth policies could not be read (no permission to view them?), and no SetupEntityAccess row pre-authorizes';
  const sets = app.preAuthorized?.permissionSets ?? [];
  const profiles = app.preAuthorized?.profiles ?? [];
  const parts = [sets.length > 0 ? `permission sets ${sets.join(', ')}` : '', profiles.length > 0 ? `profiles ${profiles.join(', ')}` : ''].filter(Boolean);
  return `its OAuth policies pre-authorize ${parts.length > 0 ? parts.join(' and ') : 'no permission set or profile'}`;
};

const appAccessFinding = (ctx: EvaluationContext, app: AppPolicies, path: string): Finding => {
  const base = { kind: 'oauth' as const, requirement: `oauth app access ${app.name}`, path };
  if (!app.id) {
    return finding(base, {
      status: 'warn',
      grantedBy: [],
      message: `${app.name} admits only admin-approved users, and its Id is unknown: could not check which profiles and permission sets grant access`,
      fix: `Check that the user's profile or a permission set is listed in ${appAccessPath(app)}`,
    });
  }
  const explanation = ctx.access.explain({ type: 'app', appId: app.id });
  return finding(
    base,
    verdictFrom(
      explanation,
      `access to ${app.name}`,
      app.kind === 'externalClientApp'
        ? {
            // an ECA pre-authorizes through its own policies (Help "Preauthorize User App Access Through External
            // Client App Policies"; ExtlClntAppOauthConfigurablePolicies): src/salesforce/ecaPreauthorization.ts
            message: `${app.name} admits only admin-approved users, and ${ecaListsText(app)}: neither the user's profile nor a permission set of the user is among them`,
            fix: ecaPreauthorizationFix(app.name, app.preAuthorized?.policyName, {}),
          }
        : {
            message: `${app.name} admits only admin-approved users, and neither the user's profile nor a permission set grants access to it`,
            fix: `Add the app to a permission set assigned to the user or to the user's profile (${appAccessPath(app)})`,
          },
      (grants) => `${app.name} admits admin-approved users; access granted by ${describeGrants(grants)}`
    )
  );
};

const tokensFinding = (ctx: EvaluationContext, app: AppPolicies, path: string): Finding => {
  const tokens = ctx.user.oauthTokens ?? [];
  const base = { kind: 'oauth' as const, requirement: `oauth authorizations ${app.name}`, path };
  if (tokens.length === 0) {
    return finding(base, {
      status: 'warn',
      grantedBy: [],
      message: `${ctx.user.username} has never authorized ${app.name}`,
      fix: `Not a failure: connect the integration as ${ctx.user.username} (the vendor's "connect Salesforce" step) to authorize the app`,
    });
  }
  const dates = tokens.map((t) => t.lastUsedDate).filter((d): d is string => typeof d === 'string' && d.length > 0).sort();
  const uses = tokens.reduce((sum, t) => sum + (Number.isFinite(t.useCount) ? t.useCount : 0), 0);
  const last = dates.length > 0 ? dates[dates.length - 1] : undefined;
  return finding(base, {
    status: 'pass',
    grantedBy: [appSource(app, 'OauthToken')],
    message: `authorized ${tokens.length} time${tokens.length === 1 ? '' : 's'}, ${last ? `last used ${last}` : 'never used'} (${uses} use${uses === 1 ? '' : 's'})`,
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
        { requirement: `oauth refresh token policy ${wanted}`, path: oauth.refreshTokenPolicy.path },
        'Refresh Token Policy',
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
        { requirement: `oauth IP relaxation ${wanted}`, path: oauth.ipRelaxation.path },
        'IP Relaxation',
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
        { requirement: `oauth permitted users ${wanted}`, path: oauth.permittedUsers.path },
        'Permitted Users',
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
    const message = 'pass --app to check';
    return items.length > 0 ? skipAll(items, message) : [{ kind: 'oauth', requirement: 'oauth app', path: appPath, status: 'skip', grantedBy: [], message }];
  }
  if (app === null) {
    const name = oauth?.app ?? 'the named app';
    return [
      {
        kind: 'oauth',
        requirement: `oauth app ${name}`,
        path: appPath,
        status: 'fail',
        grantedBy: [],
        message: `app ${name} not found (neither installed connected app nor external client app)`,
        fix: `Check the name given to --app (Setup > App Manager lists the apps in this org); if it is the vendor's app and not installed here, install it, or grant ${ctx.permissionText(CAN_APPROVE_UNINSTALLED_APPS)} so users can authorize it uninstalled`,
      },
      ...skipAll(items, `app ${name} not found`),
    ];
  }

  const out: Finding[] = [];
  if (app.installed === false) {
    out.push(uninstalledFinding(ctx, app, appPath));
    out.push(...skipAll(items, `${app.name} is not installed in this org: its scopes and policies are set in the vendor's org (install it to check and manage them)`));
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
