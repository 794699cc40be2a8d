/*
 * A user's effective access: the union of every permission set the user holds (the profile's hidden
 * set, regular sets, permission set group aggregate sets), with the implications Salesforce applies,
 * and for every grant the source that gives it. Pure: reads only the snapshot.
 *
 * Grants from session-based sets do not count (they apply only while activated); a member of a
 * permission set group whose grant the group's aggregate set lacks is muted. Both are reported by
 * `explain` so a finding can say why something that looks granted is not.
 */
import type { ObjectAccess } from '../requirements/types.js';
import type { OrgSnapshot, PermissionSource, UserAccess } from '../snapshot/types.js';
import {
  IMPLIED_BY_MODIFY_ALL_DATA,
  MODIFY_ALL_DATA,
  OBJECT_ACCESS_IMPLIED_BY,
  OBJECT_ACCESS_LABELS,
  OBJECT_FLAG_IMPLIES,
  fieldPermissionKeys,
  specialObjectAccess,
} from '../salesforce/index.js';
import type { GrantSource } from './types.js';
import { text } from './texts.generated.js';

export type EffectiveAccess = {
  /** What grants the system permission (empty: nothing), including implied grants */
  systemPermission(name: string): GrantSource[];
  /** What grants the object access, including implied grants (objects without object permissions follow their rules) */
  objectAccess(object: string, access: ObjectAccess): GrantSource[];
  /** What grants field access through field permissions or the object's View All Fields (never View/Modify All Data) */
  fieldAccess(object: string, field: string, access: 'read' | 'edit'): GrantSource[];
  /** What grants access to the connected app (SetupEntityAccess) */
  appAccess(appId: string): GrantSource[];
  /** Everything known about one item: counting grants, session-only grants and muted grants */
  explain(query: AccessQuery): AccessExplanation;
};

export type AccessQuery =
  | { type: 'systemPermission'; name: string }
  | { type: 'object'; object: string; access: ObjectAccess }
  | { type: 'field'; object: string; field: string; access: 'read' | 'edit' }
  | { type: 'app'; appId: string }
  | { type: 'customPermission'; name: string };

/** One grant with the facts the evaluation needs beyond GrantSource. */
export type DetailedGrant = {
  source: GrantSource;
  /** The PermissionSet Id that carries it (the group's aggregate set for a group) */
  permissionSetId: string;
  /** Set when the grant is implied (e.g. `ModifyAllData`, `ModifyAll`, `ViewAllFields`) rather than direct */
  implied?: string;
  sessionBased: boolean;
};

/** A member of a permission set group grants the item but the group's aggregate set does not. */
export type MutedGrant = {
  group: string;
  member: string;
  /** The group's muting permission set, when the snapshot has it */
  mutingSet?: string;
  /** True when the muting set itself lists the item (otherwise the aggregate may just be outdated) */
  mutedByMutingSet: boolean;
};

export type AccessExplanation = {
  /** Grants that count (not session-based) */
  granted: GrantSource[];
  /** Grants only from session-based permission sets (count only while activated) */
  sessionOnly: GrantSource[];
  /** Grants removed by a group's muting */
  muted: MutedGrant[];
  /** Every grant with details (counting and session-based) */
  grants: DetailedGrant[];
};

/** Whether one permission set grants the item: false, or how (`implied` names what implies it). */
type Match = false | { implied?: string };
type Matcher = (ps: PermissionSource) => Match;

const lookup = <T>(record: Record<string, T> | undefined, key: string): T | undefined => {
  if (!record) return undefined;
  if (Object.prototype.hasOwnProperty.call(record, key)) return record[key];
  const lower = key.toLowerCase();
  for (const k of Object.keys(record)) if (k.toLowerCase() === lower) return record[k];
  return undefined;
};

const holds = (ps: PermissionSource, name: string): boolean => {
  const lower = name.toLowerCase();
  return (ps.systemPermissions ?? []).some((p) => p.toLowerCase() === lower);
};

