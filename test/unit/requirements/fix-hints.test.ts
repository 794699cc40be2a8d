/*
 * Every fix hint is itself valid (issue #15, item 5). For each broken manifest of the corpus, each problem whose
 * message suggests a concrete value carries a machine-applicable fix; applied to the parsed document, the fix
 * removes the problem that suggested it and brings no new problem at that place. A hint that suggests a value
 * but carries no fix fails here unless it is one of the exemptions listed below, each with its reason.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import type { Defect, Fix, PathSegment } from '../../../src/requirements/errors.js';
import { applyFix, fixChoices } from '../../../src/requirements/fix.js';
import { formatOf, validateManifestData } from '../../../src/requirements/load.js';
import { parseText } from '../../../src/requirements/parse.js';
import { fixturePath } from './helpers.js';

const corpus = fixturePath('bad-manifests', '');
const files = readdirSync(corpus)
  .filter((f) => f !== 'expected.json')
  .sort();

/** A message that offers something concrete to write: a "did you mean", a quoted example, a value after write/use/put. */
const SUGGESTS = /did you mean|\be\.g\. "|\b(?:write|use|put)\b[^.;]*(?:"[^"]*"|\[[^\]]*\])/i;

/** Fixed examples in messages that show the syntax, not a replacement for what the user wrote: removed before SUGGESTS is tried. */
const SYNTAX_EXAMPLES = ['"anyOf: [NameA, NameB]"', '"anyOf: [...]"', 'with a trailing "?" if it is optional', '(e.g. "Manage user data via APIs")'];

/** Hints that name a value but cannot be applied as a replacement in place, and why. */
const EXEMPT: Array<{ pattern: RegExp; why: string }> = [
  {
    pattern: /required key "[^"]+" is missing/,
    why: 'the missing value is the author\'s own (the integration\'s id or display name); "e.g." shows the syntax only',
  },
  {
    pattern: /is not an object API name: list the object once/,
    why: 'a key "Object.Field" becomes a field under objects.Object.fields, whose read or edit list the author chooses: a move, not a replacement',
  },
  {
    pattern: /names a field of another object/,
    why: 'the entry moves to another object\'s fields list (which may not exist yet): a move, not a replacement in place',
  },
];

/** Problems of a file that did not parse are edits of the text (remove a comma, close a bracket, write the aliases out): no document to apply a fix to. */
const unparsedWhy = 'the text does not parse, so there is no document to apply a fix to';

type Case = { file: string; value: unknown; defects: Defect[] };

const cases: Case[] = [];
const unparsed: string[] = [];
for (const file of files) {
  const source = readFileSync(join(corpus, file), 'utf8');
  const parsed = parseText(source, formatOf(file, source));
  if (parsed.value === undefined) unparsed.push(file);
  // the parser's own problems (a duplicate key in JSON) count too: their hints must pass the same checks
  else cases.push({ file, value: parsed.value, defects: [...parsed.defects, ...validateManifestData(parsed.value, file).defects] });
}

