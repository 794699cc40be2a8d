/*
 * Risk tiers of access a user holds beyond what an integration needs (`check --excess`). One table,
 * each entry with why it is ranked so and where Salesforce documents what the permission does.
 *
 * Tiers, highest first:
 * - critical: the user can read or change every record, change the org's code or configuration, or give
 *   themselves (or anyone) any other permission. Salesforce itself singles out Modify All Data, View All
 *   Data, Customize Application and Author Apex as the permissions whose holders must use
 *   phishing-resistant MFA ("privileged users", enforced from July 2026).
 * - high: bulk export or destruction of data, decrypted data, authorizing apps, security settings.
 * - medium: broad visibility (all users, Setup, all records of one object), deletes, transfers.
 * - low: everything else a user holds beyond the manifest (ordinary app and system permissions,
 *   object and field access, app access).
 *
 * Sources (Salesforce Help unless noted):
 * - HELP_USER_PERMISSIONS: "User Permissions", https://help.salesforce.com/s/articleView?id=platform.admin_userperms.htm&type=5
 * - HELP_PERMISSION_DESCRIPTIONS: "User Profile permission descriptions", Knowledge Article 000386319,
 *   https://help.salesforce.com/s/articleView?id=000386319&type=1
 * - HELP_VIEW_ALL_MODIFY_ALL: "View All and Modify All Permissions Overview" (Security Guide, "User Authorization")
 * - HELP_PRIVILEGED_MFA: Salesforce's phishing-resistant MFA requirement for users with the System
 *   Administrator profile or Modify All Data, View All Data, Customize Application or Author Apex
 *   (announced 2026; summarised at https://help.liaisonedu.com/TargetX/Salesforce_Basics/Configuring_Multi-Factor_Authentication_and_DKIM/Salesforce_MFA_FAQ
 *   — the Help article id itself was not in the stored documentation: verify)
 * - HELP_HIGH_ASSURANCE: "Require High-Assurance Session Security for Sensitive Operations" (Security Guide:
 *   Manage Data Export, Manage Encryption Keys, Manage Auth. Providers, Manage Certificates, Manage Connected
 *   Apps, Manage IP Addresses, Manage Login Access Policies, Manage Password Policies are the "sensitive
 *   operations"), https://developer.salesforce.com/docs/atlas.en-us.securityImplGuide.meta/securityImplGuide/security_auth_require_ha_session.htm
 * - HELP_UNINSTALLED_APPS: Help 005132365 "Prepare for Connected App Usage Restrictions Change" and
 *   Help 005228838 (Use Any API Client no longer authorizes uninstalled apps, week of 8 Dec 2025)
 * - CLI_HARD_DELETE: Salesforce CLI reference, `sf data delete bulk --hard-delete`: "You must have the
 *   'Bulk API Hard Delete' system permission … disabled by default and can be enabled only by a system
 *   administrator" (records bypass the Recycle Bin),
 *   https://developer.salesforce.com/docs/platform/salesforce-cli-reference/guide/cli_reference_data_delete_bulk.html
 */

import { SOURCES } from './sources.js';

