/*
 * Parsed manifest data → Manifest: the semantic checks a JSON Schema cannot do (names of
 * permissions, scopes, object access, API-name syntax, conflicts) and the normalisation of every
 * name. Runs on data that may not have passed the schema: it skips what has the wrong shape (the
 * schema check reports that) and reports every other problem it finds. It reads the data through
 * the raw types generated from the schema (manifest.generated.ts), so a key the schema does not
 * have does not compile.
 */
import type {
  RawCustomPermissionItem,
  RawFeature,
  RawLicenseItem,
  RawManifest,
  RawObjectRequirement,
  RawOauth,
  RawPermissionSetItem,
  RawPermissionSetLicenseItem,
  RawScopeItem,
  RawSystemPermissionItem,
  RawUser,
} from './manifest.generated.js';
import {
  type FeatureDefinition,
  type FieldAccess,
  type FieldRequirement,
  type Manifest,
  type NameItem,
  type OAuthRequirement,
  OBJECT_ACCESS,
  type ObjectAccessRequirement,
  type ObjectRequirement,
  type RequirementBody,
  type UserRequirement,
  type IpRelaxation,
  type PermittedUsers,
} from './types.js';
import { type DefectList, type Hint, type PathSegment, didYouMeanKey, didYouMeanValue, formatPath, quotedList, renameFix, replaceFix, text } from './errors.js';
import { normalisePermissionName } from './names.js';
import {
  API_NAME,
  KEBAB_CASE,
  normaliseObjectAccess,
  normaliseRefreshTokenPolicy,
  normaliseScope,
  parseFieldEntry,
  scopeExamples,
  toKebabCase,
} from './vocabulary.js';

/**
 * A part of the raw manifest as this module meets it: the keys the schema gives it (generated raw types), each value
 * unknown until checked, since the data may not have passed the schema.
 */
type Unchecked<T> = { readonly [K in keyof T]?: unknown };

/** An `anyOf: [...]` item of any name list. */
type RawAnyOf = Exclude<
  RawSystemPermissionItem | RawCustomPermissionItem | RawScopeItem | RawLicenseItem | RawPermissionSetLicenseItem | RawPermissionSetItem,
  string
>;
type RawFields = NonNullable<RawObjectRequirement['fields']>;

// The schema's enum values, written as Records so that the compiler rejects a missing or an extra one.
const IP_RELAXATION = Object.keys({ enforce: true, relaxed: true, relaxedRefresh: true } satisfies Record<IpRelaxation, true>);
const PERMITTED_USERS = Object.keys({ any: true, adminApproved: true } satisfies Record<PermittedUsers, true>);
/** The field lists, read first (a field in both is one edit item; see mergeField). */
const FIELD_LISTS = Object.keys({ read: true, edit: true } satisfies Record<FieldAccess, true>) as FieldAccess[];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** `value` read as `T` of the raw manifest when it is an object, else undefined. */
const section = <T>(value: unknown): Unchecked<T> | undefined => (isRecord(value) ? value : undefined);

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.trim().length > 0;

/** Normalises one name; reports and returns undefined when it cannot. */
type NameNormaliser = (input: string, path: PathSegment[]) => string | undefined;

/** User licence names are free text (as Setup shows them): spacing normalised only. */
const licenceName: NameNormaliser = (input) => input.trim().replace(/\s+/g, ' ');

const itemKey = (names: readonly string[]): string => [...new Set(names.map((n) => n.toLowerCase()))].sort().join('\u0000');

/** Merges field requirements for the same field: edit wins over read; optional only if both are. */
export const mergeField = (a: FieldRequirement, b: FieldRequirement): FieldRequirement => {
  const base = a.access === 'edit' || b.access === 'read' ? a : b;
  return { ...base, optional: a.optional && b.optional };
};

/** Appends name items, skipping one that asks for the same names as an earlier one (the first path is kept). */
export const appendNameItems = (target: NameItem[], items: readonly NameItem[]): void => {
  const seen = new Set(target.map((item) => itemKey(item.names)));
  for (const item of items) {
    const key = itemKey(item.names);
    if (seen.has(key)) continue;
    seen.add(key);
    target.push(item);
  }
};

