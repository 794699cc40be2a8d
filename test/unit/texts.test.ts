/*
 * Finding texts live in messages/*.md (sf messages format) and reach the pure layers through modules
 * generated at build time (scripts/build/texts.cjs → *.generated.ts, checked in). These tests keep the
 * two in step and prove the texts read the same as through @salesforce/core's Messages.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { format } from 'node:util';
import { Messages } from '@salesforce/core';
import { expect } from 'chai';
import { DIAGNOSIS_TEXTS } from '../../src/diagnose/texts.generated.js';
import { FINDING_TEXTS } from '../../src/evaluation/texts.generated.js';
import { PLAN_TEXTS } from '../../src/grant/planTexts.generated.js';
import { SALESFORCE_TEXTS } from '../../src/salesforce/texts.generated.js';
import { formatText, type TextArg } from '../../src/shared/messageText.js';

const repoRoot = process.cwd();
type TextModule = { bundle: string; module: string; constant: string; sources: string[] };
const requireHere = createRequire(import.meta.url);
const { TEXT_MODULES, generate, parse } = requireHere(join(repoRoot, 'scripts', 'build', 'texts.cjs')) as {
  TEXT_MODULES: TextModule[];
  generate: (entry: TextModule, contents?: string) => string;
  parse: (contents: string, file: string) => Map<string, string>;
};

/** The generated records, by bundle: a new entry in TEXT_MODULES needs its record here. */
const RECORDS: Record<string, Readonly<Record<string, string>>> = { findings: FINDING_TEXTS, diagnose: DIAGNOSIS_TEXTS, plan: PLAN_TEXTS, salesforce: SALESFORCE_TEXTS };

const markdown = (bundle: string): string => readFileSync(join(repoRoot, 'messages', `${bundle}.md`), 'utf8');

const tsFiles = (dir: string): string[] =>
  dir.endsWith('.ts')
    ? [dir]
    : readdirSync(join(repoRoot, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.generated.ts') ? [join(dir, e.name)] : []
  );

/** Keys passed to text('…') in the entry's source folders. */
const usedKeys = (entry: TextModule): Map<string, string[]> => {
  const used = new Map<string, string[]>();
  for (const file of entry.sources.flatMap(tsFiles)) {
    for (const m of readFileSync(join(repoRoot, file), 'utf8').matchAll(/\btext\(\s*'([^']+)'/g)) used.set(m[1], [...(used.get(m[1]) ?? []), file]);
  }
  return used;
};

/** As many distinct arguments as the text has %s. */
const sampleArgs = (template: string): string[] => [...template.matchAll(/%s/g)].map((_, i) => `<arg${i}>`);

Messages.importMessagesDirectory(repoRoot);

describe('finding texts: messages/*.md and the generated modules', () => {
  it('covers every bundle the build generates', () => {
    expect(TEXT_MODULES.map((e) => e.bundle).sort()).to.deep.equal(Object.keys(RECORDS).sort());
  });

  for (const entry of TEXT_MODULES) {
    describe(`messages/${entry.bundle}.md → ${entry.module}`, () => {
      it('the checked-in module is what the build generates from the .md (run npm run build when it is not)', () => {
        expect(readFileSync(join(repoRoot, entry.module), 'utf8')).to.equal(generate(entry));
      });

      it('the record holds exactly the .md texts, frozen', () => {
        const record = RECORDS[entry.bundle];
        expect(Object.entries(record)).to.deep.equal([...parse(markdown(entry.bundle), entry.bundle)]);
        expect(Object.keys(record).length).to.be.greaterThan(10);
        expect(Object.isFrozen(record)).to.equal(true);
      });

      it('Messages.loadMessages reads the same texts and formats them the same', () => {
        const messages = Messages.loadMessages('sf-integration-access', entry.bundle);
        for (const [key, template] of Object.entries(RECORDS[entry.bundle])) {
          const args = sampleArgs(template);
          expect(formatText(template, args), key).to.equal(messages.getMessage(key, args));
        }
      });

      it('every key the code uses is in the .md, and every key in the .md is used (no dead texts)', () => {
        const used = usedKeys(entry);
        const defined = new Set(Object.keys(RECORDS[entry.bundle]));
        expect(used.size).to.be.greaterThan(10);
        expect([...used.keys()].filter((k) => !defined.has(k)).map((k) => `${k} (${used.get(k)!.join(', ')})`)).to.deep.equal([]);
        expect([...defined].filter((k) => !used.has(k))).to.deep.equal([]);
      });

      it('the generated module stays pure: it imports only the formatter, which imports nothing', () => {
        const imports = (file: string): string[] => [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
        expect(imports(entry.module)).to.deep.equal([`${'../'.repeat(entry.module.split('/').length - 2)}shared/messageText.js`]);
        expect(imports('src/shared/messageText.ts')).to.deep.equal([]);
      });
    });
  }

  it('refuses what the format cannot hold: a list, a repeated key, a specifier other than %s', () => {
    expect(() => parse('# a.b\n\n- one\n- two\n', 'x.md')).to.throw(/is a list/);
    expect(() => parse('# a.b\n\none\n\n# a.b\n\ntwo\n', 'x.md')).to.throw(/defined twice/);
    expect(() => parse('# a.b\n\n%d items\n', 'x.md')).to.throw(/only %s/);
    expect(() => parse('# a.b\n\n', 'x.md')).to.throw(/no text/);
    expect([...parse('# a.b\n\nfirst line\nsecond line\n\n# c.d\n50 %)\n', 'x.md')]).to.deep.equal([
      ['a.b', 'first line\nsecond line'],
      ['c.d', '50 %)'],
    ]);
  });
});

describe('formatText', () => {
  const cases: Array<[string, TextArg[]]> = [
    ['granted by %s', ['Profile: X']],
    ['%s of %s remain (under %s %)', [3, 100, 10]],
    ['no placeholder', []],
    ['100%% of %s', ['it']],
    ['100%% sure', []],
    ['%s and %s', ['only one']],
    ['%s', ['a', 'b', 'c']],
    ['50 %) then %s', ['x']],
    ['%s', ['%s inside']],
  ];
  for (const [template, args] of cases) {
    it(`formats ${JSON.stringify(template)} with ${JSON.stringify(args)} as util.format does`, () => {
      expect(formatText(template, args)).to.equal(format(template, ...args));
    });
  }
});