const sameId = (a: string, b: string): boolean => a.length >= 15 && b.length >= 15 && a.slice(0, 15) === b.slice(0, 15);

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

export const systemPermissionMatcher =
  (name: string): Matcher =>
  (ps) => {
    if (holds(ps, name)) return {};
    if (IMPLIED_BY_MODIFY_ALL_DATA.some((n) => n.toLowerCase() === name.toLowerCase()) && holds(ps, MODIFY_ALL_DATA)) {
      return { implied: MODIFY_ALL_DATA };
    }
    return false;
  };

/** Object access on an ordinary object (one with ObjectPermissions rows). */
export const objectMatcher =
  (object: string, access: ObjectAccess): Matcher =>
  (ps) => {
    const flags = lookup(ps.objectPermissions, object);
    if (flags) {
      if (flags[access]) return {};
      // a stronger flag on the same row that implies this access
      for (const flag of Object.keys(OBJECT_FLAG_IMPLIES) as ObjectAccess[]) {
        if (flags[flag] && OBJECT_FLAG_IMPLIES[flag].includes(access)) {
          return { implied: OBJECT_ACCESS_LABELS[flag].replace(/\s/g, '') };
        }
      }
    }
    for (const perm of OBJECT_ACCESS_IMPLIED_BY[access]) if (holds(ps, perm)) return { implied: perm };
    return false;
  };

/** Field access: field permissions (edit implies read) or the object's View All Fields for read. */
export const fieldMatcher =
  (object: string, field: string, access: 'read' | 'edit'): Matcher =>
  (ps) => {
    for (const key of fieldPermissionKeys(object, field)) {
      const flags = lookup(ps.fieldPermissions, key);
      if (flags) {
        if (access === 'edit' && flags.edit) return {};
        if (access === 'read' && flags.read) return {};
        if (access === 'read' && flags.edit) return { implied: 'FieldEdit' };
      }
    }
    if (access === 'read' && lookup(ps.objectPermissions, object)?.viewAllFields) return { implied: 'ViewAllFields' };
    return false;
  };

export const appMatcher =
  (appId: string): Matcher =>
  (ps) =>
    (ps.appAccess ?? []).some((id) => id === appId || sameId(id, appId)) ? {} : false;

/** A custom permission (SetupEntityAccess of type CustomPermission), by qualified API name. */
export const customPermissionMatcher =
  (name: string): Matcher =>
  (ps) =>
    (ps.customPermissions ?? []).some((n) => n.toLowerCase() === name.toLowerCase()) ? {} : false;

const emptyExplanation = (): AccessExplanation => ({ granted: [], sessionOnly: [], muted: [], grants: [] });

const mergeExplanations = (parts: AccessExplanation[]): AccessExplanation => {
  const out = emptyExplanation();
  for (const p of parts) {
    out.granted.push(...p.granted);
    out.sessionOnly.push(...p.sessionOnly);
    out.muted.push(...p.muted);
    out.grants.push(...p.grants);
  }
  return out;
};

