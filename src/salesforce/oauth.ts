/*
 * OAuth facts: the scope vocabulary (OAuth names, ConnectedApp metadata enum, External Client App
 * setting columns, Setup labels), refresh token policies, IP relaxation, permitted users, and who
 * may authorize an app that is not installed in the org.
 */
/* eslint-disable camelcase -- OAuth scope, policy and column names are Salesforce's spellings */
import { CAN_APPROVE_UNINSTALLED_APPS, USE_ANY_API_CLIENT } from './permissions.js';
import { platformChange } from './platformChanges.js';
import { SOURCES, type Sourced } from './sources.js';
import { text } from './texts.generated.js';

/* ------------------------------------------------------------------------------------------------
 * Scopes
 * ---------------------------------------------------------------------------------------------- */

export const SCOPES_SOURCE: Sourced = { source: SOURCES.HELP_OAUTH_SCOPES };

/** Scope values accepted as written (lowercase). `cdp_*` scopes are matched by prefix. */
export const OAUTH_SCOPES = [
  'api',
  'refresh_token',
  'web',
  'full',
  'id',
  'profile',
  'email',
  'address',
  'phone',
  'openid',
  'chatter_api',
  'custom_permissions',
  'visualforce',
  'content',
  'lightning',
  'wave_api',
  'eclair_api',
  'pardot_api',
  'chatbot_api',
  'sfap_api',
  'interaction_api',
  'forgot_password',
  'pwdless_login_api',
  'user_registration_api',
] as const;

export const CDP_SCOPE = /^cdp_[a-z0-9]+(?:_[a-z0-9]+)*$/;

/**
 * Other spellings of a scope → its OAuth name: OAuth synonyms (offline_access = refresh_token, one
 * scope in OAuth requests) and the ConnectedApp metadata enum lower-cased (ConnectedAppOauthAccessScope).
 */
export const SCOPE_ALIASES: Readonly<Record<string, string>> = {
  offline_access: 'refresh_token',
  refreshtoken: 'refresh_token',
  offlineaccess: 'refresh_token',
  basic: 'id',
  chatter: 'chatter_api',
  customapplications: 'visualforce',
  custompermissions: 'custom_permissions',
  wave: 'wave_api',
  eclair: 'eclair_api',
  pardot: 'pardot_api',
  chatbot: 'chatbot_api',
  sfap: 'sfap_api',
  interaction: 'interaction_api',
  forgotpassword: 'forgot_password',
  userregistration: 'user_registration_api',
  pwdlesslogin: 'pwdless_login_api',
};

const ownLookup = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

/** Any spelling of a scope → its normalised OAuth name (unknown spellings are lower-cased). */
export const normalizeScope = (scope: string): string => {
  const s = scope.trim().toLowerCase();
  return ownLookup(SCOPE_ALIASES, s) ?? s;
};

/**
 * ConnectedAppOauthAccessScope (metadata.xsd v66; ECAs' commaSeparatedOauthScopes use the same
 * tokens) → the OAuth scope name. OfflineAccess is the refresh_token scope under its other name.
 */
export const SCOPE_FROM_METADATA: Readonly<Record<string, string>> = {
  Basic: 'id',
  Api: 'api',
  Web: 'web',
  Full: 'full',
  Chatter: 'chatter_api',
  CustomApplications: 'visualforce',
  RefreshToken: 'refresh_token',
  OpenID: 'openid',
  Profile: 'profile',
  Email: 'email',
  Address: 'address',
  Phone: 'phone',
  OfflineAccess: 'refresh_token',
  CustomPermissions: 'custom_permissions',
  Wave: 'wave_api',
  Eclair: 'eclair_api',
  Pardot: 'pardot_api',
  Lightning: 'lightning',
  Content: 'content',
  CDPIngest: 'cdp_ingest_api',
  CDPProfile: 'cdp_profile_api',
  CDPQuery: 'cdp_query_api',
  Chatbot: 'chatbot_api',
  CDPSegment: 'cdp_segment_api',
  CDPIdentityResolution: 'cdp_identityresolution_api',
  CDPCalculatedInsight: 'cdp_calculated_insight_api',
  ForgotPassword: 'forgot_password',
  UserRegistration: 'user_registration_api',
  SFAP: 'sfap_api',
  SFApiPlatform: 'sfap_api',
  Interaction: 'interaction_api',
  CDP: 'cdp_api',
  EinsteinGPT: 'einstein_gpt_api',
  PwdlessLogin: 'pwdless_login_api',
  MCP: 'mcp_api',
  SCRT: 'scrt_api',
};
export const SCOPE_FROM_METADATA_SOURCE: Sourced = { source: SOURCES.METADATA_CONNECTED_APP };

