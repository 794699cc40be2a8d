/*
 * `check --diagnose CODE`: the chain of causes behind an error a user or an integration reported, walked
 * for one user and app over the snapshot. Each link is a condition the flow needs; the first broken one
 * is the cause, with its fix. Pure: a function of (code, snapshot, user, requirements?).
 *
 *   OAUTH_APPROVAL_ERROR_GENERIC  org has API access → user active, not frozen → user has API Enabled →
 *                                 app named → app installed, or user holds Approve Uninstalled Connected
 *                                 Apps (since Sept 2025; Use Any API Client no longer counts since the week
 *                                 of 8 Dec 2025, Help 005228838) →
 *                                 admin-approved app: user pre-authorized → user has authorized it before
 *   invalid_client                org has API access → user active → app named → app in this org →
 *                                 consumer key and secret (not readable: always unknown)
 *   API_DISABLED_FOR_ORG          org has API access → user active → user has API Enabled
 *   INSUFFICIENT_ACCESS           org has API access → user active → user has API Enabled → licences →
 *                                 system permissions → object access → field access → record visibility
 *                                 (from the evaluation of the requirements)
 */
import type { Requirements } from '../requirements/types.js';
import type { AppPolicies, OrgSnapshot, UserAccess } from '../snapshot/types.js';
import type { Finding, FindingKind } from '../evaluation/types.js';
import { describeGrants, effectiveAccess, type AccessExplanation, type EffectiveAccess } from '../evaluation/effectiveAccess.js';
import { evaluateUser, type EvaluateOptions } from '../evaluation/evaluate.js';
import { BUILTIN_PERMISSION_LABELS, UNINSTALLED_APP_AUTHORIZATION, appPoliciesPath, useAnyApiClientNotEnough } from '../salesforce/index.js';

export const DIAGNOSE_CODES = ['OAUTH_APPROVAL_ERROR_GENERIC', 'invalid_client', 'API_DISABLED_FOR_ORG', 'INSUFFICIENT_ACCESS'] as const;
export type DiagnoseCode = (typeof DIAGNOSE_CODES)[number];

/** The supported code for what the user typed (case-insensitive), or undefined. */
export const parseDiagnoseCode = (input: string): DiagnoseCode | undefined => {
  const wanted = input.trim().toLowerCase();
  return DIAGNOSE_CODES.find((c) => c.toLowerCase() === wanted);
};

export type LinkStatus = 'ok' | 'broken' | 'unknown';

export type DiagnosisLink = {
  /** Stable id, e.g. `user-api-enabled` */
  id: string;
  /** What must hold, e.g. `user has API Enabled` */
  label: string;
  status: LinkStatus;
  /** What the snapshot says about it */
  detail: string;
  /** How to repair it (broken and unknown links) */
  fix?: string;
};

export type Diagnosis = {
  code: DiagnoseCode;
  username: string;
  userId: string;
  /** The app the chain was walked for (--app / oauth.app), when one is named */
  app?: string;
  /** broken: some link is broken; unknown: none broken, some could not be checked; ok: every link holds */
  status: LinkStatus;
  links: DiagnosisLink[];
  /** Id of the first broken link */
  brokenLink?: string;
  summary: string;
  /** The fix of the first broken link */
  fix?: string;
};

const GRANT_HINT = 'or run `sf integration grant`';

type Ctx = {
  snapshot: OrgSnapshot;
  user: UserAccess;
  access: EffectiveAccess;
  permissionText: (name: string) => string;
};

const contextOf = (snapshot: OrgSnapshot, user: UserAccess, options: EvaluateOptions): Ctx => ({
  snapshot,
  user,
  access: effectiveAccess(snapshot, user),
  permissionText: (name): string => {
    let label: string | undefined;
    try {
      label = options.permissionLabel?.(name);
    } catch {
      label = undefined;
    }
    label = label ?? BUILTIN_PERMISSION_LABELS[name];
    return label && label !== name ? `${name} (${label})` : name;
  },
});

