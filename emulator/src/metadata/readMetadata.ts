/*
 * readMetadata: PermissionSet, Profile, ConnectedApp and External Client App records from the org
 * state, in the Metadata API's shapes and spellings (ConnectedAppOauthAccessScope enum values,
 * ENFORCE/BYPASS for connected apps; Enforce/Bypass, AdminApprovedPreAuthorized, Infinite for
 * External Client Apps, as in metadata.xsd v66 and the ExtlClntApp* metadata reference).
 */
import type { ConnectedAppState, OrgState } from '../orgState.js';
import { permissionSetRecord, profileRecord } from './permissionSetXml.js';
import type { XmlObject } from './xml.js';

/** The Metadata API reads at most this many names per call. */
export const READ_METADATA_LIMIT = 10;

export const READABLE_TYPES = [
  'PermissionSet',
  'Profile',
  'ConnectedApp',
  'ExternalClientApplication',
  'ExtlClntAppOauthSettings',
  'ExtlClntAppOauthConfigurablePolicies',
] as const;
export type ReadableType = (typeof READABLE_TYPES)[number];

export const isReadableType = (t: string): t is ReadableType => (READABLE_TYPES as readonly string[]).includes(t);

/**
 * OAuth scope names as an app or manifest writes them → the ConnectedAppOauthAccessScope enum of
 * metadata.xsd (v66). `id` is the identity URL service, "Basic" in metadata.
 */
const SCOPE_TO_METADATA = new Map<string, string>([
  ['id', 'Basic'],
  ['api', 'Api'],
  ['web', 'Web'],
  ['full', 'Full'],
  ['chatter_api', 'Chatter'],
  ['visualforce', 'CustomApplications'],
  ['refresh_token', 'RefreshToken'],
  ['openid', 'OpenID'],
  ['profile', 'Profile'],
  ['email', 'Email'],
  ['address', 'Address'],
  ['phone', 'Phone'],
  ['offline_access', 'OfflineAccess'],
  ['custom_permissions', 'CustomPermissions'],
  ['wave_api', 'Wave'],
  ['eclair_api', 'Eclair'],
  ['pardot_api', 'Pardot'],
  ['lightning', 'Lightning'],
  ['content', 'Content'],
  ['cdp_ingest_api', 'CDPIngest'],
  ['cdp_profile_api', 'CDPProfile'],
  ['cdp_query_api', 'CDPQuery'],
  ['chatbot_api', 'Chatbot'],
  ['cdp_segment_api', 'CDPSegment'],
  ['cdp_identityresolution_api', 'CDPIdentityResolution'],
  ['cdp_calculated_insight_api', 'CDPCalculatedInsight'],
  ['forgot_password', 'ForgotPassword'],
  ['user_registration_api', 'UserRegistration'],
  ['sfap_api', 'SFAP'],
  ['interaction_api', 'Interaction'],
  ['cdp_api', 'CDP'],
  ['einstein_gpt_api', 'EinsteinGPT'],
  ['pwdless_login_api', 'PwdlessLogin'],
  ['mcp_api', 'MCP'],
  ['scrt_api', 'SCRT'],
]);

/** The enum values themselves (a state file may already use them). */
const METADATA_SCOPES = new Set(SCOPE_TO_METADATA.values());

/** Whether a scope name (manifest spelling or metadata enum value) is one Salesforce knows. */
export const isKnownScope = (scope: string): boolean => METADATA_SCOPES.has(scope) || SCOPE_TO_METADATA.has(scope.toLowerCase());

export const metadataScope = (scope: string): string => {
  if (METADATA_SCOPES.has(scope)) return scope;
  return SCOPE_TO_METADATA.get(scope.toLowerCase()) ?? scope;
};