/**
 * The boolean OauthScopes… columns of ExtlClntAppOauthSettings (an External Client App's selected
 * scopes, one column per scope) → the OAuth scope name. Columns not listed map to their lower-case
 * suffix (OauthScopesFOO_API → foo_api).
 */
export const SCOPE_FROM_ECA_COLUMN: Readonly<Record<string, string>> = {
  OauthScopesSSO: 'id',
  OauthScopesAPI: 'api',
  OauthScopesWEB: 'web',
  OauthScopesFULL: 'full',
  OauthScopesREFRESH_TOKEN: 'refresh_token',
  OauthScopesOFFLINE_ACCESS: 'refresh_token',
  OauthScopesVF: 'visualforce',
  OauthScopesCHATTER_REST_API: 'chatter_api',
  OauthScopesWAVE_REST_API: 'wave_api',
  OauthScopesECLAIR_REST_API: 'eclair_api',
};
export const ECA_SCOPE_PREFIX = 'OauthScopes';
export const scopeOfEcaColumn = (column: string): string => SCOPE_FROM_ECA_COLUMN[column] ?? column.slice(ECA_SCOPE_PREFIX.length).toLowerCase();

/** The identity-URL scopes: one selection in Setup ("Access the identity URL service"). */
export const IDENTITY_SCOPES: readonly string[] = ['id', 'profile', 'email', 'address', 'phone'];

/**
 * Which of the app's scopes grants `wanted`: the scope itself; refresh_token ≡ offline_access; any
 * identity scope grants the others of its group; `full` grants every scope except refresh_token
 * (Salesforce: full "doesn't return a refresh token", refresh_token must be selected explicitly).
 * Returns the granting app scope or undefined.
 */
export const scopeGrantedBy = (wanted: string, appScopes: readonly string[]): string | undefined => {
  const w = normalizeScope(wanted);
  const have = appScopes.map(normalizeScope);
  if (have.includes(w)) return w;
  if (IDENTITY_SCOPES.includes(w)) {
    const other = have.find((s) => IDENTITY_SCOPES.includes(s));
    if (other) return other;
  }
  if (w !== 'refresh_token' && have.includes('full')) return 'full';
  return undefined;
};

const IDENTITY_LABEL = 'Access the identity URL service (id, profile, email, address, phone)';

/** How Setup shows each scope (connected app "Selected OAuth Scopes"), with its OAuth names. */
export const SCOPE_LABELS: Readonly<Record<string, string>> = {
  api: 'Manage user data via APIs (api)',
  refresh_token: 'Perform requests at any time (refresh_token, offline_access)',
  web: 'Manage user data via Web browsers (web)',
  full: 'Full access (full)',
  id: IDENTITY_LABEL,
  profile: IDENTITY_LABEL,
  email: IDENTITY_LABEL,
  address: IDENTITY_LABEL,
  phone: IDENTITY_LABEL,
  openid: 'Access unique user identifiers (openid)',
  chatter_api: 'Access Connect REST API resources (chatter_api)',
  custom_permissions: 'Access custom permissions (custom_permissions)',
  visualforce: 'Access Visualforce applications (visualforce)',
  content: 'Access content resources (content)',
  lightning: 'Access Lightning applications (lightning)',
};

/** Setup labels (current and older wordings) → scope, for reading what admins type. */
export const SCOPE_BY_SETUP_LABEL: Readonly<Record<string, string>> = {
  'Manage user data via APIs': 'api',
  'Access and manage your data': 'api',
  'Perform requests at any time': 'refresh_token',
  'Perform requests on your behalf at any time': 'refresh_token',
  'Manage user data via Web browsers': 'web',
  'Provide access to your data via the Web': 'web',
  'Access the identity URL service': 'id',
  'Access your basic information': 'id',
  'Full access': 'full',
  'Access unique user identifiers': 'openid',
  'Access Connect REST API resources': 'chatter_api',
  'Access custom permissions': 'custom_permissions',
  'Access Visualforce applications': 'visualforce',
  'Access content resources': 'content',
  'Access Lightning applications': 'lightning',
  'Access Analytics REST API resources': 'wave_api',
  'Access chatbot services': 'chatbot_api',
};

/* ------------------------------------------------------------------------------------------------
 * Refresh token policy
 * ---------------------------------------------------------------------------------------------- */

export const REFRESH_TOKEN_SOURCE: Sourced = { source: SOURCES.METADATA_CONNECTED_APP };

