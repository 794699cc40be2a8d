/*
 * Where each Salesforce fact comes from. Every fact in src/salesforce/ names one of these (or a
 * fixture file), and, where the platform can change it, the date it is true from.
 */

/** A fact's provenance: its source, and the date it is true from when the platform can change it. */
export type Sourced = {
  /** Salesforce Help article id, developer documentation URL, or a fixture file */
  source: string;
  /** ISO date (YYYY-MM-DD) from which the fact holds; absent for long-standing behaviour */
  since?: string;
};

export const SOURCES = {
  /** "Prepare for Connected App Usage Restrictions Change" (Approve Uninstalled Connected Apps, Sept 2025) */
  HELP_CONNECTED_APP_RESTRICTIONS: 'Salesforce Help 005132365 "Prepare for Connected App Usage Restrictions Change"',
  /** Use Any API Client no longer authorizes uninstalled connected apps (week of 8 Dec 2025) */
  HELP_USE_ANY_API_CLIENT_CHANGE: 'Salesforce Help 005228838',
  /** "New Connected Apps Can No Longer Be Created in Spring '26" */
  HELP_NO_NEW_CONNECTED_APPS: 'Salesforce Help 005228017 "New Connected Apps Can No Longer Be Created in Spring \'26"',
  /** Removing permissions from profiles is postponed (profiles still grant permissions) */
  HELP_PROFILE_PERMISSIONS_POSTPONED: 'Salesforce Help 003834041',
  /** "View All and Modify All Permissions Overview": object/data-wide permissions never grant field access */
  HELP_VIEW_ALL_MODIFY_ALL:
    'Salesforce Help "View All and Modify All Permissions Overview"',
  /** "Object Permissions": Create/Edit/Delete need Read, Modify All needs Read/Edit/Delete/View All */
  HELP_OBJECT_PERMISSIONS: 'Salesforce Help "Object Permissions"',
  /** Release notes, Spring '25: object permission View All Fields */
  RN_VIEW_ALL_FIELDS: 'Salesforce Release Notes Spring \'25 "View All Fields" (rn_permissions_view_all_fields, release 254)',
  /** "User Permissions and Access" / permission descriptions */
  HELP_USER_PERMISSIONS: 'Salesforce Help "User Permissions"',
  /** Object Reference: PermissionSet (Permissions… fields), ObjectPermissions, FieldPermissions */
  OBJECT_REFERENCE_PERMISSION_SET: 'https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_permissionset.htm',
  /** Object Reference: SetupEntityAccess (SetupEntityType values) */
  OBJECT_REFERENCE_SETUP_ENTITY_ACCESS:
    'https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_setupentityaccess.htm',
  /** Object Reference: Task / Event (no object permissions; Edit Tasks / Edit Events) */
  HELP_ACTIVITIES: 'Salesforce Help "Activity Access"',
  /** User sharing: View All Users, Manage Users */
  HELP_USER_SHARING: 'Salesforce Help "User Sharing"',
  /** Case comments follow the parent case */
  OBJECT_REFERENCE_CASE_COMMENT: 'https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_casecomment.htm',
  /** User licences: Salesforce Platform cannot hold CRM objects */
  HELP_USER_LICENSES: 'Salesforce Help "User Licenses"',
  /** Salesforce Integration user licence and the Salesforce API Integration permission set licence */
  HELP_INTEGRATION_USER: 'Salesforce Help "Give Integration Users API Only Access"',
  /** Editions with API access */
  HELP_API_EDITIONS: 'Salesforce Help "Salesforce Editions with API Access" (article id not verified)',
  /** ConnectedApp metadata (oauthConfig.scopes, oauthPolicy.ipRelaxation, refreshTokenPolicy) */
  METADATA_CONNECTED_APP: 'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_connectedapp.htm',
  /** ExtlClntAppOauthConfigurablePolicies metadata (permitted users, IP relaxation, refresh token policy) */
  METADATA_ECA_OAUTH_POLICIES:
    'https://developer.salesforce.com/docs/atlas.en-us.api_meta.meta/api_meta/meta_extlclntappoauthconfigurablepolicies.htm',
  /** "Preauthorize User App Access Through External Client App Policies" (ECA Permitted Users, profiles and permission sets) */
  HELP_ECA_PREAUTHORIZE:
    'Salesforce Help "Preauthorize User App Access Through External Client App Policies" (https://help.salesforce.com/s/articleView?id=xcloud.preauth_user_app_access_through_eca.htm)',
  /** "OAuth Tokens and Scopes" */
  HELP_OAUTH_SCOPES: 'Salesforce Help "OAuth Tokens and Scopes"',
  /** Permission set groups: muting permission sets */
  HELP_MUTING: 'Salesforce Help "Mute a Permission in a Permission Set Group"',
  /** Session-based permission sets */
  HELP_SESSION_BASED: 'Salesforce Help "Session-Based Permission Sets"',
  /** Deploy-time permission dependencies: "Permission X depends on permission(s): Y"; Tooling PermissionDependency */
  TOOLING_PERMISSION_DEPENDENCY: 'https://developer.salesforce.com/docs/atlas.en-us.api_tooling.meta/api_tooling/tooling_api_objects_permissiondependency.htm',
  /** Fixture: PermissionSet field reference labels (v67.0) */
  FIXTURE_PERMISSION_LABELS: 'data/user-permission-labels.tsv (PermissionSet field reference v67.0)',
} as const;
