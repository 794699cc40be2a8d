import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { formatPath } from '../../../src/requirements/errors.js';
import { pathOf } from '../../../src/requirements/build.js';

const messagesFile = readFileSync(new URL('../../../messages/requirements.md', import.meta.url), 'utf8');
const keys = new Set([...messagesFile.matchAll(/^# (\S+)$/gm)].map((m) => m[1]));
const sourceDir = new URL('../../../src/requirements/', import.meta.url);
const sources = readdirSync(sourceDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => [f, readFileSync(new URL(f, sourceDir), 'utf8')] as const);

describe('requirements: messages', () => {
  it('has a message for every key the code uses', () => {
    const used = new Set<string>();
    for (const [, source] of sources) {
      for (const m of source.matchAll(/\b(?:text|messageList|namedError\([^,]+,)\s*\(?\s*'([\w.]+)'/g)) used.add(m[1]);
      for (const m of source.matchAll(/'((?:defect|error|type|problems|features)\.[\w.]+)'/g)) used.add(m[1]);
    }
    expect(used.size).to.be.greaterThan(40);
    const missing = [...used].filter((key) => !keys.has(key) && !key.endsWith('.'));
    expect(missing).to.deep.equal([]);
  });

  it('has actions for every named error', () => {
    for (const key of ['error.InvalidManifest', 'error.ManifestNotFound', 'error.ManifestUnreadable', 'error.UnknownPreset', 'error.UnknownFeature', 'error.FeatureConflict'])
      expect(keys.has(`${key}.actions`), key).to.equal(true);
  });
});

describe('requirements: paths', () => {
  it('writes paths as objects.Contact.access[1], quoting keys that are not plain names', () => {
    expect(formatPath(['objects', 'Contact', 'access', 1])).to.equal('objects.Contact.access[1]');
    expect(formatPath(['systemPermissions', 1, 'anyOf', 0])).to.equal('systemPermissions[1].anyOf[0]');
    expect(formatPath(['features', 'subscribe-actions', 'systemPermissions', 0])).to.equal('features.subscribe-actions.systemPermissions[0]');
    expect(formatPath(['objects', 'Contact.Email'])).to.equal('objects["Contact.Email"]');
    expect(formatPath(['objects', 'My Object'])).to.equal('objects["My Object"]');
    expect(formatPath([])).to.equal('');
    expect(formatPath([''])).to.equal('[""]');
  });

  it('reads its own paths back', () => {
    for (const path of [
      ['objects', 'Contact', 'fields', 'read', 3],
      ['features', 'subscribe-actions', 'objects', 'Contact.Email'],
      ['objects', 'a"b', 'access', 0],
      ['systemPermissions', 2],
    ])
      expect(pathOf(formatPath(path))).to.deep.equal(path);
  });
});
