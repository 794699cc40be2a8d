/*
 * The grant planner: a pure function of (requirements, snapshot) that says which least-privilege
 * permission set an integration needs, why each entry is there, what was left out on purpose and
 * what a permission set cannot do (manual steps). It plans "what the integration needs", not "what
 * the user lacks"; `diffPlanAgainstUser` shows the difference for one user.
 */
import type { OAuthRequirement, Requirements } from '../requirements/types.js';
import type { AppPolicies, OrgSnapshot, UserAccess } from '../snapshot/types.js';
import { effectiveAccess } from '../evaluation/index.js';
import { API_INTEGRATION_PSL, CAN_APPROVE_UNINSTALLED_APPS, INTEGRATION_LICENSE, PLATFORM_LICENSE, appPoliciesPath, IP_RELAXATION_LABELS, IP_RELAXATION_RANK, PERMITTED_USERS_LABELS, REFRESH_TOKEN_POLICY_LABELS, refreshTokenPolicySatisfies, scopeGrantedBy } from '../salesforce/index.js';
import { compareText, OBJECT_FLAG_LABELS, type ObjectFlag } from './dependencies.js';
import type { PermissionSetPlan, PlanDiff, PlanOptions } from './types.js';
import { planCustomPermissions } from './customPermissions.js';
import { PlanBuilder, compareReasons, orList } from './planBuilder.js';
import { planAnyOf } from './planSystemPermissions.js';
import { planObject } from './planObjects.js';
import { planEdition, planForbiddenHeld, planLicences, planRequiredPermissionSets, planUserStatus } from './planUser.js';
import { text } from './planTexts.generated.js';

/** Marker in the description of every permission set this tool generates. */
export const PLAN_MARKER = '[sf-integration-access]';
/** Permission set licence that Salesforce Integration licence users need before object access. */
export const INTEGRATION_PSL = API_INTEGRATION_PSL;
export const INTEGRATION_USER_LICENSE = INTEGRATION_LICENSE;
export const PLATFORM_USER_LICENSE = PLATFORM_LICENSE;
/** Approve Uninstalled Connected Apps: may be missing from the PermissionSet columns yet readable via metadata. */
export const APPROVE_UNINSTALLED_APPS = CAN_APPROVE_UNINSTALLED_APPS;

const MAX_NAME_LENGTH = 80;
const MAX_LABEL_LENGTH = 80;
const MAX_DESCRIPTION_LENGTH = 255;

// ---------------------------------------------------------------------------------------------
// Names

/** Why `name` is not a valid permission set API name, or undefined when it is. */
export function permissionSetNameProblem(name: string): string | undefined {
  if (name.length === 0) return text('name.empty');
  if (name.length > MAX_NAME_LENGTH) return text('name.tooLong', MAX_NAME_LENGTH);
  if (!/^[A-Za-z]/.test(name)) return text('name.firstLetter');
  if (!/^[A-Za-z0-9_]+$/.test(name)) return text('name.characters');
  if (name.includes('__')) return text('name.doubleUnderscore');
  if (name.endsWith('_')) return text('name.trailingUnderscore');
  return undefined;
}

/** `CrankWheel` → `CrankWheel_Integration`: a valid API name derived from the manifest label. */
export function defaultPermissionSetName(requirements: Pick<Requirements, 'label' | 'name'>): string {
  const suffix = 'Integration';
  const words = (value: string): string =>
    value
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '');
  let base = words(requirements.label) || words(requirements.name);
  if (base !== '' && !/^[A-Za-z]/.test(base)) base = `App_${base}`;
  const hasSuffix = new RegExp(`(^|_)${suffix}$`, 'i').test(base);
  const room = MAX_NAME_LENGTH - (hasSuffix ? 0 : suffix.length + 1);
  base = base.slice(0, room).replace(/_+$/, '');
  if (base === '') return suffix;
  return hasSuffix ? base : `${base}_${suffix}`;
}

function defaultLabel(requirements: Requirements): string {
  const label = requirements.label.trim() || requirements.name;
  return /\bintegration$/i.test(label) ? label : `${label} Integration`;
}