export const RISK_TIERS = ['critical', 'high', 'medium', 'low'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** Higher is riskier: critical 3 … low 0. */
export const tierRank = (tier: RiskTier): number => RISK_TIERS.length - 1 - RISK_TIERS.indexOf(tier);

/** Whether `tier` is at or above `threshold` (e.g. high is at or above medium). */
export const atOrAbove = (tier: RiskTier, threshold: RiskTier): boolean => tierRank(tier) >= tierRank(threshold);

/** The riskier of two tiers. */
export const maxTier = (a: RiskTier, b: RiskTier): RiskTier => (tierRank(a) >= tierRank(b) ? a : b);

export const isRiskTier = (value: string): value is RiskTier => (RISK_TIERS as readonly string[]).includes(value);

/** The sources of the tier table: SOURCES of sources.ts where it has them, and the ones only this table uses. */
export const RISK_SOURCES = {
  HELP_USER_PERMISSIONS: `${SOURCES.HELP_USER_PERMISSIONS} (platform.admin_userperms.htm)`,
  HELP_PERMISSION_DESCRIPTIONS: 'Salesforce Help 000386319 "User Profile permission descriptions"',
  HELP_VIEW_ALL_MODIFY_ALL: SOURCES.HELP_VIEW_ALL_MODIFY_ALL,
  HELP_PRIVILEGED_MFA: 'Salesforce: phishing-resistant MFA for privileged users (Modify All Data, View All Data, Customize Application, Author Apex; Help article id not verified)',
  HELP_HIGH_ASSURANCE: 'Salesforce Security Guide "Require High-Assurance Session Security for Sensitive Operations"',
  HELP_UNINSTALLED_APPS: `${SOURCES.HELP_CONNECTED_APP_RESTRICTIONS}; ${SOURCES.HELP_USE_ANY_API_CLIENT_CHANGE}`,
  CLI_HARD_DELETE: 'Salesforce CLI reference "data delete bulk" --hard-delete',
} as const;

export type SystemPermissionRisk = {
  /** Permission API name (PermissionSet column without `Permissions`) */
  name: string;
  /** The label admins see in Setup */
  label: string;
  tier: RiskTier;
  /** Why it is ranked so, in one sentence */
  reason: string;
  /** Where Salesforce documents it (one of RISK_SOURCES) */
  source: string;
};

const entry = (name: string, label: string, tier: RiskTier, reason: string, source: string): SystemPermissionRisk => ({ name, label, tier, reason, source });

/**
 * System permissions ranked above `low`. Names are PermissionSet column names without `Permissions`
 * (checked against the v67.0 field reference list in emulator/fixtures/user-permissions.txt).
 */
export const SYSTEM_PERMISSION_RISKS: readonly SystemPermissionRisk[] = [
  // critical: every record, the org's code and configuration, or any permission for anyone
  entry('ModifyAllData', 'Modify All Data', 'critical', 'create, edit and delete every record, ignoring sharing', RISK_SOURCES.HELP_PRIVILEGED_MFA),
  entry('ViewAllData', 'View All Data', 'critical', 'read every record, ignoring sharing (a whole-org export)', RISK_SOURCES.HELP_PRIVILEGED_MFA),
  entry('AuthorApex', 'Author Apex', 'critical', 'write and run Apex code, which runs without the user’s permission checks', RISK_SOURCES.HELP_PRIVILEGED_MFA),
  entry('CustomizeApplication', 'Customize Application', 'critical', 'change the org’s configuration, including connected apps and security settings', RISK_SOURCES.HELP_PRIVILEGED_MFA),
  entry('ManageUsers', 'Manage Users', 'critical', 'create and edit users, reset passwords, assign any profile or permission set', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('AssignPermissionSets', 'Assign Permission Sets', 'critical', 'assign any permission set, including to itself', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ManageProfilesPermissionsets', 'Manage Profiles and Permission Sets', 'critical', 'change what any profile or permission set grants', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ModifyMetadata', 'Modify Metadata Through Metadata API Functions', 'critical', 'deploy metadata, including permission sets and Apex settings', RISK_SOURCES.HELP_USER_PERMISSIONS),
  // high: bulk export or destruction, decrypted data, app authorization, security settings
  entry('ExportReport', 'Export Reports', 'high', 'export report results, the usual path of bulk data theft', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('DataExport', 'Weekly Data Export', 'high', 'run the org-wide Data Export service', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('BulkApiHardDelete', 'Bulk API Hard Delete', 'high', 'delete records permanently, bypassing the Recycle Bin', RISK_SOURCES.CLI_HARD_DELETE),
  entry('ViewEncryptedData', 'View Encrypted Data', 'high', 'see the plain values of encrypted fields', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('CanApproveUninstalledApps', 'Approve Uninstalled Connected Apps', 'high', 'authorize connected apps that are not installed in the org (how the 2025 connected-app breaches got in)', RISK_SOURCES.HELP_UNINSTALLED_APPS),
  entry('UseAnyApiClient', 'Use Any API Client', 'high', 'use any API client when API Access Control restricts them', RISK_SOURCES.HELP_UNINSTALLED_APPS),
  entry('ManageRemoteAccess', 'Manage Connected Apps', 'high', 'create and change connected apps and their policies', RISK_SOURCES.HELP_HIGH_ASSURANCE),
  entry('ManageEncryptionKeys', 'Manage Encryption Keys', 'high', 'manage Platform Encryption keys', RISK_SOURCES.HELP_HIGH_ASSURANCE),
  entry('ManageAuthProviders', 'Manage Auth. Providers', 'high', 'change how users sign in', RISK_SOURCES.HELP_HIGH_ASSURANCE),
  entry('ManageCertificates', 'Manage Certificates', 'high', 'manage certificates and single sign-on keys', RISK_SOURCES.HELP_HIGH_ASSURANCE),
  entry('ManageIpAddresses', 'Manage IP Addresses', 'high', 'change the org’s trusted network ranges', RISK_SOURCES.HELP_HIGH_ASSURANCE),
  entry('ManageLoginAccessPolicies', 'Manage Login Access Policies', 'high', 'change who may log in as other users', RISK_SOURCES.HELP_HIGH_ASSURANCE),
  entry('ManagePasswordPolicies', 'Manage Password Policies', 'high', 'change password policies', RISK_SOURCES.HELP_HIGH_ASSURANCE),
  entry('ManageSharing', 'Manage Sharing', 'high', 'change org-wide defaults and sharing rules', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ManageInternalUsers', 'Manage Internal Users', 'high', 'create and edit internal users', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ResetPasswords', 'Reset User Passwords and Unlock Users', 'high', 'reset other users’ passwords', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ManageRoles', 'Manage Roles', 'high', 'change the role hierarchy, and with it record access', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('InstallPackaging', 'Download AppExchange Packages', 'high', 'install and uninstall packages', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ManageNamedCredentials', 'Manage Named Credentials', 'high', 'change stored credentials of external systems', RISK_SOURCES.HELP_USER_PERMISSIONS),
  entry('QueryAllFiles', 'Query All Files', 'high', 'read every file in the org through the API', RISK_SOURCES.HELP_USER_PERMISSIONS),
  // medium: broad visibility, transfers, mass imports
  entry('ViewAllUsers', 'View All Users', 'medium', 'see every user record', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ViewSetup', 'View Setup and Configuration', 'medium', 'read the org’s whole configuration, including security settings', RISK_SOURCES.HELP_USER_PERMISSIONS),
  entry('ViewAllProfiles', 'View All Profiles', 'medium', 'read every profile', RISK_SOURCES.HELP_USER_PERMISSIONS),
  entry('ViewRoles', 'View Roles and Role Hierarchy', 'medium', 'read the role hierarchy', RISK_SOURCES.HELP_USER_PERMISSIONS),
  entry('ViewEventLogFiles', 'View Event Log Files', 'medium', 'read event monitoring logs of every user', RISK_SOURCES.HELP_USER_PERMISSIONS),
  entry('TransferAnyEntity', 'Transfer Record', 'medium', 'change the owner of records the user can read', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('TransferAnyLead', 'Transfer Leads', 'medium', 'change the owner of any lead', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ImportCustomObjects', 'Import Custom Objects', 'medium', 'mass-import custom object records', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ImportLeads', 'Import Leads', 'medium', 'mass-import leads', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ManageDataIntegrations', 'Manage Data Integrations', 'medium', 'configure data integrations', RISK_SOURCES.HELP_USER_PERMISSIONS),
  entry('ManageCustomPermissions', 'Manage Custom Permissions', 'medium', 'create and change custom permissions', RISK_SOURCES.HELP_USER_PERMISSIONS),
  entry('ViewAllActivities', 'View All Activities', 'medium', 'read every task and event', RISK_SOURCES.HELP_PERMISSION_DESCRIPTIONS),
  entry('ApiEnabled', 'API Enabled', 'medium', 'use every Salesforce API', RISK_SOURCES.HELP_USER_PERMISSIONS),
];

/**
 * Permissions that take access away rather than give it: never excess. API Only User (`ApiUserOnly`)
 * restricts the user to API access, no UI login (HELP_PERMISSION_DESCRIPTIONS; the Salesforce
 * Integration licence's "Minimum Access - API Only Integrations" profile holds it).
 */
export const RESTRICTIVE_PERMISSIONS: readonly string[] = ['ApiUserOnly'];

export const isRestrictive = (name: string): boolean => RESTRICTIVE_PERMISSIONS.some((p) => p.toLowerCase() === name.toLowerCase());

const BY_NAME = new Map(SYSTEM_PERMISSION_RISKS.map((r) => [r.name.toLowerCase(), r]));

/** The risk of holding a system permission: its table entry, or `low` for permissions not listed. */
export const systemPermissionRisk = (name: string): SystemPermissionRisk =>
  BY_NAME.get(name.toLowerCase()) ?? {
    name,
    label: name,
    tier: 'low',
    reason: 'a permission the integration does not need',
    source: RISK_SOURCES.HELP_USER_PERMISSIONS,
  };

/** Object access flags (ObjectPermissions columns) and their tier when held beyond the manifest. */
export type ObjectAccessFlag = 'read' | 'create' | 'edit' | 'delete' | 'viewAll' | 'modifyAll' | 'viewAllFields';

/**
 * The tier of an object access held beyond the manifest. Modify All on one object is Modify All Data
 * for that object (every record, ignoring sharing): high; View All (every record readable) and View All
 * Fields (every field readable, including later ones) are medium; Delete is medium; Read/Create/Edit
 * are low. Source: HELP_VIEW_ALL_MODIFY_ALL.
 */
export const OBJECT_ACCESS_RISK: Readonly<Record<ObjectAccessFlag, RiskTier>> = {
  modifyAll: 'high',
  viewAll: 'medium',
  viewAllFields: 'medium',
  delete: 'medium',
  edit: 'low',
  create: 'low',
  read: 'low',
};

/** Field permissions held beyond the manifest: edit is low, read is low (summarised per object). */
export const FIELD_ACCESS_RISK: RiskTier = 'low';

/**
 * Access to an admin-approved connected app the integration does not use: the user can authorize it
 * (Salesforce: "Admin approved users are pre-authorized"). Medium: another way in with the same user.
 */
export const APP_ACCESS_RISK: RiskTier = 'medium';
