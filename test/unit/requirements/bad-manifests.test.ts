/*
 * The corpus of broken manifests: every file must give an InvalidManifest error whose message names
 * the file and contains each expected fragment (the path in the file and the fix), never `undefined`,
 * never a stack trace.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadManifestFile, MAX_MANIFEST_BYTES, MAX_DEFECTS_SHOWN } from '../../../src/requirements/index.js';
import { fixturePath, sfErrorOf } from './helpers.js';

const corpus = fixturePath('bad-manifests', '');
const expected = JSON.parse(readFileSync(join(corpus, 'expected.json'), 'utf8')) as Record<string, string[]>;
const files = readdirSync(corpus)
  .filter((f) => f !== 'expected.json')
  .sort();

const checkError = async (file: string, fragments: string[]): Promise<string> => {
  const error = await sfErrorOf(() => loadManifestFile(file));
  expect(error.name).to.equal('InvalidManifest');
  expect(error.message).to.include(file);
  for (const fragment of fragments) expect(error.message).to.include(fragment);
  expect(error.message).not.to.match(/undefined/);
  expect(error.message).not.to.match(/^\s+at .+:\d+:\d+\)?$/m);
  expect(error.message).not.to.match(/%s/);
  expect(error.actions, 'actions').to.be.an('array').with.lengthOf.above(0);
  expect(error.message.split('\n').length).to.be.at.most(MAX_DEFECTS_SHOWN + 2);
  return error.message;
};

describe('requirements: the corpus of broken manifests', () => {
  it('has at least 40 files, each with its expected fragments, and no stale entries', () => {
    expect(files.length).to.be.at.least(40);
    expect(Object.keys(expected).sort()).to.deep.equal(files);
    for (const [file, fragments] of Object.entries(expected)) expect(fragments, file).to.be.an('array').with.lengthOf.above(0);
  });

  for (const file of files) {
    it(`${file}: ${(expected[file] ?? ['(no expectation)'])[0]}`, async () => {
      await checkError(join(corpus, file), expected[file] ?? []);
    });
  }

  describe('a file over 1 MB (generated here, not committed)', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'sfia-requirements-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('is rejected from its size, before it is parsed', async () => {
      const file = join(dir, 'huge.yaml');
      const line = '  - ApiEnabled\n';
      writeFileSync(file, `name: huge\nlabel: Huge\nsystemPermissions:\n${line.repeat(Math.ceil((MAX_MANIFEST_BYTES + 1) / line.length))}`);
      const message = await checkError(file, ['at most 1048576 bytes (1 MB)', 'check that this is the right file']);
      expect(message).to.match(/the file is 10\d{5} bytes/);
    });

    it('exactly 1 MB is still read', async () => {
      const file = join(dir, 'one-mb.yaml');
      const head = 'name: one-mb\nlabel: One MB\ndescription: ';
      writeFileSync(file, head + 'x'.repeat(MAX_MANIFEST_BYTES - head.length - 1) + '\n');
      const manifest = await loadManifestFile(file);
      expect(manifest.description).to.have.length(MAX_MANIFEST_BYTES - head.length - 1);
    });
  });
});