const visibilityOf = (value: unknown, path: PathSegment[], feature?: string): Pick<ObjectRequirement, 'visibility'> => {
  if (value !== 'all') return {};
  const visibility: NonNullable<ObjectRequirement['visibility']> = { level: 'all', path: formatPath(path) };
  if (feature) visibility.feature = feature;
  return { visibility };
};

type FieldProblem = Exclude<ReturnType<typeof parseFieldEntry>, { field: string; optional: boolean }>;

/** The message of a field entry at `path` that is not a field name, with the fix when it names the entry to write. */
const fieldProblem = (entry: string, object: string, parsed: FieldProblem, path: PathSegment[]): Hint => {
  switch (parsed.problem) {
    case 'empty':
      return { text: text('defect.fieldEmpty') };
    case 'optionalMark': {
      const fixed = `${parsed.base}?`;
      return { text: text('defect.fieldOptionalMark', entry, fixed), fix: replaceFix(path, [fixed]) };
    }
    case 'dotted':
      return { text: text('defect.fieldDotted', entry, parsed.field, object), fix: replaceFix(path, [parsed.field]) };
    case 'otherObject':
      // a move to another object's list, not a replacement in place: no fix (see the fix test's exemptions)
      return { text: text('defect.fieldOtherObject', entry, parsed.object, parsed.field, parsed.object) };
    case 'syntax': {
      const hint = didYouMeanValue(path, parsed.suggestion ? [parsed.suggestion] : []);
      return { text: text('defect.fieldName', entry, hint.text), fix: hint.fix };
    }
    default:
      return { text: text('defect.fieldEmpty') };
  }
};

/**
 * The API name a label-like name most likely stands for: spaces become underscores, other characters go
 * ("Integration User" → Integration_User); undefined when that is still not an API name or is unchanged.
 */
const apiNameFromLabel = (input: string): string | undefined => {
  const candidate = input
    .trim()
    .replace(/\s+/g, '_')
    .replace(/[^A-Za-z0-9_]/g, '')
    .replace(/_{3,}/g, '__');
  return API_NAME.test(candidate) && candidate !== input ? candidate : undefined;
};

class ManifestBuilder {
  public constructor(private readonly defects: DefectList) {}

  /** A string with content. Whitespace only is reported here ('' itself is reported by the schema check). */
  public filled(value: unknown, path: PathSegment[]): value is string {
    if (typeof value !== 'string') return false;
    if (value.trim().length > 0) return true;
    if (value.length > 0) this.defects.add(path, text('defect.emptyString'));
    return false;
  }

  // ------------------------------------------------------------ names

  public readonly permission: NameNormaliser = (input, path) => {
    const result = normalisePermissionName(input);
    if ('name' in result) return result.name;
    if (result.ambiguous) {
      this.defects.add(path, text('defect.permissionAmbiguous', input, result.suggestions.join(', ')), replaceFix(path, result.suggestions));
    } else {
      const hint = didYouMeanValue(path, result.suggestions);
      this.defects.add(path, text('defect.permissionUnknown', input, hint.text || text('defect.permissionUnknown.noSuggestion')), hint.fix);
    }
    return undefined;
  };

  public readonly scope: NameNormaliser = (input, path) => {
    const result = normaliseScope(input);
    if ('value' in result) return result.value;
    const hint = didYouMeanValue(path, result.suggestions);
    this.defects.add(path, text('defect.scopeUnknown', input, scopeExamples(), hint.text), hint.fix);
    return undefined;
  };


  public apiName(kind: 'permissionSet' | 'permissionSetLicense' | 'customPermission', example: string): NameNormaliser {
    return (input, path) => {
      const value = input.trim();
      if (API_NAME.test(value)) return value;
      const likely = apiNameFromLabel(input);
      const hint = didYouMeanValue(path, likely ? [likely] : []);
      this.defects.add(path, text('defect.apiName', input, text(`defect.apiName.${kind}`), example, hint.text), hint.fix);
      return undefined;
    };
  }

