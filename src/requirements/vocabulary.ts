/*
 * The small vocabularies of a manifest: OAuth scopes, object access verbs, refresh token policies,
 * API-name and kebab-case syntax, field entries. Each normaliser returns the canonical value or
 * suggestions; the caller turns a miss into a defect.
 */
import { CDP_SCOPE, OAUTH_SCOPES, SCOPE_ALIASES, SCOPE_BY_SETUP_LABEL } from '../salesforce/oauth.js';
import { OBJECT_ACCESS, type ObjectAccess } from './types.js';
import { type Candidate, normaliseText, suggest } from './suggest.js';

/** Kebab-case id (`name`, feature names). Same pattern as the JSON Schema. */
export const KEBAB_CASE = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Object / field / permission set API name: letters, digits and single underscores, starting with a
 * letter, with an optional namespace prefix (`ns__`) and suffix (`__c`, `__mdt`, `__e`, ...).
 * Same pattern as the JSON Schema's objects.propertyNames.
 */
export const API_NAME = /^(?:[A-Za-z][A-Za-z0-9]*__)?[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)*(?:__[A-Za-z]+)?$/;

/** A `kebab-case` version of what the user wrote, for "e.g." in a message. */
export const toKebabCase = (value: string): string => {
  const kebab = value
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return kebab.length > 0 ? kebab : 'my-integration';
};

export type Normalised<T> = { value: T } | { suggestions: string[] };

/** Own entries only: a key such as `__proto__` or `constructor` must not find Object.prototype members. */
const lookup = <T>(table: Readonly<Record<string, T>>, key: string): T | undefined =>
  Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;

// ---------------------------------------------------------------- OAuth scopes

/*
 * The scope vocabulary (OAUTH_SCOPES, aliases, Setup labels) lives in src/salesforce/oauth.ts with its
 * sources; this module only reads what a manifest author typed.
 */
export { OAUTH_SCOPES };
const SCOPE_LABELS = SCOPE_BY_SETUP_LABEL;

const scopeByLabel = new Map(Object.entries(SCOPE_LABELS).map(([label, scope]) => [normaliseText(label), scope]));

const scopeCandidates: Candidate[] = [
  ...OAUTH_SCOPES.map((scope) => ({ text: scope, target: scope })),
  { text: 'offline_access', target: 'refresh_token' },
  { text: 'cdp_query_api', target: 'cdp_query_api' },
  ...Object.entries(SCOPE_LABELS).map(([label, scope]) => ({ text: label, target: scope })),
];

const scopeValue = (input: string): string | undefined => {
  const lower = input.trim().toLowerCase();
  if ((OAUTH_SCOPES as readonly string[]).includes(lower)) return lower;
  if (CDP_SCOPE.test(lower)) return lower;
  const alias = lookup(SCOPE_ALIASES, lower) ?? lookup(SCOPE_ALIASES, lower.replace(/[\s_-]/g, ''));
  if (alias) return alias;
  return scopeByLabel.get(normaliseText(input));
};

/**
 * `api`, `API`, `offline_access` (→ `refresh_token`), `cdp_query_api`, a Setup label
 * ("Manage user data via APIs") or a label with its scopes as Setup lists them
 * ("Perform requests at any time (refresh_token, offline_access)").
 */
export const normaliseScope = (input: string): Normalised<string> => {
  const direct = scopeValue(input);
  if (direct) return { value: direct };
  const withScopes = /^(.*\S)\s*\(([^()]*)\)\s*$/.exec(input.trim());
  if (withScopes) {
    const byLabel = scopeByLabel.get(normaliseText(withScopes[1]));
    const listed = withScopes[2]
      .split(',')
      .map((part) => scopeValue(part))
      .filter((scope): scope is string => scope !== undefined);
    if (byLabel && (listed.length === 0 || listed.includes(byLabel))) return { value: byLabel };
    if (!byLabel && listed.length > 0 && new Set(listed).size === 1) return { value: listed[0] };
  }
  return { suggestions: suggest(input, scopeCandidates) };
};

export const scopeExamples = (): string => 'api, refresh_token, web, full, id, openid, chatter_api, cdp_*';

// ---------------------------------------------------------------- object access

const ACCESS_BY_KEY = new Map<string, ObjectAccess>([
  ...OBJECT_ACCESS.map((access) => [access.toLowerCase(), access] as [string, ObjectAccess]),
  // Setup's newer object settings page says "View All Records" / "Modify All Records"
  ['viewallrecords', 'viewAll'],
  ['modifyallrecords', 'modifyAll'],
]);