function planDescription(requirements: Requirements, label: string): string {
  const features = [...requirements.features].sort(compareText);
  const tagWithFeatures = `${PLAN_MARKER} manifest=${requirements.name}${features.length > 0 ? ` features=${features.join(',')}` : ''}`;
  const tag = tagWithFeatures.length <= 120 ? tagWithFeatures : `${PLAN_MARKER} manifest=${requirements.name}`;
  const prose = text('description.prose', label);
  const room = MAX_DESCRIPTION_LENGTH - tag.length - 1;
  const shown = prose.length <= room ? prose : `${prose.slice(0, Math.max(0, room - 1)).trimEnd()}…`;
  return `${shown} ${tag}`.trim().slice(0, MAX_DESCRIPTION_LENGTH);
}

/** Reads the manifest name back from a description written by `planPermissionSet`. */
export function manifestNameFromDescription(description: string | undefined): string | undefined {
  if (!description?.includes(PLAN_MARKER)) return undefined;
  const match = /\[sf-integration-access\] manifest=([^\s]+)/.exec(description);
  return match?.[1];
}

// ---------------------------------------------------------------------------------------------
// The planner

/**
 * Plans the least-privilege permission set for `requirements` in the org described by `snapshot`.
 * Pure and deterministic: every list in the result is sorted.
 *
 * @throws Error (name `InvalidPermissionSetName`) when `options.name` is not a valid API name.
 */
export function planPermissionSet(requirements: Requirements, snapshot: OrgSnapshot, options: PlanOptions = {}): PermissionSetPlan {
  const name = options.name ?? defaultPermissionSetName(requirements);
  const problem = permissionSetNameProblem(name);
  if (problem !== undefined) {
    const error = new Error(text('name.invalid', name, problem));
    error.name = 'InvalidPermissionSetName';
    throw error;
  }
  const label = sanitizeLabel(options.label ?? defaultLabel(requirements));
  const builder = new PlanBuilder(requirements, snapshot);

  planUserStatus(builder, snapshot);
  const license = planLicences(builder, requirements, snapshot);
  planRequiredPermissionSets(builder, requirements, snapshot);
  planForbiddenHeld(builder, requirements, snapshot);

  // System permissions: single names first, so alternatives can reuse them.
  const items = [...requirements.systemPermissions].sort((a, b) => compareText(a.path, b.path));
  for (const item of items.filter((entry) => entry.names.length === 1)) {
    builder.addUserPermission(item.names[0], { path: item.path, kind: 'required' });
  }
  for (const object of [...requirements.objects].sort((a, b) => compareText(a.object, b.object))) {
    planObject(builder, object, snapshot);
  }
  for (const item of items.filter((entry) => entry.names.length > 1)) {
    planAnyOf(builder, item, snapshot);
  }
  planUninstalledApp(builder, requirements, snapshot);
  builder.closeDependencies();

  planEdition(builder, requirements, snapshot);
  const appAccess = planOAuth(builder, requirements, snapshot);

  const plan: PermissionSetPlan = {
    name,
    label,
    description: planDescription(requirements, label),
    userPermissions: [...builder.userPermissions.entries()]
      .map(([permission, reason]) => ({ name: permission, reason }))
      .sort((a, b) => compareText(a.name, b.name)),
    objectPermissions: [...builder.objects.values()]
      .map((entry) => ({ ...entry, reasons: [...entry.reasons].sort(compareReasons) }))
      .sort((a, b) => compareText(a.object, b.object)),
    fieldPermissions: [...builder.fields.values()]
      .map((entry) => ({ ...entry, reasons: [...entry.reasons].sort(compareReasons) }))
      .sort((a, b) => compareText(a.field, b.field)),
    manualSteps: [...builder.manualSteps].sort(
      (a, b) => compareText(a.path, b.path) || compareText(a.requirement, b.requirement) || compareText(a.step, b.step)
    ),
    omitted: [...builder.omitted].sort((a, b) => compareText(a.path, b.path) || compareText(a.item, b.item) || compareText(a.why, b.why)),
    licenseAssignments: [...builder.licenseAssignments].sort(compareText),
  };
  if (license !== undefined) plan.license = license;
  if (appAccess !== undefined) plan.appAccess = appAccess;
  const custom = planCustomPermissions(requirements, snapshot);
  if (custom.customPermissions.length > 0) plan.customPermissions = custom.customPermissions;
  if (custom.omitted.length > 0) {
    plan.omitted = [...plan.omitted, ...custom.omitted].sort((a, b) => compareText(a.path, b.path) || compareText(a.item, b.item) || compareText(a.why, b.why));
  }
  return plan;
}

