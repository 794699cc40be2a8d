/*
 * Every quotation in a built-in preset's comments ("…" after a `#`) is the vendor document's own wording.
 * The documents are not in the repository (their licences are unknown): test/fixtures/seed-excerpts/NNN.txt
 * keeps only the lines of seed NNN that the presets quote, with the document's title and source URL
 * (README.md there). A quote may elide with "..." and is compared fragment by fragment (fragments also split
 * at " — ", ": ", "; ", ", " because table cells and list items are quoted as one line); fragments of fewer
 * than three words are too short to tie to the document and are not checked. Case, whitespace, quote marks
 * and Markdown emphasis/links are ignored.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../sharedFixtures.js';

const presetsDir = path.join(REPO_ROOT, 'presets');
const excerptsDir = path.join(REPO_ROOT, 'test', 'fixtures', 'seed-excerpts');

const normalize = (text: string): string =>
  text
    .replace(/[\u2018\u2019\u201c\u201d"]/g, "'")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*`_]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();

type Excerpt = { seed: string; source: string; text: string };

export const readExcerpt = (seed: string): Excerpt => {
  const raw = readFileSync(path.join(excerptsDir, `${seed}.txt`), 'utf8');
  const [header, body] = raw.split('\n---\n');
  const source = /^source: (.+)$/m.exec(header)?.[1] ?? '';
  return { seed, source, text: normalize(body) };
};

/** The comment text of a YAML file as blocks: consecutive comment lines joined (quotes wrap across lines). */
export const commentBlocks = (yaml: string): string[] => {
  const blocks: string[] = [];
  let current: string[] = [];
  for (const line of yaml.split('\n')) {
    const comment = /(?:^|\s)#\s?(.*)$/.exec(line);
    if (comment && !line.trim().startsWith('# yaml-language-server')) current.push(comment[1]);
    else if (current.length > 0) {
      blocks.push(current.join(' '));
      current = [];
    }
  }
  if (current.length > 0) blocks.push(current.join(' '));
  return blocks;
};

export const quotations = (yaml: string): string[] =>
  commentBlocks(yaml).flatMap((block) => [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]));

/** The fragments of a quotation that are not in the excerpt (empty: the quotation is faithful). */
export const misquoted = (quotation: string, excerpt: Excerpt): string[] =>
  quotation
    .split(/\.\.\.|…|\[[^\]]*\]| — |: |; |, /)
    .map((fragment) => normalize(fragment).replace(/^[ .,;:']+|[ .,;:']+$/g, ''))
    .filter((fragment) => fragment.split(' ').length >= 3)
    .filter((fragment) => !excerpt.text.includes(fragment));

const presetFiles = readdirSync(presetsDir).filter((f) => f.endsWith('.yaml'));

describe('built-in presets: quotations of their seed documents', () => {
  it('every seed excerpt names its source', () => {
    for (const file of readdirSync(excerptsDir).filter((f) => f.endsWith('.txt'))) {
      const excerpt = readExcerpt(file.slice(0, 3));
      expect(excerpt.source, file).to.not.equal('');
      expect(excerpt.text.length, file).to.be.greaterThan(100);
    }
  });

  for (const file of presetFiles) {
    it(`${file} quotes its seed document word for word`, () => {
      const yaml = readFileSync(path.join(presetsDir, file), 'utf8');
      const seed = /Written from seed (\d{3})/.exec(yaml)?.[1];
      expect(seed, `${file} names its seed`).to.be.a('string');
      const excerpt = readExcerpt(seed as string);
      const quotes = quotations(yaml);
      expect(quotes.length, `${file} quotes its document`).to.be.greaterThan(3);
      const wrong = quotes.flatMap((q) => misquoted(q, excerpt).map((fragment) => `"${q}": "${fragment}"`));
      expect(wrong, `quotations not in seed ${seed as string} (${excerpt.source})`).to.deep.equal([]);
    });
  }

  it('catches a misquotation (a changed word in a real quote of the crankwheel preset)', () => {
    const yaml = readFileSync(path.join(presetsDir, 'crankwheel.yaml'), 'utf8');
    const faithful = quotations(yaml).find((q) => q.startsWith('Edit Events — required'));
    expect(faithful).to.be.a('string');
    const excerpt = readExcerpt('002');
    expect(misquoted(faithful as string, excerpt)).to.deep.equal([]);
    const changed = (faithful as string).replace('create and update', 'create and delete');
    expect(misquoted(changed, excerpt)).to.have.length(1);
  });
});