const link = (id: string, label: string, status: LinkStatus, detail: string, fix?: string): DiagnosisLink => ({
  id,
  label,
  status,
  detail,
  ...(fix !== undefined && status !== 'ok' ? { fix } : {}),
});

/* --------------------------------------------------------------------------------------- links */

const orgApiLink = (ctx: Ctx): DiagnosisLink => {
  const edition = ctx.snapshot.org?.edition || 'unknown edition';
  return link(
    'org-api',
    'org has API access',
    'ok',
    `the org (${edition}${ctx.snapshot.org?.isSandbox ? ', sandbox' : ''}) answered this check over the API, so API access is enabled for it`
  );
};

const userActiveLink = (ctx: Ctx): DiagnosisLink => {
  const { user } = ctx;
  if (user.isActive === false) {
    return link('user-active', 'user active, not frozen', 'broken', `${user.username} is inactive`, `Activate the user (Setup > Users > ${user.username} > Edit > Active), or use the user the integration really connects as`);
  }
  if (user.isFrozen === true) {
    return link('user-active', 'user active, not frozen', 'broken', `${user.username} is frozen: logins and API calls are blocked`, `Unfreeze the user (Setup > Users > ${user.username} > Unfreeze)`);
  }
  return link('user-active', 'user active, not frozen', 'ok', `${user.username} is active and not frozen`);
};

/** ok when granted, unknown when only a session-based set grants it, broken otherwise. */
const permissionStatus = (explanation: AccessExplanation): { status: LinkStatus; detail: string } => {
  if (explanation.granted.length > 0) return { status: 'ok', detail: `granted by ${describeGrants(explanation.granted)}` };
  if (explanation.sessionOnly.length > 0) {
    return { status: 'unknown', detail: `granted only by session-based ${describeGrants(explanation.sessionOnly)} (counts only while activated)` };
  }
  if (explanation.muted.length > 0) {
    const m = explanation.muted[0];
    return { status: 'broken', detail: `granted by ${m.member} in permission set group ${m.group} but muted${m.mutingSet ? ` by ${m.mutingSet}` : ''}` };
  }
  return { status: 'broken', detail: 'nothing the user holds grants it' };
};

const apiEnabledLink = (ctx: Ctx, consequence: string): DiagnosisLink => {
  const { status, detail } = permissionStatus(ctx.access.explain({ type: 'systemPermission', name: 'ApiEnabled' }));
  return link(
    'user-api-enabled',
    'user has API Enabled',
    status,
    status === 'ok' ? `ApiEnabled ${detail}` : `ApiEnabled: ${detail}${status === 'broken' ? `; ${consequence}` : ''}`,
    `Add ${ctx.permissionText('ApiEnabled')} to a permission set assigned to ${ctx.user.username} (${GRANT_HINT})`
  );
};

const appKind = (app: AppPolicies): string => (app.kind === 'externalClientApp' ? 'external client app' : 'connected app');

const appNamedLink = (app: AppPolicies | null | undefined, name: string | undefined): DiagnosisLink => {
  if (app === undefined) {
    return link('app-named', 'app named', 'unknown', 'no app named: the app-specific links cannot be checked', 'Pass --app NAME (the connected app or external client app the user authorizes), or set oauth.app in the manifest');
  }
  if (app === null) {
    return link('app-named', 'app named', 'broken', `app ${name ?? ''} not found in this org`, 'Check the name given to --app (Setup > App Manager lists the apps in this org)');
  }
  return link(
    'app-named',
    'app named',
    'ok',
    app.installed === false
      ? `${app.name}: neither an installed connected app nor an external client app of this org, so a vendor-hosted (uninstalled) connected app`
      : `${app.name}: installed ${appKind(app)}`
  );
};

/**
 * Post-2025 rule (Salesforce Help 005132365, early Sept 2025; Help 005228838, week of 8 Dec 2025): a
 * user may authorize a connected app that is not installed in the org only with Approve Uninstalled
 * Connected Apps; Use Any API Client no longer does. Installing the app is the other way.
 */