function sanitizeLabel(label: string): string {
  // eslint-disable-next-line no-control-regex
  return label.replace(/[\u0000-\u001F\u007F]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, MAX_LABEL_LENGTH).trimEnd();
}

// Each requirement kind plans in its own module: planUser.ts (status, licences, permission sets,
// forbidden, edition), planSystemPermissions.ts (anyOf), planObjects.ts (objects and fields),
// customPermissions.ts; the builder is planBuilder.ts. Apps and OAuth policies are below.

// --- apps, OAuth --------------------------------------------------------------------------------

function planUninstalledApp(builder: PlanBuilder, requirements: Requirements, snapshot: OrgSnapshot): void {
  const app = snapshot.app;
  if (!app || app.installed) return;
  // Only Approve Uninstalled Connected Apps lets a user authorize an uninstalled app: since the week of
  // 8 Dec 2025 Use Any API Client no longer does (Salesforce Help 005228838), so it never stands in here.
  if (builder.userPermissions.has(APPROVE_UNINSTALLED_APPS)) return;
  const path = requirements.oauth?.path ?? 'oauth';
  if (builder.isForbidden(APPROVE_UNINSTALLED_APPS)) return;
  const available =
    snapshot.availablePermissions.length === 0 ||
    snapshot.availablePermissions.includes(APPROVE_UNINSTALLED_APPS) ||
    Object.values(snapshot.permissionSets).some((source) => source.systemPermissions.includes(APPROVE_UNINSTALLED_APPS));
  if (available) {
    builder.addUserPermission(APPROVE_UNINSTALLED_APPS, {
      path,
      kind: 'required',
      note: text('uninstalledApp.note', app.name),
    });
  } else {
    builder.manual(
      text('uninstalledApp.requirement', app.name),
      path,
      text('uninstalledApp.step', app.name, app.name)
    );
  }
}

function policiesLocation(app: AppPolicies | undefined, appName: string): string {
  return appPoliciesPath(app?.kind ?? 'connectedApp', appName);
}

function scopesLocation(app: AppPolicies | undefined, appName: string): string {
  return app?.kind === 'externalClientApp'
    ? text('oauth.scopesLocation.externalClientApp', appName)
    : text('oauth.scopesLocation.connectedApp', appName);
}

function planOAuth(builder: PlanBuilder, requirements: Requirements, snapshot: OrgSnapshot): PermissionSetPlan['appAccess'] {
  const oauth = requirements.oauth;
  const app = snapshot.app ?? undefined;
  const appName = app?.name ?? oauth?.app ?? text('oauth.defaultAppName', requirements.label);
  if (snapshot.app === null) {
    builder.manual(
      text('oauth.appNotFound.requirement', appName),
      oauth?.path ?? 'oauth',
      text('oauth.appNotFound.step', appName)
    );
  }
  if (oauth !== undefined) planOAuthPolicies(builder, oauth, app, appName);
  return planAppAccess(builder, requirements, app, appName);
}