  /** A list of names and `anyOf: [...]` items → name items (duplicates dropped, first path kept). */
  public nameItems(value: unknown, path: PathSegment[], normalise: NameNormaliser, feature?: string, allowAnyOf = true): NameItem[] {
    if (!Array.isArray(value)) return [];
    const items: NameItem[] = [];
    value.forEach((entry, index) => {
      const itemPath = [...path, index];
      let names: Array<string | undefined> = [];
      const anyOf = allowAnyOf ? section<RawAnyOf>(entry)?.anyOf : undefined;
      if (this.filled(entry, itemPath)) names = [normalise(entry, itemPath)];
      else if (Array.isArray(anyOf) && anyOf.length > 0) {
        const alternatives = anyOf as unknown[];
        names = alternatives.map((alternative, i) =>
          this.filled(alternative, [...itemPath, 'anyOf', i]) ? normalise(alternative, [...itemPath, 'anyOf', i]) : undefined
        );
      } else return; // wrong shape, empty or blank: reported already
      if (names.length === 0 || names.some((name) => name === undefined)) return;
      const unique = [...new Set(names as string[])];
      const item: NameItem = { names: unique, path: formatPath(itemPath) };
      if (feature) item.feature = feature;
      appendNameItems(items, [item]);
    });
    return items;
  }

  // ------------------------------------------------------------ sections

  public user(value: unknown, prefix: PathSegment[], feature?: string): UserRequirement {
    const user = section<RawUser>(value) ?? {};
    const path = [...prefix, 'user'];
    return {
      licenses: this.nameItems(user.licenses, [...path, 'licenses'], licenceName, feature),
      permissionSetLicenses: this.nameItems(
        user.permissionSetLicenses,
        [...path, 'permissionSetLicenses'],
        this.apiName('permissionSetLicense', 'SalesforceAPIIntegrationPsl'),
        feature
      ),
      permissionSets: this.nameItems(
        user.permissionSets,
        [...path, 'permissionSets'],
        this.apiName('permissionSet', 'Integration_User or ns__Integration_User'),
        feature
      ),
      // items are plain names (the schema rejects anyOf here)
      forbiddenPermissions: this.nameItems(user.forbiddenPermissions, [...path, 'forbiddenPermissions'], this.permission, feature, false),
    };
  }

  public oauth(input: unknown, prefix: PathSegment[], feature?: string): OAuthRequirement | undefined {
    const value = section<RawOauth>(input);
    if (!value) return undefined;
    const path = [...prefix, 'oauth'];
    const oauth: OAuthRequirement = {
      scopes: this.nameItems(value.scopes, [...path, 'scopes'], this.scope, feature),
      path: formatPath(path),
    };
    if (this.filled(value.app, [...path, 'app'])) oauth.app = value.app.trim();
    if (this.filled(value.refreshTokenPolicy, [...path, 'refreshTokenPolicy'])) {
      const policy = normaliseRefreshTokenPolicy(value.refreshTokenPolicy);
      const policyPath = [...path, 'refreshTokenPolicy'];
      if ('value' in policy) oauth.refreshTokenPolicy = { value: policy.value, path: formatPath(policyPath) };
      else {
        // `specific_lifetime:N:UNIT` is a template, not a value: only suggestions without placeholders are a fix
        const hint = didYouMeanValue(policyPath, policy.suggestions);
        const concrete = policy.suggestions.filter((suggestion) => 'value' in normaliseRefreshTokenPolicy(suggestion));
        this.defects.add(policyPath, text('defect.refreshTokenPolicy', value.refreshTokenPolicy, hint.text), replaceFix(policyPath, concrete));
      }
    }
    if (typeof value.ipRelaxation === 'string' && IP_RELAXATION.includes(value.ipRelaxation))
      oauth.ipRelaxation = { value: value.ipRelaxation as IpRelaxation, path: formatPath([...path, 'ipRelaxation']) };
    if (typeof value.permittedUsers === 'string' && PERMITTED_USERS.includes(value.permittedUsers))
      oauth.permittedUsers = { value: value.permittedUsers as PermittedUsers, path: formatPath([...path, 'permittedUsers']) };
    return oauth;
  }