const installedOrApprovedLink = (ctx: Ctx, app: AppPolicies | null | undefined): DiagnosisLink => {
  const id = 'app-installed-or-approved';
  const label = 'app installed, or user may approve uninstalled apps';
  if (!app) return link(id, label, 'unknown', 'no app to check', 'Pass --app NAME');
  if (app.installed !== false) return link(id, label, 'ok', `${app.name} is installed in this org (${appKind(app)})`);
  const rule = UNINSTALLED_APP_AUTHORIZATION;
  const approve = ctx.permissionText(rule.permission);
  const e = ctx.access.explain({ type: 'systemPermission', name: rule.permission });
  if (e.granted.length > 0) {
    return link(id, label, 'ok', `${app.name} is not installed in this org; the user holds ${rule.permission}, granted by ${describeGrants(e.granted)}`);
  }
  const useAny = ctx.access.explain({ type: 'systemPermission', name: rule.noLongerEnough }).granted;
  const useAnyNote =
    useAny.length > 0
      ? `; the user holds ${ctx.permissionText(rule.noLongerEnough)} (granted by ${describeGrants(useAny)}), but ${useAnyApiClientNotEnough()}`
      : '';
  const fix = `Either grant ${approve} in a permission set assigned to ${ctx.user.username} (${GRANT_HINT}), or install the app in this org (Setup > Connected Apps OAuth Usage > ${app.name} > Install) and manage its policies there; Use Any API Client does not help since ${rule.noLongerSince} (${rule.noLongerSource})`;
  if (e.sessionOnly.length > 0) {
    return link(id, label, 'unknown', `${app.name} is not installed in this org; ${rule.permission} is granted only by session-based ${describeGrants(e.sessionOnly)}${useAnyNote}`, fix);
  }
  const muted = e.muted.length > 0 ? ` (granted by ${e.muted[0].member} in permission set group ${e.muted[0].group} but muted)` : '';
  return link(
    id,
    label,
    'broken',
    `${app.name} is not installed in this org and nothing grants the user ${approve}${muted}: authorizing it fails with ${rule.errorCode} ("${rule.errorText}")${useAnyNote}`,
    fix
  );
};

const appAccessPath = (app: AppPolicies): string =>
  app.kind === 'externalClientApp'
    ? `Setup > External Client App Manager > ${app.name} > Edit Policies > App Policies > Select Profiles / Select Permission Sets`
    : `Setup > App Manager > ${app.name} > Manage > Manage Profiles / Manage Permission Sets`;

const preAuthorizedLink = (ctx: Ctx, app: AppPolicies): DiagnosisLink => {
  const id = 'app-preauthorized';
  const label = 'user pre-authorized (admin-approved app)';
  if (app.permittedUsers === 'any') return link(id, label, 'ok', `not needed: ${app.name} lets all users self-authorize`);
  if (app.permittedUsers === undefined) {
    return link(id, label, 'unknown', `could not read the Permitted Users policy of ${app.name}`, `Check it in ${appPoliciesPath(app.kind, app.name)}`);
  }
  const fix = `Add ${app.name} to a permission set assigned to ${ctx.user.username} or to the user's profile (${appAccessPath(app)})`;
  if (!app.id) return link(id, label, 'unknown', `${app.name} admits only admin-approved users and its Id is unknown`, fix);
  const { status, detail } = permissionStatus(ctx.access.explain({ type: 'app', appId: app.id }));
  return link(
    id,
    label,
    status,
    status === 'ok'
      ? `${app.name} admits only admin-approved users; access ${detail}`
      : `${app.name} admits only admin-approved users (Permitted Users: Admin approved users are pre-authorized): ${detail === 'nothing the user holds grants it' ? "neither the user's profile nor a permission set grants access" : detail}`,
    fix
  );
};

