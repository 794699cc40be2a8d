/*
 * Stable, Salesforce-shaped 18-character Ids derived from a hash of (type, key):
 * the same state file always compiles to the same Ids.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** Key prefixes of the tables the emulator serves. */
export const KEY_PREFIX = {
  Organization: '00D',
  User: '005',
  Profile: '00e',
  UserLicense: '100',
  UserLogin: '060',
  PermissionSet: '0PS',
  MutingPermissionSet: '0QM',
  PermissionSetAssignment: '0Pa',
  PermissionSetGroup: '0PG',
  PermissionSetGroupComponent: '0PH',
  ObjectPermissions: '110',
  FieldPermissions: '01k',
  PermissionSetLicense: '0PL',
  PermissionSetLicenseAssign: '2LA',
  ConnectedApplication: '0H4',
  SetupEntityAccess: '0J0',
  CustomPermission: '0CP',
  OauthToken: '0CQ',
  EntityDefinition: '000',
  EntityParticle: '000',
  FieldDefinition: '000',
  PermissionDependency: '2Pd',
  QueryLocator: '01g',
} as const;

/** Two 32-bit FNV-1a style hashes with different seeds: 64 bits, fast enough for 200,000 rows. */
const hash64 = (text: string): [number, number] => {
  let h1 = 0x81_1c_9d_c5;
  let h2 = 0x01_00_01_93 ^ 0x5b_d1_e9_95;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01_00_01_93);
    h2 = Math.imul(h2 ^ c, 0x5b_d1_e9_95);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2_b2_ae_35);
  h1 ^= h1 >>> 16;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0x85_eb_ca_6b);
  h2 ^= h2 >>> 13;
  return [h1 >>> 0, h2 >>> 0];
};

/** The three-character case-safe suffix Salesforce appends to a 15-character Id. */
export const caseSafeSuffix = (id15: string): string => {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    out += SUFFIX.charAt(bits);
  }
  return out;
};

/** 15 characters: prefix + '0' + 11 base62 characters of the hash. */
const id15From = (prefix: string, text: string): string => {
  const [a, b] = hash64(text);
  // 11 base62 digits need ~65.5 bits; 64 bits of hash are spread over them
  let hi = a;
  let lo = b;
  let body = '';
  for (let i = 0; i < 11; i++) {
    // divide the 64-bit (hi, lo) number by 62, keep the remainder
    const hiQ = Math.floor(hi / 62);
    const hiR = hi - hiQ * 62;
    const cur = hiR * 4_294_967_296 + lo;
    const loQ = Math.floor(cur / 62);
    const r = cur - loQ * 62;
    hi = hiQ;
    lo = loQ;
    body = BASE62.charAt(r) + body;
  }
  return `${prefix}0${body}`;
};

/**
 * Hands out Ids for one compile; deterministic for the same sequence of (type, key) requests
 * and never repeats an Id (a hash collision is resolved by salting, in request order).
 */
export class IdFactory {
  private readonly used = new Set<string>();

  public id(prefix: string, type: string, key: string): string {
    let salt = 0;
    for (;;) {
      const id15 = id15From(prefix, `${type}\u0000${key}${salt ? `\u0000${salt}` : ''}`);
      if (!this.used.has(id15)) {
        this.used.add(id15);
        return id15 + caseSafeSuffix(id15);
      }
      salt++;
    }
  }
}

/** An 18-character Id for a single value (no collision tracking). */
export const stableId = (prefix: string, type: string, key: string): string => {
  const id15 = id15From(prefix, `${type}\u0000${key}`);
  return id15 + caseSafeSuffix(id15);
};

/** Compare-key for Ids: the first 15 characters (15- and 18-character forms match). */
export const idKey = (value: string): string => (value.length === 18 ? value.slice(0, 15) : value);

/** Whether a string looks like a Salesforce Id. */
export const looksLikeId = (value: string): boolean => /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value);