  public objects(value: unknown, prefix: PathSegment[], feature?: string): ObjectRequirement[] {
    if (!isRecord(value)) return [];
    const objects: ObjectRequirement[] = [];
    const seen = new Map<string, { key: string; path: PathSegment[] }>();
    for (const [key, input] of Object.entries(value)) {
      const path = [...prefix, 'objects', key];
      if (!this.objectName(key, path)) continue;
      const other = seen.get(key.toLowerCase());
      if (other) {
        this.defects.add(path, text('defect.objectDuplicate', key, other.key, formatPath(other.path)));
        continue;
      }
      seen.set(key.toLowerCase(), { key, path });
      const spec = section<RawObjectRequirement>(input);
      if (!spec) continue; // reported by the schema check
      objects.push({
        object: key,
        access: this.objectAccess(spec.access, [...path, 'access'], feature),
        ...visibilityOf(spec.visibility, [...path, 'visibility'], feature),
        fields: this.fields(spec.fields, key, [...path, 'fields'], feature),
        path: formatPath(path),
      });
    }
    return objects;
  }

  public body(value: Unchecked<RawFeature>, prefix: PathSegment[], feature?: string): RequirementBody {
    const body: RequirementBody = {
      user: this.user(value.user, prefix, feature),
      systemPermissions: this.nameItems(value.systemPermissions, [...prefix, 'systemPermissions'], this.permission, feature),
      customPermissions: this.nameItems(
        value.customPermissions,
        [...prefix, 'customPermissions'],
        this.apiName('customPermission', 'Acme_Sync_Enabled or acme__Sync_Enabled'),
        feature
      ),
      objects: this.objects(value.objects, prefix, feature),
    };
    const oauth = this.oauth(value.oauth, prefix, feature);
    if (oauth) body.oauth = oauth;
    return body;
  }

  public features(value: unknown): Record<string, FeatureDefinition> {
    const features: Record<string, FeatureDefinition> = {};
    if (!isRecord(value)) return features;
    for (const [name, input] of Object.entries(value)) {
      const path = ['features', name];
      if (!KEBAB_CASE.test(name)) {
        const kebab = toKebabCase(name);
        this.defects.add(path, text('defect.featureName', name, kebab), renameFix(path, [kebab]));
        continue;
      }
      const spec = section<RawFeature>(input);
      if (!spec) continue;
      const feature: FeatureDefinition = { name, body: this.body(spec, path, name) };
      if (typeof spec.description === 'string') feature.description = spec.description;
      features[name] = feature;
    }
    return features;
  }

  /** A feature adds requirements; it cannot set a policy the base sets differently. */
  public checkFeatureConflicts(base: RequirementBody, features: Record<string, FeatureDefinition>): void {
    for (const feature of Object.values(features)) {
      const mine = feature.body.oauth;
      const theirs = base.oauth;
      if (!mine || !theirs) continue;
      for (const key of ['refreshTokenPolicy', 'ipRelaxation', 'permittedUsers'] as const) {
        const a = mine[key];
        const b = theirs[key];
        if (a && b && a.value !== b.value) this.defects.add(['features', feature.name, 'oauth', key], text('defect.policyConflict', key, a.value, b.value, b.path));
      }
      if (mine.app && theirs.app && mine.app.toLowerCase() !== theirs.app.toLowerCase())
        this.defects.add(['features', feature.name, 'oauth', 'app'], text('defect.appConflict', mine.app, theirs.app, `${theirs.path}.app`));
    }
  }

  /** A permission that is required (as the only choice) and forbidden at the same time can never pass. */
  public checkRequiredAndForbidden(base: RequirementBody, features: Record<string, FeatureDefinition>): void {
    const bodies = [base, ...Object.values(features).map((f) => f.body)];
    for (const body of bodies) {
      const forbidden = [...base.user.forbiddenPermissions, ...(body === base ? [] : body.user.forbiddenPermissions)];
      for (const item of body.systemPermissions) {
        if (item.names.length !== 1) continue;
        const clash = forbidden.find((f) => f.names[0] === item.names[0]);
        if (clash) this.defects.add(pathOf(item.path), text('defect.permissionRequiredAndForbidden', quotedList(item.names), clash.path));
      }
    }
  }
  private objectName(key: string, path: PathSegment[]): boolean {
    if (API_NAME.test(key)) return true;
    const dot = key.indexOf('.');
    if (dot > 0 && API_NAME.test(key.slice(0, dot)) && API_NAME.test(key.slice(dot + 1))) {
      const object = key.slice(0, dot);
      this.defects.add(path, text('defect.objectNameDotted', key, object, key.slice(dot + 1), object));
      return false;
    }
    const cleaned = key.replace(/[^A-Za-z0-9_]/g, '');
    const hint = didYouMeanKey(path, API_NAME.test(cleaned) && cleaned !== key ? [cleaned] : []);
    this.defects.add(path, text('defect.objectName', key, hint.text), hint.fix);
    return false;
  }

