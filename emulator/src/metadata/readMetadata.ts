/*
 * readMetadata: PermissionSet, Profile and ConnectedApp records from the org state, in the
 * Metadata API's shapes and spellings (ConnectedAppOauthAccessScope enum values, ENFORCE/BYPASS...).
 */
import type { ConnectedAppState, OrgState } from '../orgState.js';
import { permissionSetRecord, profileRecord } from './permissionSetXml.js';
import type { XmlObject } from './xml.js';

/** The Metadata API reads at most this many names per call. */
export const READ_METADATA_LIMIT = 10;

export const READABLE_TYPES = ['PermissionSet', 'Profile', 'ConnectedApp'] as const;
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
      default:
        return null;
    }
  });