const authorizedLink = (ctx: Ctx, app: AppPolicies | null | undefined): DiagnosisLink => {
  const id = 'user-authorized';
  const label = 'user authorized the app before (OauthToken)';
  if (!app) return link(id, label, 'unknown', 'no app to check');
  const tokens = ctx.user.oauthTokens ?? [];
  if (tokens.length === 0) {
    return link(
      id,
      label,
      'unknown',
      `${ctx.user.username} has no OAuth token for ${app.name}: the authorization has never completed`,
      `Once the links above hold, connect the integration again as ${ctx.user.username}`
    );
  }
  const last = tokens
    .map((t) => t.lastUsedDate)
    .filter((d): d is string => typeof d === 'string' && d.length > 0)
    .sort()
    .pop();
  const uses = tokens.reduce((sum, t) => sum + (Number.isFinite(t.useCount) ? t.useCount : 0), 0);
  return link(id, label, 'ok', `authorized ${tokens.length} time${tokens.length === 1 ? '' : 's'}${last ? `, last used ${last}` : ''} (${uses} use${uses === 1 ? '' : 's'})`);
};

const appInOrgLink = (app: AppPolicies | null | undefined): DiagnosisLink => {
  const id = 'app-in-org';
  const label = 'app of the consumer key is in this org';
  if (!app) return link(id, label, 'unknown', 'no app to check', 'Pass --app NAME');
  if (app.installed === false) {
    return link(
      id,
      label,
      'unknown',
      `${app.name} is not installed in this org: its consumer key and secret are the vendor's, set in the vendor's org`,
      'Ask the vendor to check the consumer key and secret their integration sends, and that the app still exists in their org'
    );
  }
  const where =
    app.kind === 'externalClientApp'
      ? `Setup > External Client App Manager > ${app.name} > Settings > OAuth Settings > Consumer Key and Secret`
      : `Setup > App Manager > ${app.name} > View > Manage Consumer Details`;
  return link(id, label, 'ok', `${app.name} is an installed ${appKind(app)} of this org; its consumer key and secret are in ${where}`);
};

const credentialsLink = (app: AppPolicies | null | undefined): DiagnosisLink =>
  link(
    'client-credentials',
    'integration sends the app\'s key and secret',
    'unknown',
    'consumer keys and secrets cannot be read through the API',
    `Compare the client id and secret the integration sends with the app's (${
      app && app.installed !== false ? (app.kind === 'externalClientApp' ? 'External Client App Manager' : 'App Manager > View > Manage Consumer Details') : "the vendor's app"
    }); a new or changed app can take up to 10 minutes to be accepted, and a sandbox copy may carry other credentials`
  );

/* ------------------------------------------------------------------------- INSUFFICIENT_ACCESS */

const REQUIREMENT_LINKS: Array<{ id: string; label: string; kinds: FindingKind[] }> = [
  { id: 'licences', label: 'user licence and permission set licences', kinds: ['license', 'permissionSetLicense'] },
  { id: 'system-permissions', label: 'system permissions and permission sets', kinds: ['systemPermission', 'customPermission', 'permissionSet', 'forbiddenPermission'] },
  { id: 'object-access', label: 'object access', kinds: ['object'] },
  { id: 'field-access', label: 'field-level security', kinds: ['field'] },
  { id: 'record-visibility', label: 'record visibility', kinds: ['visibility'] },
];

const listed = (findings: Finding[]): string => {
  const names = findings.map((f) => f.requirement);
  return names.length > 4 ? `${names.slice(0, 4).join(', ')} (+${names.length - 4} more)` : names.join(', ');
};

const requirementLinks = (snapshot: OrgSnapshot, user: UserAccess, requirements: Requirements | undefined, options: EvaluateOptions): DiagnosisLink[] => {
  if (!requirements) {
    return [link('requirements', 'what the integration needs', 'unknown', 'no requirements given', 'Pass --preset NAME or --manifest FILE')];
  }
  const findings = evaluateUser(requirements, snapshot, user, options).findings;
  const out: DiagnosisLink[] = [];
  for (const spec of REQUIREMENT_LINKS) {
    const mine = findings.filter((f) => spec.kinds.includes(f.kind));
    if (mine.length === 0) continue;
    const bad = mine.filter((f) => f.status === 'fail' || f.status === 'error');
    const warned = mine.filter((f) => f.status === 'warn');
    if (bad.length > 0) {
      out.push(link(spec.id, spec.label, 'broken', `missing: ${listed(bad)}`, bad[0].fix ?? 'Run `sf integration check` without --diagnose for every missing item and its fix'));
    } else if (warned.length > 0) {
      out.push(link(spec.id, spec.label, 'unknown', `needs attention: ${listed(warned)}`, warned[0].fix));
    } else {
      out.push(link(spec.id, spec.label, 'ok', `every ${spec.label} item the integration needs is met (${mine.filter((f) => f.status === 'pass').length})`));
    }
  }
  return out;
};

