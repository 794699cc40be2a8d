/*
 * Property: whatever the manifest text, parseManifest returns a Manifest or throws an SfError
 * (InvalidManifest) with a usable message — never another exception. Thousands of manifests are
 * made by mutating valid ones (keys, values, types, structure) and by corrupting their text.
 */
import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { applyFeatures, manifestToYaml, parseManifest } from '../../../src/requirements/index.js';
import { readFixture } from './helpers.js';

/** Runs per property (4 properties): raise with REQUIREMENTS_FUZZ_RUNS for a longer search. */
const RUNS = Number(process.env.REQUIREMENTS_FUZZ_RUNS ?? 1000);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const seeds: Json[] = ['design-example.yaml', 'labels-and-aliases.yaml', 'features.yaml', 'design-example.json'].map(
  (file) => parse(readFixture('manifests', file)) as Json
);

/** Values that hit the interesting branches: real names, near misses, labels, wrong shapes. */
const interesting = fc.constantFrom<Json>(
  'ApiEnabled', 'ApiEnable', 'API Enabled', 'api enabled', 'PermissionsApiEnabled', 'Create and Customize Reports',
  'Transfer Leads', 'Use Any API Client', 'raed', 'read', 'View All', 'update', 'Contact', 'Contact.Email', 'Email??',
  'Email?', '?', '', ' ', 'offline_access', 'refresh_tokn', 'cdp_query_api', 'Perform requests at any time (refresh_token)',
  'infinite', 'specific_lifetime:3:DAYS', 'specific_lifetime:0:DAYS', 'relaxed', 'relaxd', 'all', 'shared', 'any',
  'adminApproved', 'anyOf', 'CrankWheel', 'crank-wheel', 'ns__Thing__c', '__proto__', 'constructor', 'undefined',
  0, -1, 1.5, true, false, null, [], {}, { anyOf: [] }, { anyOf: ['ApiEnabled'] }, { anyOf: [{ anyOf: ['x'] }] }, ['read'], [null]
);

const jsonValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: interesting },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.array(interesting, { maxLength: 4 }) }
);

const keyName = fc.oneof(
  fc.constantFrom('name', 'label', 'anyOf', 'anyof', 'access', 'acess', 'fields', 'read', 'edit', 'visibility', 'features',
    'objects', 'oauth', 'user', 'scopes', 'systemPermissions', 'Contact', 'contact', 'Contact.Email', 'sub-feature',
    'Bad Feature', '__proto__', 'constructor', 'toString', '$schema', ''),
  fc.string({ maxLength: 12 })
);

type Mutation = { at: number; kind: 'replace' | 'delete' | 'addKey' | 'wrap' | 'unwrap' | 'rename' | 'duplicate'; value: Json; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'addKey', 'wrap', 'unwrap', 'rename', 'duplicate'),
  value: jsonValue,
  key: keyName,
});

/** Every [container, key] slot of a value. */
const slots = (root: Json): Array<[Json[] | { [key: string]: Json }, string | number]> => {
  const out: Array<[Json[] | { [key: string]: Json }, string | number]> = [];
  const stack: Json[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (Array.isArray(node)) node.forEach((child, i) => (out.push([node, i]), stack.push(child)));
    else if (node && typeof node === 'object')
      for (const key of Object.keys(node)) {
        out.push([node, key]);
        stack.push(node[key]);
      }
  }
  return out;
};

const setSlot = (container: Json[] | { [key: string]: Json }, key: string | number, value: Json): void => {
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
};

// eslint-disable-next-line complexity
const mutate = (seed: Json, mutations: Mutation[]): Json => {
  const root = structuredClone(seed) as { [key: string]: Json };
  for (const m of mutations) {
    const all = slots(root);
    if (all.length === 0) break;
    const [container, key] = all[m.at % all.length];
    const current = (container as Record<string, Json>)[key];
    switch (m.kind) {
      case 'replace':
        setSlot(container, key, structuredClone(m.value));
        break;
      case 'delete':
        if (Array.isArray(container)) container.splice(Number(key), 1);
        else delete container[key];
        break;
      case 'addKey':
        if (current && typeof current === 'object' && !Array.isArray(current)) setSlot(current, m.key, structuredClone(m.value));
        else if (Array.isArray(current)) current.push(structuredClone(m.value));
        break;
      case 'wrap':
        setSlot(container, key, [current]);
        break;
      case 'unwrap':
        if (Array.isArray(current) && current.length > 0) setSlot(container, key, current[0]);
        else if (current && typeof current === 'object') setSlot(container, key, Object.values(current)[0] ?? null);
        break;
      case 'rename':
        if (!Array.isArray(container)) {
          delete container[key];
          setSlot(container, m.key, current);
        }
        break;
      case 'duplicate':
        if (Array.isArray(container)) container.push(structuredClone(current));
        break;
      default:
        break;
    }
  }
  return root;
};

/** The contract: a Manifest, or an SfError with a message that names the file. */
const check = (text: string, format: 'yaml' | 'json'): void => {
  const origin = format === 'json' ? 'fuzz.json' : 'fuzz.yaml';
  let manifest;
  try {
    manifest = parseManifest(text, origin, format);
  } catch (error) {
    if (!(error instanceof SfError)) throw new Error(`not an SfError: ${String(error)}\n--- input ---\n${text.slice(0, 2000)}`);
    expect(error.name).to.equal('InvalidManifest');
    expect(error.message).to.include(origin);
    if (!text.includes('undefined')) expect(error.message, text).not.to.include('undefined');
    return;
  }
  // a manifest that loads can have its features applied and be written back
  applyFeatures(manifest, 'all');
  parseManifest(manifestToYaml(manifest), 'again.yaml', 'yaml');
};

describe('requirements: parseManifest never throws anything but an SfError (property)', function () {
  this.timeout(600_000);

  it('structure mutations of valid manifests, written as YAML', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, mutations) => {
        check(stringify(mutate(seed, mutations)), 'yaml');
      }),
      { numRuns: RUNS }
    );
  });

  it('structure mutations of valid manifests, written as JSON', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 6 }), (seed, mutations) => {
        check(JSON.stringify(mutate(seed, mutations), null, 2), 'json');
      }),
      { numRuns: RUNS }
    );
  });

  it('text corruption: characters inserted, deleted or replaced anywhere', () => {
    const texts = ['design-example.yaml', 'labels-and-aliases.yaml', 'features.yaml', 'design-example.json'].map((f) => [f, readFixture('manifests', f)] as const);
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 8 }),
      insert: fc.oneof(
        fc.constantFrom(':', '- ', '[', ']', '{', '}', ',', '"', "'", '&a ', '*a', '!tag ', '? ', '\n', '\t', '  ', '#', '---\n', '\u0000', '\uFEFF', '|\n', '>'),
        fc.string({ maxLength: 6, unit: 'binary' })
      ),
    });
    fc.assert(
      fc.property(fc.constantFrom(...texts), fc.array(edit, { minLength: 1, maxLength: 4 }), ([file, text], edits) => {
        let out = text;
        for (const e of edits) {
          const at = e.at % (out.length + 1);
          out = out.slice(0, at) + e.insert + out.slice(at + e.remove);
        }
        check(out, file.endsWith('.json') ? 'json' : 'yaml');
      }),
      { numRuns: RUNS }
    );
  });

  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300, unit: 'binary' }), fc.constantFrom<'yaml' | 'json'>('yaml', 'json'), (text, format) => {
        check(text, format);
      }),
      { numRuns: RUNS }
    );
  });
});
