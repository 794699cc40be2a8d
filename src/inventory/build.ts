/*
 * The inventory's model: a pure function of what one read gave (InventorySnapshot). It matches OAuth
 * tokens to the apps the org has, says which apps in use are not installed, names each permission's
 * holders with what grants it, and lists the integration users with the apps they use.
 */
import { Messages } from '@salesforce/core';
import { INTEGRATION_LICENSE } from '../salesforce/licences.js';
import { BUILTIN_PERMISSION_LABELS } from '../salesforce/permissions.js';
import type { OrgSnapshot } from '../snapshot/types.js';
import { integrationUserExcess } from './excess.js';
import type {
  AppPoliciesSummary,
  ConnectedAppRow,
  HolderAssignment,
  IntegrationUser,
  InventoryApp,
  InventoryFinding,
  InventoryPermission,
  Inventory,
  InventorySnapshot,
  PermissionHolders,
} from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'inventory');

const INVENTORY_PERMISSIONS: readonly InventoryPermission[] = ['CanApproveUninstalledApps', 'UseAnyApiClient', 'ApiUserOnly'];

/**
 * How names are compared across OauthToken.AppName (the app's label), ConnectedApplication.Name and an
 * External Client App's DeveloperName / MasterLabel: case, spaces, underscores and hyphens ignored
 * ("Acme Sync" is "Acme_Sync"). ConnectedApplication has no label column to compare exactly.
 */
export const appKey = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

/** A connected app's refresh token policy from its ConnectedApplication columns. */
export const connectedAppRefreshPolicy = (app: ConnectedAppRow): string => {
  // RefreshTokenValidityPeriod is empty when the policy is "valid until revoked" (ConnectedApplication, Object Reference)
  if (app.refreshPeriod === null) return 'infinite';
  if (app.refreshPeriod === 0) return 'zero';
  return `${app.refreshByInactivity ? 'specific_inactivity' : 'specific_lifetime'}:${app.refreshPeriod}`;
};

const usageOf = (s: InventorySnapshot, ...names: string[]): InventoryApp['usage'] & { tokenName: string } | undefined => {
  const keys = new Set(names.filter(Boolean).map(appKey));
  const rows = s.tokenUsage.filter((t) => keys.has(appKey(t.appName)));
  if (rows.length === 0) return undefined;
  const lastUsed = rows.map((r) => r.lastUsed).filter((d): d is string => d !== undefined).sort().pop();
  return { users: rows.reduce((n, r) => n + r.users, 0), useCount: rows.reduce((n, r) => n + r.useCount, 0), lastUsed, tokenName: rows[0].appName };
};

const withUsage = (app: Omit<InventoryApp, 'usage' | 'tokenName'>, usage: ReturnType<typeof usageOf>): InventoryApp => {
  if (!usage) return app;
  const { tokenName, ...counts } = usage;
  return { ...app, ...(tokenName !== app.name ? { tokenName } : {}), usage: counts };
};

/** Every app the org has or that someone holds a token for, installed ones first, then by name. */
export const inventoryApps = (s: InventorySnapshot): InventoryApp[] => {
  const apps: InventoryApp[] = [];
  const claimed = new Set<string>();
  for (const a of s.connectedApps) {
    const usage = usageOf(s, a.name);
    if (usage) claimed.add(appKey(usage.tokenName));
    const policies: AppPoliciesSummary = { permittedUsers: a.adminApprovedOnly ? 'adminApproved' : 'any', refreshTokenPolicy: connectedAppRefreshPolicy(a) };
    apps.push(withUsage({ name: a.name, kind: 'connectedApp', installed: true, id: a.id, policies }, usage));
  }
  for (const e of s.externalClientApps) {
    const usage = usageOf(s, e.developerName, e.label);
    if (usage) claimed.add(appKey(usage.tokenName));
    const policies: AppPoliciesSummary = { permittedUsers: e.permittedUsers, ipRelaxation: e.ipRelaxation, refreshTokenPolicy: e.refreshTokenPolicy };
    apps.push(withUsage({ name: e.developerName, kind: 'externalClientApp', installed: true, id: e.id, policies }, usage));
  }
  // tokens for an app the org has neither as a Connected App nor as an External Client App: uninstalled
  for (const t of s.tokenUsage) {
    if (claimed.has(appKey(t.appName))) continue;
    claimed.add(appKey(t.appName));
    apps.push(withUsage({ name: t.appName, kind: 'connectedApp', installed: false, policies: {} }, usageOf(s, t.appName)));
  }
  return apps.sort((a, b) => Number(b.installed) - Number(a.installed) || a.name.localeCompare(b.name));
};

const sourceText = (h: HolderAssignment): string => `${h.source.kind}: ${h.source.name}`;