/** Org-state IP relaxation (enforce | relaxed | relaxedRefresh) → ConnectedAppOauthPolicy.ipRelaxation. */
export const metadataIpRelaxation = (value: string | undefined): string => {
  switch ((value ?? 'enforce').toLowerCase()) {
    case 'enforce':
      return 'ENFORCE';
    case 'relaxed':
    case 'bypass':
      return 'BYPASS';
    case 'relaxedrefresh':
    case 'enforce_relaxrefresh':
      return 'ENFORCE_RELAXREFRESH';
    case 'relaxed2fa':
    case 'bypass_2factor':
      return 'BYPASS_2FACTOR';
    default:
      return value ?? 'ENFORCE';
  }
};

/** Refresh token policy: the metadata uses the manifest vocabulary (infinite, zero, specific_lifetime:N:UNIT, specific_inactivity:N:UNIT). */
export const metadataRefreshTokenPolicy = (value: string | undefined): string => {
  if (value === undefined || value === '') return 'infinite';
  if (value === 'immediately' || value === 'immediate') return 'zero';
  return value;
};

export const connectedAppRecord = (app: ConnectedAppState): XmlObject => ({
  '@xsi:type': 'ConnectedApp',
  fullName: app.name,
  label: app.label ?? app.name,
  oauthConfig: {
    callbackUrl: 'http://localhost:1717/OauthRedirect',
    isAdminApproved: app.permittedUsers === 'adminApproved',
    scopes: [...new Set((app.scopes ?? []).map(metadataScope))],
  },
  oauthPolicy: {
    ipRelaxation: metadataIpRelaxation(app.ipRelaxation),
    refreshTokenPolicy: metadataRefreshTokenPolicy(app.refreshTokenPolicy),
  },
  permissionSetName: app.permissionSets ?? [],
  profileName: app.profiles ?? [],
});

/* ------------------------------------------------------------------ External Client Apps */

/** Whether a state app is an External Client App present in the org (ECAs exist only once installed). */
export const isExternalClientApp = (app: ConnectedAppState): boolean => app.kind === 'externalClientApp' && app.installed !== false;

/** Org-state permitted users → PermittedUsersPolicyType. */
export const ecaPermittedUsers = (value: string | undefined): string =>
  value === 'adminApproved' ? 'AdminApprovedPreAuthorized' : 'AllSelfAuthorized';

/** Org-state IP relaxation → ipRelaxationPolicyType (Enforce | Bypass | Bypass_2factor | Enforce_RelaxRefresh). */
export const ecaIpRelaxation = (value: string | undefined): string => {
  switch ((value ?? 'enforce').toLowerCase()) {
    case 'relaxed':
    case 'bypass':
      return 'Bypass';
    case 'relaxedrefresh':
    case 'enforce_relaxrefresh':
      return 'Enforce_RelaxRefresh';
    case 'relaxed2fa':
    case 'bypass_2factor':
      return 'Bypass_2factor';
    default:
      return 'Enforce';
  }
};

/** Org-state refresh token policy keyword → the metadata's refreshTokenPolicyType. */
const REFRESH_TOKEN_POLICY_TYPES = new Map([
  ['infinite', 'Infinite'],
  ['zero', 'Zero'],
  ['specific_lifetime', 'SpecificLifetime'],
  ['specific_inactivity', 'SpecificInactivity'],
]);

/**
 * Org-state refresh token policy (infinite | zero | specific_lifetime:N:UNIT | specific_inactivity:N:UNIT)
 * → refreshTokenPolicyType (Infinite | Zero | SpecificLifetime | SpecificInactivity) with the period
 * and unit (Hours | Days | Months) when specific.
 */
export const ecaRefreshTokenPolicy = (value: string | undefined): { type: string; period?: number; unit?: string } => {
  const v = metadataRefreshTokenPolicy(value);
  const [head, n, unit] = v.split(':');
  const type = REFRESH_TOKEN_POLICY_TYPES.get(head.toLowerCase());
  if (!type) return { type: 'Infinite' };
  if (type === 'SpecificLifetime' || type === 'SpecificInactivity') {
    const period = Number(n);
    const u = (unit ?? 'hours').toLowerCase();
    const unitName = u.startsWith('month') ? 'Months' : u.startsWith('day') ? 'Days' : 'Hours';
    return { type, period: Number.isFinite(period) ? period : 1, unit: unitName };
  }
  return { type };
};