const same = (a: Defect, b: Defect): boolean => a.message === b.message && JSON.stringify(a.path) === JSON.stringify(b.path);
const under = (path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean =>
  prefix.every((segment, i) => path[i] === segment);
/** Where the fixed value is: the path itself, or the renamed key's new path. */
const target = (fix: Fix, choice: unknown): PathSegment[] => ('renameKey' in fix ? [...fix.path.slice(0, -1), String(choice)] : fix.path);
const suggestsValue = (message: string): boolean => SUGGESTS.test(SYNTAX_EXAMPLES.reduce((m, example) => m.split(example).join(''), message));
/** The quoted values of "(did you mean "a" or "b"?)". */
const didYouMeanValues = (message: string): string[] | undefined => {
  const inner = /\(did you mean (.*)\?\)/.exec(message)?.[1];
  return inner === undefined ? undefined : [...inner.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
};

describe('requirements: every fix hint is itself valid', () => {
  it('the corpus has documents whose problems carry fixes, of both kinds (replace a value, rename a key)', () => {
    const fixes = cases.flatMap((c) => c.defects.flatMap((d) => (d.fix ? [d.fix] : [])));
    expect(fixes.length).to.be.at.least(20);
    expect(fixes.some((f) => 'replaceWith' in f)).to.equal(true);
    expect(fixes.some((f) => 'renameKey' in f)).to.equal(true);
    expect(unparsed.length).to.be.lessThan(files.length / 2);
  });

  it('the hint of crank.yaml (`raed`) is the fix { path: objects.Contact.access[1], replaceWith: read }', () => {
    const crank = cases.find((c) => c.file === 'crank.yaml')!;
    expect(crank.defects.map((d) => d.fix)).to.deep.equal([{ path: ['objects', 'Contact', 'access', 1], replaceWith: 'read' }]);
  });

  it('the hint for scopes written as text is the list, and the list validates', () => {
    const scopes = cases.find((c) => c.file === 'scopes-as-text.yaml')!;
    expect(scopes.defects.map((d) => d.fix)).to.deep.equal([{ path: ['oauth', 'scopes'], replaceWith: ['api', 'refresh_token'] }]);
    expect(validateManifestData(applyFix(scopes.value, scopes.defects[0].fix!), 'fixed').defects).to.deep.equal([]);
  });

  for (const { file, value, defects } of cases) {
    describe(file, () => {
      it('every problem whose message suggests a concrete value carries a fix (or is an exemption, with its reason)', () => {
        for (const defect of defects) {
          if (defect.fix !== undefined || !suggestsValue(defect.message)) continue;
          const exemption = EXEMPT.find((e) => e.pattern.test(defect.message));
          expect(exemption, `no fix for a hint that suggests a value: ${defect.message}`).not.to.equal(undefined);
          expect(exemption!.why.length).to.be.greaterThan(20);
        }
      });

      it('the message shows what the fix writes', () => {
        for (const defect of defects.filter((d) => d.fix)) {
          const fix = defect.fix!;
          const named = didYouMeanValues(defect.message);
          const list = /Write it as a list, even for one item: (\[.*\])$/.exec(defect.message)?.[1];
          if (named) expect(fixChoices(fix), defect.message).to.deep.equal(named);
          else if (list) expect('replaceWith' in fix && fix.replaceWith, defect.message).to.deep.equal(parse(list));
          else for (const choice of fixChoices(fix)) expect(defect.message, JSON.stringify(fix)).to.include(typeof choice === 'string' ? choice : JSON.stringify(choice));
        }
      });

      for (const defect of defects.filter((d) => d.fix)) {
        for (const choice of fixChoices(defect.fix!)) {
          it(`applying ${JSON.stringify({ ...defect.fix, choices: undefined, choice })} removes "${defect.message.slice(0, 60)}…" and adds no problem there`, () => {
            const fixed = applyFix(value, defect.fix!, choice);
            expect(fixed).not.to.deep.equal(value);
            const after = validateManifestData(fixed, file).defects;
            expect(after.some((d) => same(d, defect)), JSON.stringify(after)).to.equal(false);
            const at = target(defect.fix!, choice);
            const added = after.filter((d) => under(d.path, at) && !defects.some((b) => same(b, d)));
            expect(added, JSON.stringify(added)).to.deep.equal([]);
          });
        }
      }

      if (defects.length > 0 && defects.every((d) => d.fix)) {
        it('with every fix applied, the manifest is valid', () => {
          // renames last and deepest first, so no fix moves the path of another
          const order = [...defects].sort(
            (a, b) => Number('renameKey' in a.fix!) - Number('renameKey' in b.fix!) || b.fix!.path.length - a.fix!.path.length
          );
          const fixed = order.reduce((doc, d) => applyFix(doc, d.fix!), value);
          expect(validateManifestData(fixed, file).defects).to.deep.equal([]);
        });
      }
    });
  }

  it(`files that do not parse carry no fix (${unparsedWhy})`, () => {
    for (const file of unparsed) {
      const source = readFileSync(join(corpus, file), 'utf8');
      expect(parseText(source, formatOf(file, source)).defects.filter((d) => d.fix), file).to.deep.equal([]);
    }
  });

  it('a fix whose path is not in the document is refused, not applied somewhere else', () => {
    expect(() => applyFix({ name: 'x' }, { path: ['objects', 'Contact'], replaceWith: {} })).to.throw(/not found/);
    expect(() => applyFix({ list: ['a'] }, { path: ['list', 3], replaceWith: 'b' })).to.throw(/not found/);
  });

  it('a rename keeps the key\'s place and value; the document given is left as it was', () => {
    const doc = { name: 'x', objects: { Contact: { acess: ['read'], fields: {} } } };
    const fixed = applyFix(doc, { path: ['objects', 'Contact', 'acess'], renameKey: 'access' }) as typeof doc;
    expect(Object.keys(fixed.objects.Contact)).to.deep.equal(['access', 'fields']);
    expect(fixed.objects.Contact).to.deep.equal({ access: ['read'], fields: {} });
    expect(doc.objects.Contact).to.have.property('acess');
  });
});
