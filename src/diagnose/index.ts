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
import { text } from './texts.generated.js';

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
  const edition = ctx.snapshot.org?.edition || text('orgApi.unknownEdition');
  return link('org-api', text('orgApi.label'), 'ok', text('orgApi.ok.detail', ctx.snapshot.org?.isSandbox ? text('orgApi.sandbox', edition) : edition));
};

const userActiveLink = (ctx: Ctx): DiagnosisLink => {
  const { user } = ctx;
  if (user.isActive === false) {
    return link('user-active', text('userActive.label'), 'broken', text('userActive.inactive.detail', user.username), text('userActive.inactive.fix', user.username));
  }
  if (user.isFrozen === true) {
    return link('user-active', text('userActive.label'), 'broken', text('userActive.frozen.detail', user.username), text('userActive.frozen.fix', user.username));
  }
  return link('user-active', text('userActive.label'), 'ok', text('userActive.ok.detail', user.username));
};

/** ok when granted, unknown when only a session-based set grants it, broken otherwise. */
const permissionStatus = (explanation: AccessExplanation): { status: LinkStatus; detail: string } => {
  if (explanation.granted.length > 0) return { status: 'ok', detail: text('permission.granted', describeGrants(explanation.granted)) };
  if (explanation.sessionOnly.length > 0) {
    return { status: 'unknown', detail: text('permission.sessionOnly', describeGrants(explanation.sessionOnly)) };
  }
  if (explanation.muted.length > 0) {
    const m = explanation.muted[0];
    return { status: 'broken', detail: m.mutingSet ? text('permission.mutedBy', m.member, m.group, m.mutingSet) : text('permission.muted', m.member, m.group) };
  }
  return { status: 'broken', detail: text('permission.nothing') };
};

const apiEnabledLink = (ctx: Ctx, consequence: string): DiagnosisLink => {
  const { status, detail } = permissionStatus(ctx.access.explain({ type: 'systemPermission', name: 'ApiEnabled' }));
  return link(
    'user-api-enabled',
    text('apiEnabled.label'),
    status,
    status === 'ok'
      ? text('apiEnabled.ok.detail', detail)
      : status === 'broken'
        ? text('apiEnabled.broken.detail', detail, consequence)
        : text('apiEnabled.unknown.detail', detail),
    text('apiEnabled.fix', ctx.permissionText('ApiEnabled'), ctx.user.username)
  );
};

const appKind = (app: AppPolicies): string => (app.kind === 'externalClientApp' ? text('app.kind.externalClientApp') : text('app.kind.connectedApp'));

const appNamedLink = (app: AppPolicies | null | undefined, name: string | undefined): DiagnosisLink => {
  if (app === undefined) {
    return link('app-named', text('appNamed.label'), 'unknown', text('appNamed.unknown.detail'), text('appNamed.unknown.fix'));
  }
  if (app === null) {
    return link('app-named', text('appNamed.label'), 'broken', text('appNamed.broken.detail', name ?? ''), text('appNamed.broken.fix'));
  }
  return link(
    'app-named',
    text('appNamed.label'),
    'ok',
    app.installed === false ? text('appNamed.uninstalled.detail', app.name) : text('appNamed.installed.detail', app.name, appKind(app))
  );
};

/**
 * Post-2025 rule (Salesforce Help 005132365, early Sept 2025; Help 005228838, week of 8 Dec 2025): a
 * user may authorize a connected app that is not installed in the org only with Approve Uninstalled
 * Connected Apps; Use Any API Client no longer does. Installing the app is the other way.
 */
