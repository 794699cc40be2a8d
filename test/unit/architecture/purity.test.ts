/*
 * Issue 17, "Done when": evaluation and diagnosis import nothing that touches the file system or the network.
 * The same holds for the grant planner, excess and drift computations and the Salesforce-facts module: they take
 * what the snapshot reader (all I/O) and the requirements loader read, and return plain data. This walks the real
 * import graph of each pure entry point (every relative import, followed recursively) and fails when any module in
 * it imports a module that does I/O.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const src = join(root, 'src');

/** Pure entry points: everything they reach must be pure too. */
const PURE_ENTRIES = [
  'evaluation/index.ts',
  'evaluation/evaluate.ts',
  'diagnose/index.ts',
  'grant/plan.ts',
  'excess/compute.ts',
  'drift/compare.ts',
];

/** Modules that read or write files, talk to the network or spawn processes. */
const IO_MODULES = [
  /^(node:)?(fs|fs\/promises|http|https|net|tls|dgram|child_process|worker_threads)$/,
  /^@salesforce\/(core|sf-plugins-core|source-deploy-retrieve)(\/|$)/,
  /^@jsforce\//,
  /^jsforce(\/|$)/,
  /^undici(\/|$)/,
  /^@oclif\//,
];

const specifiers = (code: string): string[] => {
  const out: string[] = [];
  // static imports and re-exports (type-only ones are erased at build time and do no I/O)
  for (const m of code.matchAll(/^\s*(import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) out.push(m[2]);
  for (const m of code.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]);
  return out;
};

const resolveLocal = (from: string, spec: string): string | undefined => {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) return candidate;
  return undefined;
};

/** Every (module, forbidden import) pair reachable from an entry. */
const impureImports = (entry: string): string[] => {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of specifiers(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) {
        const next = resolveLocal(file, spec);
        if (next) visit(next);
        else found.push(`${relative(src, file)}: unresolved ${spec}`);
      } else if (IO_MODULES.some((re) => re.test(spec))) {
        found.push(`${relative(src, file)} imports ${spec}`);
      }
    }
  };
  visit(join(src, entry));
  return found;
};

describe('architecture: the pure layers import no I/O', () => {
  for (const entry of PURE_ENTRIES) {
    it(`${entry} reaches no module that touches files, network or processes`, () => {
      expect(existsSync(join(src, entry)), `${entry} exists`).to.equal(true);
      expect(impureImports(entry)).to.deep.equal([]);
    });
  }

  it('the walk finds an I/O import where there is one (the snapshot reader)', () => {
    // guards the test itself: if the parser missed imports, every entry above would pass vacuously
    expect(impureImports('snapshot/read.ts').some((line) => line.includes('@salesforce/core'))).to.equal(true);
  });
});
