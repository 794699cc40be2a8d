/*
 * Structural validation against the published JSON Schema (schemas/requirements-manifest.schema.json)
 * with Ajv, and the translation of Ajv's errors into defects a person can act on. Name syntax
 * (`pattern`, `propertyNames`) is left to the semantic checks, which explain it better.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { type Defect, type Hint, type PathSegment, didYouMeanKey, didYouMeanValue, replaceFix, showValue, text } from './errors.js';
import { suggest } from './suggest.js';

/** Path of the published schema (works from src/ under ts-node and from lib/). */
export const manifestSchemaPath = (): string =>
  fileURLToPath(new URL('../../schemas/requirements-manifest.schema.json', import.meta.url));

export type JsonSchema = Record<string, unknown>;

let schema: JsonSchema | undefined;
let validate: ValidateFunction | undefined;

export const manifestSchema = (): JsonSchema => {
  schema ??= JSON.parse(readFileSync(manifestSchemaPath(), 'utf8')) as JsonSchema;
  return schema;
};

/** Ajv's options, here and in scripts/build/manifest-validator.cjs (which also sets code.source). */
export const AJV_OPTIONS = { allErrors: true, verbose: true, strict: true, allowUnionTypes: true } as const;

const requireCjs = createRequire(import.meta.url);

/**
 * The validator compiled at build time from the schema (lib/requirements/manifestValidator.cjs, written by
 * scripts/build/manifest-validator.cjs: no Ajv compiler loaded, no schema compiled per run), else — from
 * src/ under ts-node, where there is none — compiled now with the same options.
 */
export const compiledValidator = (): ValidateFunction | undefined => {
  try {
    return requireCjs('./manifestValidator.cjs') as ValidateFunction;
  } catch {
    return undefined;
  }
};

/** The schema compiled at run time (the fallback, and what tests compare the build's validator with). */
export const runtimeValidator = (): ValidateFunction => {
  const { Ajv } = requireCjs('ajv') as typeof import('ajv');
  return new Ajv({ ...AJV_OPTIONS }).compile(manifestSchema());
};

const validator = (): ValidateFunction => {
  validate ??= compiledValidator() ?? runtimeValidator();
  return validate;
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** JSON pointer → path segments (array indexes as numbers). */
const pointerToPath = (pointer: string, root: unknown): PathSegment[] => {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^\d+$/.test(token)) {
      path.push(Number(token));
      current = current[Number(token)];
    } else {
      path.push(token);
      current = isRecord(current) ? current[token] : undefined;
    }
  }
  return path;
};

/** How a value the user wrote is described in a type message. */
export const describeType = (value: unknown): string => {
  if (value === null || value === undefined) return text('type.null');
  if (Array.isArray(value)) return text('type.array');
  switch (typeof value) {
    case 'string':
      return text('type.text', showValue(value));
    case 'number':
      return text('type.number', showValue(value));
    case 'boolean':
      return text('type.boolean', showValue(value));
    case 'object':
      return text('type.object');
    default:
      return showValue(value);
  }
};

const describeExpected = (expected: unknown): string => {
  const types = Array.isArray(expected) ? expected.map(String) : String(expected).split(',');
  if (types.includes('string') && types.includes('object')) return text('type.nameItem');
  return types.map((t) => (['array', 'object', 'string', 'integer'].includes(t) ? text(`type.${t}`) : t)).join(' / ');
};

/**
 * The items a list written as text meant, for a hint that is itself valid: "a, b" is two items; so is
 * "api refresh_token" under scopes (scope names have no spaces); any other text is one item ("API Enabled").
 */
const listItems = (value: string | number, path: readonly PathSegment[]): Array<string | number> => {
  if (typeof value === 'number') return [value];
  const items = value.includes(',') ? value.split(',') : path[path.length - 1] === 'scopes' ? value.split(/\s+/) : [value];
  return items.map((item) => item.trim()).filter((item) => item.length > 0);
};

/** How a value is written in a hint: as YAML flow style would show it. */
const written = (value: unknown): string => (typeof value === 'string' ? showValue(value) : JSON.stringify(value));