/** Normalise a refresh token policy: `Infinite` → `infinite`, `SpecificLifetime` → `specific_lifetime`. */
export const normalizeRefreshTokenPolicy = (value: string): string => {
  const v = value.trim();
  const [head, ...rest] = v.split(':');
  const key = head.replace(/[_\s-]/g, '').toLowerCase();
  const base =
    (
      {
        infinite: 'infinite',
        validuntilrevoked: 'infinite',
        zero: 'zero',
        immediately: 'zero',
        specificlifetime: 'specific_lifetime',
        specificinactivity: 'specific_inactivity',
        expireifunused: 'expire_if_unused',
      } as Record<string, string>
    )[key] ?? head.toLowerCase();
  return [base, ...rest.map((r) => r.toLowerCase())].join(':');
};

const HOURS_PER_UNIT: Readonly<Record<string, number>> = {
  hour: 1,
  hours: 1,
  day: 24,
  days: 24,
  month: 24 * 30,
  months: 24 * 30,
};

const lifetimeHours = (policy: string): number | undefined => {
  const [, n, unit] = policy.split(':');
  const count = Number(n);
  const factor = unit ? HOURS_PER_UNIT[unit.toLowerCase()] : undefined;
  return Number.isFinite(count) && factor !== undefined ? count * factor : undefined;
};

/**
 * Whether the app's refresh token policy satisfies the required one: equal policies; `infinite`
 * satisfies any lifetime; a longer specific lifetime satisfies a shorter one.
 */
export const refreshTokenPolicySatisfies = (required: string, actual: string): boolean => {
  const r = normalizeRefreshTokenPolicy(required);
  const a = normalizeRefreshTokenPolicy(actual);
  if (r === a) return true;
  if (a === 'infinite' && (r.startsWith('specific_') || r.startsWith('expire_if_unused'))) return true;
  if (r.startsWith('specific_lifetime') && a.startsWith('specific_lifetime')) {
    const rh = lifetimeHours(r);
    const ah = lifetimeHours(a);
    return rh !== undefined && ah !== undefined && ah >= rh;
  }
  return false;
};

export const REFRESH_TOKEN_POLICY_LABELS: Readonly<Record<string, string>> = {
  infinite: 'Refresh token is valid until revoked',
  zero: 'Immediately expire refresh token',
  specific_lifetime: 'Expire refresh token after a specific time',
  specific_inactivity: 'Expire refresh token if not used for a specific time',
  expire_if_unused: 'Expire refresh token if not used for a specific time',
};

/** ExtlClntAppOauthPlcyCnfg.RefreshTokenPolicyType (+ period and unit) → manifest vocabulary. */
export const ecaRefreshTokenPolicy = (type: string, period: unknown, unit: unknown): string | undefined => {
  const t = type.replace(/[_\s-]/g, '').toLowerCase();
  if (t === '') return undefined;
  if (t === 'infinite') return 'infinite';
  if (t === 'zero') return 'zero';
  const base = t === 'specificlifetime' ? 'specific_lifetime' : t === 'specificinactivity' ? 'specific_inactivity' : type;
  const n = Number(period);
  const u = unit === null || unit === undefined ? '' : String(unit).toLowerCase();
  return Number.isFinite(n) && period !== null && period !== undefined && u ? `${base}:${n}:${u}` : base;
};

/* ------------------------------------------------------------------------------------------------
 * IP relaxation and permitted users
 * ---------------------------------------------------------------------------------------------- */

export const IP_RELAXATION_SOURCE: Sourced = { source: `${SOURCES.METADATA_CONNECTED_APP}; ${SOURCES.METADATA_ECA_OAUTH_POLICIES}` };

/** How lenient an IP relaxation is: enforce < relaxedRefresh < relaxed. */
export const IP_RELAXATION_RANK: Readonly<Record<string, number>> = { enforce: 0, relaxedRefresh: 1, relaxed: 2 };

export const IP_RELAXATION_LABELS: Readonly<Record<string, string>> = {
  enforce: 'Enforce IP restrictions',
  relaxedRefresh: 'Enforce IP restrictions, but relax for refresh tokens',
  relaxed: 'Relax IP restrictions',
};

/**
 * ConnectedApp metadata (ENFORCE, BYPASS, BYPASS_2FA, ENFORCE_RELAX_REFRESH…) and ECA policy
 * (Enforce, Bypass, Bypass_2factor, Enforce_RelaxRefresh) spellings → manifest vocabulary.
 */
export const ipRelaxationOf = (value: string): 'enforce' | 'relaxedRefresh' | 'relaxed' | undefined => {
  const v = value.toUpperCase();
  if (v === 'ENFORCE') return 'enforce';
  if (v === 'BYPASS' || v === 'BYPASS_2FA' || v === 'BYPASS_2FACTOR') return 'relaxed';
  if (v.includes('REFRESH')) return 'relaxedRefresh';
  return undefined;
};

export const PERMITTED_USERS_LABELS: Readonly<Record<string, string>> = {
  any: 'All users may self-authorize',
  adminApproved: 'Admin approved users are pre-authorized',
};

