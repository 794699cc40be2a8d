/*
 * The manifest's shape has one source, the JSON Schema (schemas/requirements-manifest.schema.json):
 * - the raw TypeScript types are generated from it (scripts/build/manifest-types.cjs → src/requirements/manifest.generated.ts),
 *   and the checked-in file must be what the schema generates today;
 * - build.ts must handle every property the schema lets a manifest write: a manifest using each one, with a valid
 *   value, must be accepted and must show that value in the normalised Manifest (not silently drop it).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'chai';
import { validateManifestData } from '../../../src/requirements/index.js';
import { manifestSchema } from '../../../src/requirements/schema.js';
import { repoRoot } from '../../e2e/harness.js';

const requireHere = createRequire(import.meta.url);
const { generate, outputPath } = requireHere(join(repoRoot, 'scripts', 'build', 'manifest-types.cjs')) as {
  generate: () => Promise<string>;
  outputPath: string;
};

type SchemaNode = Record<string, unknown>;
type Segment = string | number;

/** Keys the plugin reads nowhere, by design (each one's description says so). */
const IGNORED_BY_DESIGN = ['$schema'];

const isNode = (value: unknown): value is SchemaNode => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Where the first difference is, as `line N: expected … / actual …`. */
const firstDifference = (expected: string, actual: string): string => {
  const a = expected.split('\n');
  const b = actual.split('\n');
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if (a[i] !== b[i]) return `line ${i + 1}: generated ${JSON.stringify(a[i])}, checked in ${JSON.stringify(b[i])}`;
  return 'none';
};

type Leaf = { path: Segment[]; value: string; where: string };

/**
 * Every place a manifest can hold a string, with a valid value for it: the schema's enum or example (an `anyOf` member
 * takes its item's example), else a made-up name.
 */
const leavesOf = (schema: SchemaNode): { leaves: Leaf[]; reached: Set<string> } => {
  const definitions = schema.definitions as Record<string, SchemaNode>;
  const reached = new Set<string>();
  const leaves: Leaf[] = [];
  let counter = 0;
  const resolve = (node: SchemaNode): SchemaNode => {
    if (typeof node.$ref !== 'string') return node;
    const key = node.$ref.replace('#/definitions/', '');
    reached.add(key);
    const siblings = Object.fromEntries(Object.entries(node).filter(([keyword]) => keyword !== '$ref'));
    return resolve({ ...definitions[key], ...siblings });
  };
  /** A key the propertyNames pattern accepts (object API names and kebab-case feature names both take `sample`). */
  const keyFor = (propertyNames: unknown): string => {
    const pattern = isNode(propertyNames) && typeof propertyNames.pattern === 'string' ? new RegExp(propertyNames.pattern) : /.*/;
    const key = ['Sample', 'sample'].find((candidate) => pattern.test(candidate));
    expect(key, `no sample key matches ${String(pattern)}`).to.be.a('string');
    return key!;
  };
  const exampleOf = (node: SchemaNode): string | undefined => {
    if (Array.isArray(node.enum)) return node.enum[0] as string;
    const example = Array.isArray(node.examples) ? node.examples.find((e) => typeof e === 'string') : undefined;
    return typeof example === 'string' ? example : undefined;
  };
  const visit = (raw: SchemaNode, path: Segment[], where: string, inherited?: string): void => {
    const node = resolve(raw);
    const example = exampleOf(node) ?? inherited;
    const types = ([] as unknown[]).concat(node.type);
    if (types.includes('string')) leaves.push({ path, value: example ?? `Sample${++counter}`, where });
    const anyOfExample = types.includes('string') ? example : undefined;
    if (isNode(node.properties))
      for (const [key, child] of Object.entries(node.properties)) {
        if (path.length === 0 && IGNORED_BY_DESIGN.includes(key)) continue;
        visit(child as SchemaNode, [...path, key], `${where}.${key}`, anyOfExample);
      }
    if (isNode(node.additionalProperties)) {
      const key = keyFor(node.propertyNames);
      visit(node.additionalProperties, [...path, key], `${where}.${key}`);
    }
    if (isNode(node.items)) visit(node.items, [...path, 0], `${where}[0]`, example);
  };
  visit(schema, [], '');
  return { leaves, reached };
};