/** Words people write for an access that are not accepted, mapped to the one they mean (suggestion only). */
const ACCESS_SYNONYMS: Record<string, ObjectAccess> = {
  update: 'edit',
  write: 'edit',
  modify: 'edit',
  insert: 'create',
  remove: 'delete',
  view: 'read',
  get: 'read',
  allowread: 'read',
  allowcreate: 'create',
  allowedit: 'edit',
  allowdelete: 'delete',
  permissionsread: 'read',
  permissionscreate: 'create',
  permissionsedit: 'edit',
  permissionsdelete: 'delete',
  permissionsviewallrecords: 'viewAll',
  permissionsmodifyallrecords: 'modifyAll',
  permissionsviewallfields: 'viewAllFields',
};

const accessCandidates: Candidate[] = OBJECT_ACCESS.map((access) => ({ text: access, target: access }));

const accessKey = (input: string): string => input.toLowerCase().replace(/[\s_-]+/g, '');

/** `read`, `Read`, `View All`, `view_all`, `View All Fields` → canonical verb. */
export const normaliseObjectAccess = (input: string): Normalised<ObjectAccess> => {
  const key = accessKey(input);
  const access = ACCESS_BY_KEY.get(key);
  if (access) return { value: access };
  const synonym = lookup(ACCESS_SYNONYMS, key);
  if (synonym) return { suggestions: [synonym] };
  return { suggestions: suggest(input.replace(/[\s_-]+/g, ''), accessCandidates) };
};

// ---------------------------------------------------------------- refresh token policy

const POLICY_PATTERN = /^(specific_lifetime|expire_if_unused):(0*[1-9][0-9]{0,5}):(hours|days|months)$/i;

const POLICY_KEYWORDS: Record<string, string> = {
  infinite: 'infinite',
  'valid until revoked': 'infinite',
  'refresh token is valid until revoked': 'infinite',
  zero: 'zero',
  immediately: 'zero',
  'expire immediately': 'zero',
  'immediately expire refresh token': 'zero',
};

const POLICY_WITH_LIFETIME = ['specific_lifetime', 'expire_if_unused'];

const policyCandidates: Candidate[] = [
  ...Object.entries(POLICY_KEYWORDS).map(([text, target]) => ({ text, target })),
  ...POLICY_WITH_LIFETIME.map((keyword) => ({ text: keyword, target: keyword })),
];

/**
 * `infinite` ("valid until revoked"), `zero` (also `immediately`), `specific_lifetime:N:UNIT`,
 * `expire_if_unused:N:UNIT` (UNIT: HOURS, DAYS, MONTHS; any case) → canonical form.
 */
export const normaliseRefreshTokenPolicy = (input: string): Normalised<string> => {
  const keyword = lookup(POLICY_KEYWORDS, normaliseText(input));
  if (keyword) return { value: keyword };
  const match = POLICY_PATTERN.exec(input.trim());
  if (match) return { value: `${match[1].toLowerCase()}:${Number(match[2])}:${match[3].toUpperCase()}` };
  const [head, ...rest] = input.trim().split(':');
  // a misspelt keyword with a valid lifetime keeps the lifetime ("specific_lifetim:3:DAYS" → specific_lifetime:3:DAYS)
  const lifetime = POLICY_PATTERN.exec(`specific_lifetime:${rest.join(':')}`) ? `${Number(rest[0])}:${rest[1].toUpperCase()}` : 'N:UNIT';
  return {
    suggestions: suggest(head, policyCandidates).map((near) => (POLICY_WITH_LIFETIME.includes(near) ? `${near}:${lifetime}` : near)),
  };
};

// ---------------------------------------------------------------- fields

export type FieldEntry =
  | { field: string; optional: boolean }
  | { problem: 'empty' }
  | { problem: 'optionalMark'; base: string }
  | { problem: 'dotted'; field: string }
  | { problem: 'otherObject'; object: string; field: string }
  | { problem: 'syntax'; suggestion?: string };

/** One entry of `objects.<object>.fields.read|edit`: `Email`, `PersonEmail?`. */
export const parseFieldEntry = (raw: string, object: string): FieldEntry => {
  const value = raw.trim();
  if (value.length === 0 || value === '?') return { problem: 'empty' };
  const marks = (value.match(/\?/g) ?? []).length;
  const base = value.replace(/\?+$/, '');
  if (marks > 1 || (marks === 1 && !value.endsWith('?'))) return { problem: 'optionalMark', base: base.replace(/\?/g, '') };
  const optional = marks === 1;
  const dot = base.indexOf('.');
  if (dot > 0) {
    const prefix = base.slice(0, dot);
    const rest = base.slice(dot + 1);
    if (prefix.toLowerCase() === object.toLowerCase() && API_NAME.test(rest)) return { problem: 'dotted', field: rest + (optional ? '?' : '') };
    if (API_NAME.test(prefix) && API_NAME.test(rest)) return { problem: 'otherObject', object: prefix, field: rest };
  }
  if (!API_NAME.test(base)) {
    const cleaned = base.replace(/[^A-Za-z0-9_]/g, '');
    return { problem: 'syntax', suggestion: API_NAME.test(cleaned) && cleaned !== base ? cleaned + (optional ? '?' : '') : undefined };
  }
  return { field: base, optional };
};