  private objectAccess(value: unknown, path: PathSegment[], feature?: string): ObjectAccessRequirement[] {
    if (!Array.isArray(value)) return [];
    const access: ObjectAccessRequirement[] = [];
    value.forEach((entry, index) => {
      if (!this.filled(entry, [...path, index])) return;
      const result = normaliseObjectAccess(entry);
      if (!('value' in result)) {
        const hint = didYouMeanValue([...path, index], result.suggestions);
        this.defects.add([...path, index], text('defect.objectAccess', entry, OBJECT_ACCESS.join(', '), hint.text), hint.fix);
        return;
      }
      if (access.some((a) => a.access === result.value)) return;
      const item: ObjectAccessRequirement = { access: result.value, path: formatPath([...path, index]) };
      if (feature) item.feature = feature;
      access.push(item);
    });
    return access;
  }

  private fields(input: unknown, object: string, path: PathSegment[], feature?: string): FieldRequirement[] {
    const value = section<RawFields>(input);
    if (!value) return [];
    const byName = new Map<string, FieldRequirement>();
    for (const access of FIELD_LISTS) {
      const list = value[access];
      if (!Array.isArray(list)) continue;
      list.forEach((entry, index) => {
        if (typeof entry !== 'string') return; // reported by the schema check
        const entryPath = [...path, access, index];
        const parsed = parseFieldEntry(entry, object);
        if ('problem' in parsed) {
          const problem = fieldProblem(entry, object, parsed, entryPath);
          this.defects.add(entryPath, problem.text, problem.fix);
          return;
        }
        const requirement: FieldRequirement = {
          object,
          field: parsed.field,
          access,
          optional: parsed.optional,
          path: formatPath(entryPath),
        };
        if (feature) requirement.feature = feature;
        const key = parsed.field.toLowerCase();
        const known = byName.get(key);
        byName.set(key, known ? mergeField(known, requirement) : requirement);
      });
    }
    return [...byName.values()];
  }

}

/** `features.x.systemPermissions[2]` → segments (for positions). */
export const pathOf = (path: string): PathSegment[] => {
  const segments: PathSegment[] = [];
  const pattern = /\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(path)) !== null) {
    if (match[1] !== undefined) segments.push(Number(match[1]));
    else if (match[2] !== undefined) segments.push(JSON.parse(`"${match[2]}"`) as string);
    else segments.push(match[3]);
  }
  return segments;
};

/**
 * Builds the Manifest from parsed data, adding every problem found to `defects`. The result is
 * only meaningful when no defect was added.
 */
export const buildManifest = (value: unknown, origin: string, defects: DefectList): Manifest => {
  const builder = new ManifestBuilder(defects);
  const root = section<RawManifest>(value) ?? {};
  const name = typeof root.name === 'string' ? root.name : '';
  if (typeof root.name === 'string' && !KEBAB_CASE.test(root.name)) {
    const kebab = toKebabCase(root.name);
    defects.add(['name'], text('defect.kebabName', root.name, kebab), replaceFix(['name'], [kebab]));
  }
  if (typeof root.label === 'string') builder.filled(root.label, ['label']);
  const body = builder.body(root, []);
  const features = builder.features(root.features);
  builder.checkFeatureConflicts(body, features);
  builder.checkRequiredAndForbidden(body, features);
  const manifest: Manifest = {
    ...body,
    name,
    // optional: defaults to the name
    label: typeof root.label === 'string' && root.label.trim().length > 0 ? root.label.trim() : name,
    origin,
    features,
  };
  if (nonEmptyString(root.source)) manifest.source = root.source.trim();
  if (nonEmptyString(root.description)) manifest.description = root.description.trim();
  return manifest;
};