const installedOrApprovedLink = (ctx: Ctx, app: AppPolicies | null | undefined): DiagnosisLink => {
  const id = 'app-installed-or-approved';
  const label = text('installedOrApproved.label');
  if (!app) return link(id, label, 'unknown', text('app.noApp.detail'), text('app.noApp.fix'));
  if (app.installed !== false) return link(id, label, 'ok', text('installedOrApproved.installed.detail', app.name, appKind(app)));
  const rule = UNINSTALLED_APP_AUTHORIZATION;
  const approve = ctx.permissionText(rule.permission);
  const e = ctx.access.explain({ type: 'systemPermission', name: rule.permission });
  if (e.granted.length > 0) {
    return link(id, label, 'ok', text('installedOrApproved.approved.detail', app.name, rule.permission, describeGrants(e.granted)));
  }
  const useAny = ctx.access.explain({ type: 'systemPermission', name: rule.noLongerEnough }).granted;
  const useAnyNote =
    useAny.length > 0
      ? `; ${text('installedOrApproved.useAnyApiClientNote', ctx.permissionText(rule.noLongerEnough), describeGrants(useAny), useAnyApiClientNotEnough())}`
      : '';
  const fix = text('installedOrApproved.fix', approve, ctx.user.username, app.name, rule.noLongerSince, rule.noLongerSource);
  if (e.sessionOnly.length > 0) {
    return link(id, label, 'unknown', text('installedOrApproved.sessionOnly.detail', app.name, rule.permission, describeGrants(e.sessionOnly)) + useAnyNote, fix);
  }
  const broken =
    e.muted.length > 0
      ? text('installedOrApproved.brokenMuted.detail', app.name, approve, text('installedOrApproved.mutedNote', e.muted[0].member, e.muted[0].group), rule.errorCode, rule.errorText)
      : text('installedOrApproved.broken.detail', app.name, approve, rule.errorCode, rule.errorText);
  return link(id, label, 'broken', broken + useAnyNote, fix);
};

const appAccessPath = (app: AppPolicies): string =>
  app.kind === 'externalClientApp'
    ? text('appAccessPath.externalClientApp', app.name)
    : text('appAccessPath.connectedApp', app.name);

const preAuthorizedLink = (ctx: Ctx, app: AppPolicies): DiagnosisLink => {
  const id = 'app-preauthorized';
  const label = text('preAuthorized.label');
  if (app.permittedUsers === 'any') return link(id, label, 'ok', text('preAuthorized.notNeeded.detail', app.name));
  if (app.permittedUsers === undefined) {
    return link(id, label, 'unknown', text('preAuthorized.unreadable.detail', app.name), text('preAuthorized.unreadable.fix', appPoliciesPath(app.kind, app.name)));
  }
  const fix = text('preAuthorized.fix', app.name, ctx.user.username, appAccessPath(app));
  if (!app.id) return link(id, label, 'unknown', text('preAuthorized.unknownId.detail', app.name), fix);
  const { status, detail } = permissionStatus(ctx.access.explain({ type: 'app', appId: app.id }));
  return link(
    id,
    label,
    status,
    status === 'ok'
      ? text('preAuthorized.ok.detail', app.name, detail)
      : text('preAuthorized.notOk.detail', app.name, detail === text('permission.nothing') ? text('preAuthorized.nothing') : detail),
    fix
  );
};

const authorizedLink = (ctx: Ctx, app: AppPolicies | null | undefined): DiagnosisLink => {
  const id = 'user-authorized';
  const label = text('authorized.label');
  if (!app) return link(id, label, 'unknown', text('app.noApp.detail'));
  const tokens = ctx.user.oauthTokens ?? [];
  if (tokens.length === 0) {
    return link(
      id,
      label,
      'unknown',
      text('authorized.never.detail', ctx.user.username, app.name),
      text('authorized.never.fix', ctx.user.username)
    );
  }
  const last = tokens
    .map((t) => t.lastUsedDate)
    .filter((d): d is string => typeof d === 'string' && d.length > 0)
    .sort()
    .pop();
  const uses = tokens.reduce((sum, t) => sum + (Number.isFinite(t.useCount) ? t.useCount : 0), 0);
  const times = tokens.length === 1 ? text('authorized.times.one', tokens.length) : text('authorized.times.other', tokens.length);
  const usesText = uses === 1 ? text('authorized.uses.one', uses) : text('authorized.uses.other', uses);
  return link(id, label, 'ok', last ? text('authorized.okLastUsed.detail', times, last, usesText) : text('authorized.ok.detail', times, usesText));
};