/* --------------------------------------------------------------------------------------- API */

const chain = (code: DiagnoseCode, ctx: Ctx, requirements: Requirements | undefined, options: EvaluateOptions): DiagnosisLink[] => {
  const app = ctx.snapshot.app;
  const appName = app?.name ?? requirements?.oauth?.app;
  switch (code) {
    case 'OAUTH_APPROVAL_ERROR_GENERIC': {
      const links = [
        orgApiLink(ctx),
        userActiveLink(ctx),
        apiEnabledLink(ctx, 'the app cannot be used for API access'),
        appNamedLink(app, appName),
        installedOrApprovedLink(ctx, app),
      ];
      if (app && app.installed !== false) links.push(preAuthorizedLink(ctx, app));
      links.push(authorizedLink(ctx, app));
      return links;
    }
    case 'invalid_client':
      return [orgApiLink(ctx), userActiveLink(ctx), appNamedLink(app, appName), appInOrgLink(app), credentialsLink(app)];
    case 'API_DISABLED_FOR_ORG':
      return [orgApiLink(ctx), userActiveLink(ctx), apiEnabledLink(ctx, 'every API call as this user answers API_DISABLED_FOR_ORG ("API is disabled for this User")')];
    case 'INSUFFICIENT_ACCESS':
      return [
        orgApiLink(ctx),
        userActiveLink(ctx),
        apiEnabledLink(ctx, 'the user cannot call the API at all'),
        ...requirementLinks(ctx.snapshot, ctx.user, requirements, options),
      ];
    default:
      return [];
  }
};

/** Walk the chain of causes of `code` for one user (and the snapshot's app). */
export const diagnose = (code: DiagnoseCode, snapshot: OrgSnapshot, user: UserAccess, requirements?: Requirements, options: EvaluateOptions = {}): Diagnosis => {
  const ctx = contextOf(snapshot, user, options);
  const links = chain(code, ctx, requirements, options);
  const broken = links.find((l) => l.status === 'broken');
  const unknown = links.filter((l) => l.status === 'unknown');
  const status: LinkStatus = broken ? 'broken' : unknown.length > 0 ? 'unknown' : 'ok';
  const app = snapshot.app?.name ?? requirements?.oauth?.app;
  const summary = broken
    ? `${code} for ${user.username}: broken link "${broken.label}": ${broken.detail}`
    : unknown.length > 0
      ? `${code} for ${user.username}: no broken link found; could not check: ${unknown.map((l) => l.label).join('; ')}`
      : `${code} for ${user.username}: every link holds, so this cause is ruled out`;
  return {
    code,
    username: user.username,
    userId: user.id,
    ...(app ? { app } : {}),
    status,
    links,
    ...(broken ? { brokenLink: broken.id, fix: broken.fix } : {}),
    summary,
  };
};

/** One diagnosis per user of the snapshot. */
export const diagnoseAll = (code: DiagnoseCode, snapshot: OrgSnapshot, requirements?: Requirements, options: EvaluateOptions = {}): Diagnosis[] =>
  (snapshot.users ?? []).map((u) => diagnose(code, snapshot, u, requirements, options));

/** 3 when a link is broken for any user, else 0. */
export const diagnosisExitCode = (diagnoses: readonly Diagnosis[]): 0 | 3 => (diagnoses.some((d) => d.status === 'broken') ? 3 : 0);