export const effectiveAccess = (snapshot: OrgSnapshot, user: UserAccess): EffectiveAccess => {
  const sets = snapshot.permissionSets ?? {};
  const assigned: Array<{ id: string; ps: PermissionSource }> = [];
  const seen = new Set<string>();
  for (const id of user.permissionSetIds ?? []) {
    const ps = sets[id];
    if (!ps || seen.has(id) || ps.kind === 'MutingPermissionSet') continue;
    seen.add(id);
    assigned.push({ id, ps });
  }

  const baseSource = (ps: PermissionSource): GrantSource => {
    if (ps.kind === 'Profile') return { kind: 'Profile', name: ps.name || user.profileName };
    if (ps.kind === 'PermissionSetGroup') return { kind: 'PermissionSetGroup', name: ps.name };
    return { kind: 'PermissionSet', name: ps.name };
  };

  const withVia = (source: GrantSource, via: string | undefined): GrantSource => (via ? { ...source, via } : source);

  const run = (matcher: Matcher): AccessExplanation => {
    const out = emptyExplanation();
    for (const { id, ps } of assigned) {
      const match = matcher(ps);
      const members = (ps.group?.memberIds ?? []).map((m) => sets[m]).filter((m): m is PermissionSource => m !== undefined);
      if (match) {
        let source = baseSource(ps);
        if (ps.kind === 'PermissionSetGroup') {
          const carrier = members.map((m) => ({ m, hit: matcher(m) })).find((x) => x.hit);
          const memberName = carrier?.m.name;
          const via = memberName ? (match.implied ? `${memberName}: ${match.implied}` : memberName) : match.implied;
          source = withVia(source, via);
        } else {
          source = withVia(source, match.implied);
        }
        const grant: DetailedGrant = { source, permissionSetId: id, implied: match.implied, sessionBased: ps.sessionBased === true };
        out.grants.push(grant);
        if (grant.sessionBased) out.sessionOnly.push(source);
        else out.granted.push(source);
      } else if (ps.kind === 'PermissionSetGroup') {
        for (const m of members) {
          if (!matcher(m)) continue;
          const muting = ps.group?.mutingId ? sets[ps.group.mutingId] : undefined;
          out.muted.push({
            group: ps.name,
            member: m.name,
            mutingSet: muting?.name,
            mutedByMutingSet: muting ? matcher(muting) !== false : false,
          });
        }
      }
    }
    return out;
  };

  const explainSystem = (name: string): AccessExplanation => run(systemPermissionMatcher(name));

  const explainObject = (object: string, access: ObjectAccess): AccessExplanation => {
    const rule = specialObjectAccess(object, access);
    if (!rule) return run(objectMatcher(object, access));
    if (rule.kind === 'impossible') return emptyExplanation();
    if (rule.kind === 'implicit') {
      const out = emptyExplanation();
      out.granted.push({ kind: 'Org', name: object, via: text('grant.noObjectPermissions') });
      return out;
    }
    const parts = rule.names.map((n) => explainSystem(n));
    if (rule.object) parts.push(run(objectMatcher(rule.object.object, rule.object.access)));
    return mergeExplanations(parts);
  };

  const explain = (query: AccessQuery): AccessExplanation => {
    switch (query.type) {
      case 'systemPermission':
        return explainSystem(query.name);
      case 'object':
        return explainObject(query.object, query.access);
      case 'field':
        return run(fieldMatcher(query.object, query.field, query.access));
      case 'app':
        return run(appMatcher(query.appId));
      case 'customPermission':
        return run(customPermissionMatcher(query.name));
    }
  };

  return {
    systemPermission: (name) => explain({ type: 'systemPermission', name }).granted,
    objectAccess: (object, access) => explain({ type: 'object', object, access }).granted,
    fieldAccess: (object, field, access) => explain({ type: 'field', object, field, access }).granted,
    appAccess: (appId) => explain({ type: 'app', appId }).granted,
    explain,
  };
};

/** `Profile: System Administrator (via ModifyAllData)`, `PermissionSetGroup: Sales_Ops (via Vendor_Access)` */
export const describeGrant = (g: GrantSource): string =>
  g.kind === 'Org'
    ? g.via
      ? text('grant.orgVia', g.name, g.via)
      : g.name
    : g.via
      ? text('grant.sourceVia', g.kind, g.name, g.via)
      : text('grant.source', g.kind, g.name);

export const describeGrants = (grants: GrantSource[]): string => {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const g of grants) {
    const d = describeGrant(g);
    if (!seen.has(d)) {
      seen.add(d);
      out.push(d);
    }
  }
  return out.join(', ');
};

export const accessLabel = (access: ObjectAccess): string => OBJECT_ACCESS_LABELS[access] ?? capitalise(access);