function planOAuthPolicies(builder: PlanBuilder, oauth: OAuthRequirement, app: AppPolicies | undefined, appName: string): void {
  if (app !== undefined && !app.installed) {
    const anyPolicy = oauth.refreshTokenPolicy !== undefined || oauth.ipRelaxation !== undefined || oauth.permittedUsers !== undefined;
    if (oauth.scopes.length > 0 || anyPolicy) {
      builder.manual(
        text('oauth.uninstalled.requirement', appName),
        oauth.path,
        text('oauth.uninstalled.step', appName, appName)
      );
    }
    return;
  }
  const unread = app === undefined;
  for (const item of oauth.scopes) {
    if (app !== undefined && item.names.some((scope) => scopeGrantedBy(scope, app.scopes) !== undefined)) continue;
    builder.manual(
      text('oauth.scope.requirement', orList(item.names)),
      item.path,
      unread
        ? text('oauth.scope.unreadStep', orList(item.names), appName, scopesLocation(app, appName))
        : text('oauth.scope.step', orList(item.names), appName, scopesLocation(app, appName))
    );
  }
  const policies: Array<{
    wanted: { value: string; path: string } | undefined;
    met: (wanted: string) => boolean;
    labels: Readonly<Record<string, string>>;
    setting: string;
  }> = [
    {
      wanted: oauth.refreshTokenPolicy,
      met: (wanted) => app?.refreshTokenPolicy !== undefined && refreshTokenPolicySatisfies(wanted, app.refreshTokenPolicy),
      labels: REFRESH_TOKEN_POLICY_LABELS,
      setting: text('oauth.setting.refreshTokenPolicy'),
    },
    {
      wanted: oauth.ipRelaxation,
      met: (wanted) => app?.ipRelaxation !== undefined && (IP_RELAXATION_RANK[app.ipRelaxation] ?? -1) >= (IP_RELAXATION_RANK[wanted] ?? 0),
      labels: IP_RELAXATION_LABELS,
      setting: text('oauth.setting.ipRelaxation'),
    },
    {
      wanted: oauth.permittedUsers,
      met: (wanted) => app?.permittedUsers === wanted,
      labels: PERMITTED_USERS_LABELS,
      setting: text('oauth.setting.permittedUsers'),
    },
  ];
  for (const { wanted, met, labels, setting } of policies) {
    if (wanted === undefined || met(wanted.value)) continue;
    builder.manual(
      text('oauth.policy.requirement', setting, wanted.value),
      wanted.path,
      unread
        ? text('oauth.policy.unreadStep', policiesLocation(app, appName), setting, labels[wanted.value] ?? wanted.value)
        : text('oauth.policy.step', policiesLocation(app, appName), setting, labels[wanted.value] ?? wanted.value)
    );
  }
}

/** Admin-approved apps: users get in through SetupEntityAccess on a profile or permission set. */
function planAppAccess(builder: PlanBuilder, requirements: Requirements, app: AppPolicies | undefined, appName: string): PermissionSetPlan['appAccess'] {
  const oauth = requirements.oauth;
  const adminApproved = app?.permittedUsers === 'adminApproved' || oauth?.permittedUsers?.value === 'adminApproved';
  if (!adminApproved) return undefined;
  if (app?.installed) {
    return app.id === undefined ? { appName: app.name } : { appName: app.name, appId: app.id };
  }
  builder.manual(
    text('oauth.preAuthorize.requirement', appName),
    oauth?.permittedUsers?.path ?? oauth?.path ?? 'oauth',
    text('oauth.preAuthorize.step', appName, appName)
  );
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Diff against one user

/**
 * What assigning the planned set would change for `user`: each planned item, as text, split into
 * what the user does not hold today and what they already hold through another source.
 */
export function diffPlanAgainstUser(plan: PermissionSetPlan, snapshot: OrgSnapshot, user: UserAccess): PlanDiff {
  const access = effectiveAccess(snapshot, user);
  const toAdd: string[] = [];
  const alreadyHeld: string[] = [];
  const sort = (item: string, isHeld: boolean): void => {
    (isHeld ? alreadyHeld : toAdd).push(item);
  };
  for (const licence of plan.licenseAssignments) {
    sort(text('diff.permissionSetLicence', licence), user.permissionSetLicenses.includes(licence));
  }
  for (const permission of plan.userPermissions) {
    sort(text('diff.systemPermission', permission.name), access.systemPermission(permission.name).length > 0);
  }
  const flags: ObjectFlag[] = ['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll', 'viewAllFields'];
  for (const entry of plan.objectPermissions) {
    for (const flag of flags.filter((candidate) => entry[candidate])) {
      sort(text('diff.objectAccess', entry.object, OBJECT_FLAG_LABELS[flag]), access.objectAccess(entry.object, flag).length > 0);
    }
  }
  for (const entry of plan.fieldPermissions) {
    const dot = entry.field.indexOf('.');
    const [object, field] = [entry.field.slice(0, dot), entry.field.slice(dot + 1)];
    if (entry.readable) sort(text('diff.fieldRead', entry.field), access.fieldAccess(object, field, 'read').length > 0);
    if (entry.editable) sort(text('diff.fieldEdit', entry.field), access.fieldAccess(object, field, 'edit').length > 0);
  }
  if (plan.appAccess !== undefined) {
    const appId = plan.appAccess.appId;
    sort(text('diff.appAccess', plan.appAccess.appName), appId !== undefined && access.appAccess(appId).length > 0);
  }
  for (const permission of plan.customPermissions ?? []) {
    sort(text('diff.customPermission', permission.name), access.explain({ type: 'customPermission', name: permission.name }).granted.length > 0);
  }
  return { toAdd, alreadyHeld };
}
