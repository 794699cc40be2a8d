/*
 * The integration inventory: every connected app and external client app in use in an org, its
 * policies and whether it is installed, who holds the permissions that let users authorize apps, and
 * the org's integration users. Plain data: the reader fills InventorySnapshot, the builder (pure) turns
 * it into Inventory, the renderers print it.
 */
import type { OrgInfo } from '../snapshot/types.js';
import type { RiskTier, TierCounts } from '../excess/types.js';

/** The permissions the inventory lists holders of (PermissionSet.Permissions<Name>). */
export type InventoryPermission = 'CanApproveUninstalledApps' | 'UseAnyApiClient' | 'ApiUserOnly';

/** Where a user gets a permission: `Profile: …`, `PermissionSet: …` or `PermissionSetGroup: …`. */
export type GrantSource = { kind: 'Profile' | 'PermissionSet' | 'PermissionSetGroup'; name: string };

/** One active user's assignment of a set (profile, set or group) that grants a permission. */
export type HolderAssignment = {
  userId: string;
  username: string;
  name: string;
  profile: string;
  userLicense: string;
  source: GrantSource;
};

/** OauthToken rows folded by app (GROUP BY AppName): how many users, how often, when last. */
export type TokenUsage = { appName: string; users: number; useCount: number; lastUsed?: string };

/** OauthToken rows of one integration user for one app (GROUP BY AppName, UserId). */
export type UserTokenUsage = { appName: string; userId: string; useCount: number; lastUsed?: string };

export type ConnectedAppRow = {
  id: string;
  name: string;
  adminApprovedOnly: boolean;
  /** OptionsRefreshTokenValidityMetric: true = validity measured from last use (inactivity) */
  refreshByInactivity: boolean;
  /** RefreshTokenValidityPeriod: null = no expiry set (valid until revoked) */
  refreshPeriod: number | null;
};

export type ExternalClientAppRow = {
  id: string;
  developerName: string;
  label: string;
  distributionState?: string;
  permittedUsers?: 'any' | 'adminApproved';
  ipRelaxation?: 'enforce' | 'relaxed' | 'relaxedRefresh';
  refreshTokenPolicy?: string;
};

export type IntegrationLicenceUser = { id: string; username: string; name: string; profile: string; userLicense: string };

/** What one read of the org gives the inventory (rows, typed; no verdicts). */
export type InventorySnapshot = {
  org: OrgInfo;
  /** Which of the inventory's permissions this org has a Permissions… column for */
  permissionColumns: InventoryPermission[];
  tokenUsage: TokenUsage[];
  connectedApps: ConnectedAppRow[];
  externalClientApps: ExternalClientAppRow[];
  /** Per permission: distinct active holders (COUNT_DISTINCT) and their assignments (capped at one page) */
  holders: Partial<Record<InventoryPermission, { total: number; assignments: HolderAssignment[] }>>;
  integrationLicenceUsers: IntegrationLicenceUser[];
  integrationTokenUsage: UserTokenUsage[];
};

// ------------------------------------------------------------------------------------- the result

export type AppPoliciesSummary = {
  /** any: all users may self-authorize; adminApproved: admin-approved users are pre-authorized */
  permittedUsers?: 'any' | 'adminApproved';
  /** enforce | relaxed | relaxedRefresh; undefined where the org does not expose it to a query (connected apps) */
  ipRelaxation?: 'enforce' | 'relaxed' | 'relaxedRefresh';
  /** infinite (valid until revoked) | zero | specific_lifetime:N | specific_inactivity:N (ECA: with the unit) */
  refreshTokenPolicy?: string;
};

export type InventoryApp = {
  /** The app's name as the org knows it (installed: its API name; otherwise the name its tokens carry) */
  name: string;
  /** The label OAuth tokens carry (OauthToken.AppName), when it differs from name */
  tokenName?: string;
  kind: 'connectedApp' | 'externalClientApp';
  installed: boolean;
  id?: string;
  /** Who uses it (OauthToken): absent when nobody holds a token */
  usage?: { users: number; useCount: number; lastUsed?: string };
  policies: AppPoliciesSummary;
};

export type PermissionHolder = {
  username: string;
  name: string;
  profile: string;
  userLicense: string;
  /** Every assignment that grants it: `Profile: System Administrator`, `PermissionSet: CrankWheel_User`, … */
  grantedBy: string[];
};

export type PermissionHolders = {
  permission: InventoryPermission;
  label: string;
  /** false: this org has no such permission (e.g. Use Any API Client without API Access Control) */
  existsInOrg: boolean;
  /** Distinct active users holding it */
  total: number;
  holders: PermissionHolder[];
  /** true when only part of the holders is listed (the list is capped at one page of assignments) */
  truncated: boolean;
};

export type IntegrationUser = {
  username: string;
  name: string;
  profile: string;
  userLicense: string;
  /** Holds the Salesforce Integration user licence */
  integrationLicence: boolean;
  /** Holds API Only User (PermissionsApiUserOnly) */
  apiOnly: boolean;
  /** Apps this user holds OAuth tokens for */
  apps: Array<{ appName: string; useCount: number; lastUsed?: string }>;
  /** Excess privilege by tier (src/inventory/excess.ts); absent when the user's access could not be read */
  excess?: IntegrationUserExcess;
};

/**
 * An integration user's excess privilege, counted by tier with the same computation as `check --excess`.
 * `nothingRequired`: the inventory has no manifest, so everything held counts (access to the apps the user
 * holds tokens for excepted); `check --excess` with the integration's manifest gives the exact list.
 */
export type IntegrationUserExcess = {
  basis: 'nothingRequired';
  /** Excess items in all tiers */
  total: number;
  counts: TierCounts;
  /** The riskiest tier present */
  highest?: RiskTier;
  /** The items of the riskiest tier, for people (`Modify All Data (ModifyAllData)`, …) */
  riskiest?: string[];
};

export type InventoryFindingKind = 'uninstalledAppInUse' | 'selfAuthorizedApp' | 'ipRelaxed';

export type InventoryFinding = {
  kind: InventoryFindingKind;
  severity: 'high' | 'medium';
  app: string;
  message: string;
  fix: string;
};

export type Inventory = {
  org: OrgInfo;
  apps: InventoryApp[];
  permissions: PermissionHolders[];
  integrationUsers: IntegrationUser[];
  findings: InventoryFinding[];
};