/** A manifest holding `value` at `path` (containers made on the way), named unless the path is the name. */
const manifestWith = (path: Segment[], value: string): Record<string, unknown> => {
  const root: Record<string, unknown> = { name: 'schema-walk' };
  let container: Record<string | number, unknown> = root;
  path.forEach((segment, i) => {
    if (i === path.length - 1) {
      container[segment] = value;
      return;
    }
    container[segment] ??= typeof path[i + 1] === 'number' ? [] : {};
    container = container[segment] as Record<string | number, unknown>;
  });
  return root;
};

/** Every string in a value except the bookkeeping (paths of manifest entries, the origin). */
const stringsIn = (value: unknown, out: string[] = []): string[] => {
  if (typeof value === 'string') out.push(value.toLowerCase());
  else if (Array.isArray(value)) for (const item of value) stringsIn(item, out);
  else if (isNode(value)) for (const [key, item] of Object.entries(value)) if (key !== 'path' && key !== 'origin') stringsIn(item, out);
  return out;
};

describe('requirements: the manifest shape has one source, the JSON Schema', () => {
  it('src/requirements/manifest.generated.ts is what the schema generates (after changing the schema, run npm run build)', async () => {
    const generated = await generate();
    const checkedIn = readFileSync(outputPath, 'utf8');
    expect(checkedIn === generated, `stale generated types, first difference at ${firstDifference(generated, checkedIn)}`).to.equal(true);
    // the generated types name what build.ts and types.ts import
    for (const name of ['RawManifest', 'RawFeature', 'RawUser', 'RawOauth', 'RawObjectRequirement'])
      expect(generated, name).to.match(new RegExp(`export interface ${name} \\{`));
  });

  describe('build.ts handles every property of the schema', () => {
    const schema = manifestSchema();
    const { leaves, reached } = leavesOf(schema);

    it('walks the whole schema: every definition, every root property but the ignored ones', () => {
      expect([...reached].sort()).to.deep.equal(Object.keys(schema.definitions as object).sort());
      const rootKeys = Object.keys(schema.properties as object).filter((key) => !IGNORED_BY_DESIGN.includes(key));
      for (const key of rootKeys) expect(leaves.some((leaf) => leaf.path[0] === key), key).to.equal(true);
      for (const key of IGNORED_BY_DESIGN)
        expect(((schema.properties as Record<string, SchemaNode>)[key].description as string).toLowerCase(), key).to.contain('ignored by the plugin');
      // the base and a feature each reach the anyOf form of custom permissions
      const where = leaves.map((leaf) => leaf.where);
      expect(where).to.include.members(['.customPermissions[0].anyOf[0]', '.features.sample.customPermissions[0].anyOf[0]']);
    });

    it('accepts a manifest using each property with a valid value, and keeps the value in the Manifest', () => {
      const baseline = stringsIn(validateManifestData({ name: 'schema-walk' }, 'walk').manifest);
      const problems: string[] = [];
      for (const leaf of leaves) {
        const { manifest, defects } = validateManifestData(manifestWith(leaf.path, leaf.value), 'walk');
        if (defects.length > 0) problems.push(`${leaf.where} = ${leaf.value}: rejected: ${defects.map((d) => d.message).join('; ')}`);
        else if (baseline.includes(leaf.value.toLowerCase())) problems.push(`${leaf.where} = ${leaf.value}: the sample is in every manifest, pick another`);
        else if (!stringsIn(manifest).includes(leaf.value.toLowerCase())) problems.push(`${leaf.where} = ${leaf.value}: not in the built Manifest`);
      }
      expect(problems).to.deep.equal([]);
      expect(leaves.length).to.be.greaterThan(30);
    });
  });
});