const appInOrgLink = (app: AppPolicies | null | undefined): DiagnosisLink => {
  const id = 'app-in-org';
  const label = text('appInOrg.label');
  if (!app) return link(id, label, 'unknown', text('app.noApp.detail'), text('app.noApp.fix'));
  if (app.installed === false) {
    return link(
      id,
      label,
      'unknown',
      text('appInOrg.uninstalled.detail', app.name),
      text('appInOrg.uninstalled.fix')
    );
  }
  const where =
    app.kind === 'externalClientApp'
      ? text('appInOrg.where.externalClientApp', app.name)
      : text('appInOrg.where.connectedApp', app.name);
  return link(id, label, 'ok', text('appInOrg.ok.detail', app.name, appKind(app), where));
};

const credentialsLink = (app: AppPolicies | null | undefined): DiagnosisLink =>
  link(
    'client-credentials',
    text('credentials.label'),
    'unknown',
    text('credentials.unknown.detail'),
    text(
      'credentials.fix',
      app && app.installed !== false
        ? app.kind === 'externalClientApp'
          ? text('credentials.where.externalClientApp')
          : text('credentials.where.connectedApp')
        : text('credentials.where.vendor')
    )
  );

/* ------------------------------------------------------------------------- INSUFFICIENT_ACCESS */

const REQUIREMENT_LINKS: Array<{ id: string; label: string; kinds: FindingKind[] }> = [
  { id: 'licences', label: text('requirements.licences.label'), kinds: ['license', 'permissionSetLicense'] },
  { id: 'system-permissions', label: text('requirements.systemPermissions.label'), kinds: ['systemPermission', 'customPermission', 'permissionSet', 'forbiddenPermission'] },
  { id: 'object-access', label: text('requirements.objectAccess.label'), kinds: ['object'] },
  { id: 'field-access', label: text('requirements.fieldAccess.label'), kinds: ['field'] },
  { id: 'record-visibility', label: text('requirements.recordVisibility.label'), kinds: ['visibility'] },
];

const listed = (findings: Finding[]): string => {
  const names = findings.map((f) => f.requirement);
  return names.length > 4 ? text('requirements.listedMore', names.slice(0, 4).join(', '), names.length - 4) : names.join(', ');
};

const requirementLinks = (snapshot: OrgSnapshot, user: UserAccess, requirements: Requirements | undefined, options: EvaluateOptions): DiagnosisLink[] => {
  if (!requirements) {
    return [link('requirements', text('requirements.none.label'), 'unknown', text('requirements.none.detail'), text('requirements.none.fix'))];
  }
  const findings = evaluateUser(requirements, snapshot, user, options).findings;
  const out: DiagnosisLink[] = [];
  for (const spec of REQUIREMENT_LINKS) {
    const mine = findings.filter((f) => spec.kinds.includes(f.kind));
    if (mine.length === 0) continue;
    const bad = mine.filter((f) => f.status === 'fail' || f.status === 'error');
    const warned = mine.filter((f) => f.status === 'warn');
    if (bad.length > 0) {
      out.push(link(spec.id, spec.label, 'broken', text('requirements.broken.detail', listed(bad)), bad[0].fix ?? text('requirements.broken.fix')));
    } else if (warned.length > 0) {
      out.push(link(spec.id, spec.label, 'unknown', text('requirements.unknown.detail', listed(warned)), warned[0].fix));
    } else {
      out.push(link(spec.id, spec.label, 'ok', text('requirements.ok.detail', spec.label, mine.filter((f) => f.status === 'pass').length)));
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
        apiEnabledLink(ctx, text('apiEnabled.consequence.oauth')),
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
      return [orgApiLink(ctx), userActiveLink(ctx), apiEnabledLink(ctx, text('apiEnabled.consequence.apiDisabled'))];
    case 'INSUFFICIENT_ACCESS':
      return [
        orgApiLink(ctx),
        userActiveLink(ctx),
        apiEnabledLink(ctx, text('apiEnabled.consequence.insufficientAccess')),
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
    ? text('summary.broken', code, user.username, broken.label, broken.detail)
    : unknown.length > 0
      ? text('summary.unknown', code, user.username, unknown.map((l) => l.label).join('; '))
      : text('summary.ok', code, user.username);
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
