/*
 * The manifest validator compiled at build time (scripts/build/manifest-validator.cjs, Ajv standalone code)
 * must judge every manifest exactly as the schema compiled at run time does: same verdict, same errors
 * (keyword, place, parameters, and the parent schema the defect messages list allowed keys from).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';
import { runtimeValidator } from '../../../src/requirements/schema.js';
import { repoRoot } from '../../e2e/harness.js';

const requireHere = createRequire(import.meta.url);
const { generate } = requireHere(join(repoRoot, 'scripts', 'build', 'manifest-validator.cjs')) as { generate: () => string };

/** Load the generated CommonJS source as a module (its requires resolve from lib/requirements/). */
const standalone = (): ValidateFunction => {
  const module = { exports: {} as unknown };
  const requireFromLib = createRequire(join(repoRoot, 'lib', 'requirements', 'manifestValidator.cjs'));
  const load = vm.runInThisContext(`(function (module, exports, require) {${generate()}\n})`) as (m: typeof module, e: unknown, r: NodeRequire) => void;
  load(module, module.exports, requireFromLib);
  return module.exports as ValidateFunction;
};

const manifests = (): Array<{ name: string; value: unknown }> => {
  const out: Array<{ name: string; value: unknown }> = [];
  for (const dir of [join(repoRoot, 'test', 'fixtures', 'bad-manifests'), join(repoRoot, 'test', 'fixtures', 'manifests'), join(repoRoot, 'presets')]) {
    for (const file of readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f))) {
      try {
        out.push({ name: file, value: parse(readFileSync(join(dir, file), 'utf8')) as unknown });
      } catch {
        // not YAML at all (a parse-error fixture): the schema never sees it
      }
    }
  }
  return out;
};

const summary = (errors: ErrorObject[] | null | undefined): unknown[] =>
  (errors ?? []).map((e) => ({ keyword: e.keyword, instancePath: e.instancePath, schemaPath: e.schemaPath, params: e.params, parent: Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {}) }));

describe('requirements: the build-time (standalone) manifest validator', () => {
  it('judges every fixture and preset exactly as the run-time compiled schema', () => {
    const built = standalone();
    const runtime = runtimeValidator();
    const all = manifests();
    expect(all.length).to.be.greaterThan(60);
    let invalid = 0;
    for (const { name, value } of all) {
      const a = runtime(value);
      const b = built(value);
      expect(b, name).to.equal(a);
      if (!a) invalid++;
      expect(summary(built.errors), name).to.deep.equal(summary(runtime.errors));
    }
    // the comparison covers rejections, not only manifests both accept
    expect(invalid).to.be.greaterThan(10);
  });
});