/** ExtlClntAppOauthPlcyCnfg.PermittedUsersPolicyType → manifest vocabulary. */
export const ecaPermittedUsers = (value: string): 'any' | 'adminApproved' | undefined => {
  const v = value.toLowerCase();
  if (v === 'adminapprovedpreauthorized') return 'adminApproved';
  if (v === 'allselfauthorized') return 'any';
  return undefined;
};

/**
 * How an app pre-authorizes users when Permitted Users is "Admin approved users are pre-authorized".
 * A connected app: by a SetupEntityAccess row (ParentId = the permission set or the profile's own set,
 * SetupEntityType = 'ConnectedApplication', API 28.0+; Object Reference, SetupEntityAccess), which grant
 * inserts.
 * An external client app: by the profiles and permission sets selected in the ECA's own policies (Help
 * "Preauthorize User App Access Through External Client App Policies": Setup > External Client App
 * Manager > app > Edit Policies), i.e. ExtlClntAppOauthConfigurablePolicies.commaSeparatedPermissionSet /
 * commaSeparatedProfile ("used when permittedUsersPolicyType is set to AdminApprovedPreAuthorized";
 * Metadata API Developer Guide, API 59.0+). The reference calls the entries "IDs", its own sample and
 * retrieved files use names: both are matched. The org also records the access as SetupEntityAccess
 * rows of SetupEntityType 'ExternalClientApplication' (Object Reference, API 60.0+); the
 * ExtlClntAppOauthPlcyCnfg sObject has no column for the lists. So check reads the policies component
 * (readMetadata) and counts both; grant adds its set to the policies and deploys them
 * (src/grant/ecaPolicies.ts), never inserting SetupEntityAccess for an ECA. Details and what is
 * unverified: src/salesforce/ecaPreauthorization.ts.
 */
export const APP_PREAUTHORIZATION_SOURCES: Readonly<Record<'connectedApp' | 'externalClientApp', Sourced>> = {
  connectedApp: { source: SOURCES.OBJECT_REFERENCE_SETUP_ENTITY_ACCESS },
  externalClientApp: { source: `${SOURCES.HELP_ECA_PREAUTHORIZE}; ${SOURCES.METADATA_ECA_OAUTH_POLICIES}; ${SOURCES.OBJECT_REFERENCE_SETUP_ENTITY_ACCESS}` },
};

/** Where an admin changes an app's policies, by app kind. */
export const appPoliciesPath = (kind: 'connectedApp' | 'externalClientApp', app: string): string =>
  kind === 'externalClientApp' ? `Setup > External Client App Manager > ${app} > Edit Policies > OAuth Policies` : `Setup > App Manager > ${app} > Manage > Edit Policies`;

/* ------------------------------------------------------------------------------------------------
 * Uninstalled connected apps
 * ---------------------------------------------------------------------------------------------- */

/**
 * Who may authorize a connected app that is not installed in the org (defined in the vendor's org):
 * since early September 2025 only users with Approve Uninstalled Connected Apps (Help 005132365);
 * since the week of 8 December 2025 Use Any API Client no longer does (Help 005228838). Installing the
 * app is the other way. Without either, authorizing fails with OAUTH_APPROVAL_ERROR_GENERIC /
 * invalid_client "app must be installed into org".
 */
export const UNINSTALLED_APP_AUTHORIZATION = {
  /** The one permission that lets a user authorize an uninstalled app */
  permission: CAN_APPROVE_UNINSTALLED_APPS,
  /** No longer enough since `noLongerSince` */
  noLongerEnough: USE_ANY_API_CLIENT,
  noLongerSince: platformChange('useAnyApiClientNoLongerAuthorizes').since,
  noLongerSource: platformChange('useAnyApiClientNoLongerAuthorizes').source,
  errorCode: 'OAUTH_APPROVAL_ERROR_GENERIC',
  errorText: 'app must be installed into org',
  source: `${SOURCES.HELP_CONNECTED_APP_RESTRICTIONS}; ${SOURCES.HELP_USE_ANY_API_CLIENT_CHANGE}`,
  since: platformChange('approveUninstalledApps').since,
} as const;

/** Why Use Any API Client does not let a user authorize an uninstalled app, with date and source. */
export const useAnyApiClientNotEnough = (): string => {
  const change = platformChange('useAnyApiClientNoLongerAuthorizes');
  return text('oauth.useAnyApiClientNotEnough', change.when, change.source);
};

/** Whether a document dated `date` (YYYY-MM-DD) predates the Use Any API Client change. */
export const predatesUseAnyApiClientChange = (date: string): boolean => date < platformChange('useAnyApiClientNoLongerAuthorizes').since;