/** Per permission: its holders (one entry per user, every assignment that grants it), or that the org lacks it. */
export const permissionHolders = (s: InventorySnapshot): PermissionHolders[] =>
  INVENTORY_PERMISSIONS.map((permission) => {
    const read = s.holders[permission];
    const byUser = new Map<string, PermissionHolders['holders'][number]>();
    for (const a of read?.assignments ?? []) {
      const entry = byUser.get(a.userId) ?? { username: a.username, name: a.name, profile: a.profile, userLicense: a.userLicense, grantedBy: [] };
      if (!entry.grantedBy.includes(sourceText(a))) entry.grantedBy.push(sourceText(a));
      byUser.set(a.userId, entry);
    }
    const holders = [...byUser.values()].sort((a, b) => a.username.localeCompare(b.username));
    const total = Math.max(read?.total ?? 0, holders.length);
    return { permission, label: BUILTIN_PERMISSION_LABELS[permission], existsInOrg: s.permissionColumns.includes(permission), total, holders, truncated: holders.length < total };
  });

/**
 * The Salesforce Integration licence's users and the API Only users, with the apps each holds tokens for
 * and, given the read of their access, their excess privilege by tier (excess.ts).
 */
export const integrationUsers = (s: InventorySnapshot, access?: OrgSnapshot): IntegrationUser[] => {
  const users = new Map<string, IntegrationUser & { id: string }>();
  for (const u of s.integrationLicenceUsers) {
    users.set(u.id, { id: u.id, username: u.username, name: u.name, profile: u.profile, userLicense: u.userLicense, integrationLicence: true, apiOnly: false, apps: [] });
  }
  for (const a of s.holders.ApiUserOnly?.assignments ?? []) {
    const known = users.get(a.userId);
    if (known) known.apiOnly = true;
    else {
      users.set(a.userId, {
        id: a.userId,
        username: a.username,
        name: a.name,
        profile: a.profile,
        userLicense: a.userLicense,
        integrationLicence: a.userLicense === INTEGRATION_LICENSE,
        apiOnly: true,
        apps: [],
      });
    }
  }
  const id15 = (id: string): string => id.slice(0, 15);
  const byId15 = new Map([...users.values()].map((u) => [id15(u.id), u]));
  for (const t of s.integrationTokenUsage) {
    const user = byId15.get(id15(t.userId));
    if (user && !user.apps.some((a) => a.appName === t.appName)) user.apps.push({ appName: t.appName, useCount: t.useCount, lastUsed: t.lastUsed });
  }
  return [...users.values()]
    // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the Id only joins tokens to users
    .map(({ id, ...u }) => {
      const excess = access ? integrationUserExcess(access, id, u.apps.map((a) => a.appName)) : undefined;
      return { ...u, apps: u.apps.sort((a, b) => a.appName.localeCompare(b.appName)), ...(excess ? { excess } : {}) };
    })
    .sort((a, b) => a.username.localeCompare(b.username));
};

/** What an auditor must look at: apps in use that are not installed, self-authorizing apps, relaxed IP restrictions. */
export const inventoryFindings = (apps: InventoryApp[], approvers: PermissionHolders | undefined): InventoryFinding[] => {
  const findings: InventoryFinding[] = [];
  for (const app of apps) {
    if (!app.installed && app.usage) {
      findings.push({
        kind: 'uninstalledAppInUse',
        severity: 'high',
        app: app.name,
        // Salesforce Help 005132365 "Prepare for Connected App Usage Restrictions Change" (September 2025)
        message: messages.getMessage('finding.uninstalledAppInUse', [app.name, String(app.usage.users), String(approvers?.total ?? 0)]),
        fix: messages.getMessage('finding.uninstalledAppInUse.fix', [app.tokenName ?? app.name]),
      });
    }
    if (app.installed && app.usage && app.policies.permittedUsers === 'any') {
      findings.push({
        kind: 'selfAuthorizedApp',
        severity: 'medium',
        app: app.name,
        message: messages.getMessage('finding.selfAuthorizedApp', [app.name]),
        fix: messages.getMessage('finding.selfAuthorizedApp.fix', [app.name]),
      });
    }
    if (app.installed && app.policies.ipRelaxation && app.policies.ipRelaxation !== 'enforce') {
      findings.push({
        kind: 'ipRelaxed',
        severity: 'medium',
        app: app.name,
        message: messages.getMessage('finding.ipRelaxed', [app.name, app.policies.ipRelaxation]),
        fix: messages.getMessage('finding.ipRelaxed.fix', [app.name]),
      });
    }
  }
  return findings;
};

export const buildInventory = (s: InventorySnapshot, access?: OrgSnapshot): Inventory => {
  const apps = inventoryApps(s);
  const permissions = permissionHolders(s);
  return {
    org: s.org,
    apps,
    permissions,
    integrationUsers: integrationUsers(s, access),
    findings: inventoryFindings(apps, permissions.find((p) => p.permission === 'CanApproveUninstalledApps')),
  };
};