const ecaName = (fullName: string, suffix: string): string => (fullName.endsWith(suffix) ? fullName.slice(0, -suffix.length) : fullName);

export const externalClientAppRecord = (app: ConnectedAppState): XmlObject => ({
  '@xsi:type': 'ExternalClientApplication',
  fullName: app.name,
  contactEmail: 'admin@example.com',
  distributionState: 'Local',
  isProtected: false,
  label: app.label ?? app.name,
});

export const ecaOauthSettingsRecord = (app: ConnectedAppState): XmlObject => ({
  '@xsi:type': 'ExtlClntAppOauthSettings',
  fullName: `${app.name}_oauth`,
  commaSeparatedOauthScopes: [...new Set((app.scopes ?? []).map(metadataScope))].join(', '),
  externalClientApplication: app.name,
  label: `${app.label ?? app.name} OAuth settings`,
});

/**
 * The OAuth policies. Pre-authorization: commaSeparatedProfile / commaSeparatedPermissionSet, written
 * with names as retrieved files carry them (the reference calls the permission set list "IDs"); the
 * org itself records each pre-authorization as a SetupEntityAccess row (SetupEntityType
 * 'ExternalClientApplication'), which is what a check reads.
 */
export const ecaOauthPoliciesRecord = (app: ConnectedAppState): XmlObject => {
  const refresh = ecaRefreshTokenPolicy(app.refreshTokenPolicy);
  const record: XmlObject = { '@xsi:type': 'ExtlClntAppOauthConfigurablePolicies', fullName: `${app.name}_oauthPlcy` };
  if ((app.permissionSets ?? []).length > 0) record.commaSeparatedPermissionSet = (app.permissionSets ?? []).join(',');
  if ((app.profiles ?? []).length > 0) record.commaSeparatedProfile = (app.profiles ?? []).join(',');
  record.externalClientApplication = app.name;
  record.ipRelaxationPolicyType = ecaIpRelaxation(app.ipRelaxation);
  record.isClientCredentialsFlowEnabled = false;
  record.label = `${app.label ?? app.name} OAuth policies`;
  record.permittedUsersPolicyType = ecaPermittedUsers(app.permittedUsers);
  record.refreshTokenPolicyType = refresh.type;
  if (refresh.period !== undefined) record.refreshTokenValidityPeriod = refresh.period;
  if (refresh.unit !== undefined) record.refreshTokenValidityUnit = refresh.unit;
  return record;
};

/** The records for readMetadata; a name that does not exist gives a nil record, as the real API does. */
export const readRecords = (state: OrgState, type: ReadableType, fullNames: string[]): Array<XmlObject | null> =>
  fullNames.map((name) => {
    switch (type) {
      case 'PermissionSet': {
        const ps = (state.permissionSets ?? []).find((p) => p.name === name);
        return ps ? permissionSetRecord(ps) : null;
      }
      case 'Profile': {
        const p = (state.profiles ?? []).find((x) => x.name === name);
        return p ? profileRecord(p) : null;
      }
      case 'ConnectedApp': {
        const app = (state.connectedApps ?? []).find(
          (a) => a.name === name && a.installed !== false && (a.kind ?? 'connectedApp') === 'connectedApp'
        );
        return app ? connectedAppRecord(app) : null;
      }
      case 'ExternalClientApplication':
      case 'ExtlClntAppOauthSettings':
      case 'ExtlClntAppOauthConfigurablePolicies': {
        const base =
          type === 'ExtlClntAppOauthSettings' ? ecaName(name, '_oauth') : type === 'ExtlClntAppOauthConfigurablePolicies' ? ecaName(name, '_oauthPlcy') : name;
        const app = (state.connectedApps ?? []).find((a) => a.name === base && isExternalClientApp(a));
        if (!app) return null;
        return type === 'ExternalClientApplication'
          ? externalClientAppRecord(app)
          : type === 'ExtlClntAppOauthSettings'
            ? ecaOauthSettingsRecord(app)
            : ecaOauthPoliciesRecord(app);
      }
      default:
        return null;
    }
  });