/** The hint of a type defect at `path`, with its fix when it names the value to write. */
const typeHint = (expected: string[], value: unknown, path: readonly PathSegment[]): Hint => {
  if (value === null || value === undefined) {
    const empty = expected.includes('array') ? [] : expected.includes('object') ? {} : undefined;
    if (empty === undefined) return { text: text('defect.type.emptyValueHint') };
    return { text: text('defect.type.emptyHint', written(empty)), fix: replaceFix(path, [empty]) };
  }
  if (expected.includes('array') && (typeof value === 'string' || typeof value === 'number')) {
    const items = listItems(value, path);
    return { text: text('defect.type.listHint', items.map(written).join(', ')), fix: replaceFix(path, [items]) };
  }
  if (expected.includes('string') && expected.includes('object')) return { text: text('defect.type.nameHint') };
  if (expected.includes('string') && (typeof value === 'number' || typeof value === 'boolean')) {
    const quoted = String(value);
    return { text: text('defect.type.quoteHint', JSON.stringify(quoted)), fix: replaceFix(path, [quoted]) };
  }
  if (expected.length === 1 && expected[0] === 'string' && typeof value === 'object') return { text: text('defect.type.singleNameHint') };
  if (expected.includes('object')) return { text: text('defect.type.mappingHint') };
  return { text: '' };
};

const missingKeyHint = (key: string): string => {
  switch (key) {
    case 'name':
      return text('defect.missingKey.name');
    case 'label':
      return text('defect.missingKey.label');
    case 'anyOf':
      return text('defect.missingKey.anyOf');
    default:
      return text('defect.missingKey.other');
  }
};

const allowedKeys = (error: ErrorObject): string[] => {
  const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
  return Object.keys(parent?.properties ?? {});
};

const withFix = (defect: Defect, hint: Hint): Defect => (hint.fix ? { ...defect, fix: hint.fix } : defect);

const translate = (error: ErrorObject, root: unknown): Defect | undefined => {
  const path = pointerToPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = allowedKeys(error);
      const hint = didYouMeanKey([...path, key], suggest(key, allowed.map((a) => ({ text: a, target: a }))));
      return withFix({ path: [...path, key], message: text('defect.unknownKey', key, allowed.join(', '), hint.text) }, hint);
    }
    case 'required': {
      const key = String(params.missingProperty);
      return { path: [...path, key], message: text('defect.missingKey', key, missingKeyHint(key)) };
    }
    case 'type': {
      const expected = Array.isArray(params.type) ? params.type.map(String) : String(params.type).split(',');
      if (path.length === 0) return { path, message: text('defect.notMapping', describeType(error.data)) };
      const hint = typeHint(expected, error.data, path);
      return withFix({ path, message: text('defect.type', describeExpected(expected), describeType(error.data), hint.text) }, hint);
    }
    case 'enum': {
      const allowed = (Array.isArray(params.allowedValues) ? params.allowedValues : []).map(String);
      const value = showValue(error.data);
      const hint = didYouMeanValue(path, suggest(value, allowed.map((a) => ({ text: a, target: a }))));
      return withFix({ path, message: text('defect.enum', value, allowed.join(', '), hint.text) }, hint);
    }
    case 'minLength':
      return { path, message: text('defect.emptyString') };
    case 'minItems':
      return { path, message: text('defect.emptyAnyOf') };
    case 'pattern':
    case 'propertyNames':
      // name syntax: reported by the semantic checks with a specific fix
      return undefined;
    default:
      return { path, message: error.message ?? error.keyword };
  }
};

/** Structural defects (no positions yet). */
export const validateStructure = (value: unknown): Defect[] => {
  const check = validator();
  if (check(value)) return [];
  const errors = check.errors ?? [];
  // `{ anyof: [...] }`: the unknown key "anyof" already says "did you mean anyOf"; drop "anyOf is missing"
  const misspeltRequired = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const key = String((error.params as Record<string, unknown>).additionalProperty);
    for (const allowed of allowedKeys(error)) {
      if (suggest(key, [{ text: allowed, target: allowed }]).length > 0) misspeltRequired.add(`${error.instancePath}/${allowed}`);
    }
  }
  const defects: Defect[] = [];
  for (const error of errors) {
    if (error.keyword === 'required') {
      const missing = String((error.params as Record<string, unknown>).missingProperty);
      if (misspeltRequired.has(`${error.instancePath}/${missing}`)) continue;
    }
    const defect = translate(error, value);
    if (!defect) continue;
    // one defect per path and message
    if (defects.some((o) => o.message === defect.message && JSON.stringify(o.path) === JSON.stringify(defect.path))) continue;
    defects.push(defect);
  }
  return defects;
};
