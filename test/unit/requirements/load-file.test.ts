import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { applyFeatures, listPresets, loadManifestFile, loadPreset, presetsDir, formatOf } from '../../../src/requirements/index.js';
import { loadFile } from '../../../src/requirements/load.js';
import { fixturePath, readFixture, sfErrorOf } from './helpers.js';

describe('requirements: loading files', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'sfia-load-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads YAML and JSON manifests; the origin is the path as given', async () => {
    const yamlPath = fixturePath('manifests', 'design-example.yaml');
    const yaml = await loadManifestFile(yamlPath);
    expect(yaml.origin).to.equal(yamlPath);
    const relativePath = relative(process.cwd(), fixturePath('manifests', 'design-example.json'));
    const json = await loadManifestFile(relativePath);
    expect(json.origin).to.equal(relativePath);
    expect({ ...json, origin: '' }).to.deep.equal({ ...yaml, origin: '' });
  });

  it('takes the format from .json/.yaml/.yml, and sniffs it otherwise', async () => {
    expect(formatOf('a.JSON', 'name: x')).to.equal('json');
    expect(formatOf('a.yml', '{}')).to.equal('yaml');
    expect(formatOf('manifest', '{"name": "x"}')).to.equal('json');
    expect(formatOf('manifest', '{name: x}')).to.equal('yaml');
    expect(formatOf('manifest', 'name: x')).to.equal('yaml');
    const noExtension = join(dir, 'crank-manifest');
    writeFileSync(noExtension, readFixture('manifests', 'design-example.json'));
    expect((await loadManifestFile(noExtension)).name).to.equal('crankwheel');
    const yml = join(dir, 'crank.yml');
    writeFileSync(yml, readFixture('manifests', 'design-example.yaml'));
    expect((await loadManifestFile(yml)).name).to.equal('crankwheel');
  });

  it('a .json file is strict JSON even when the text would be valid YAML', async () => {
    const file = join(dir, 'relaxed.json');
    writeFileSync(file, 'name: relaxed\nlabel: Relaxed\n');
    const error = await sfErrorOf(() => loadManifestFile(file));
    expect(error.name).to.equal('InvalidManifest');
    expect(error.message).to.include(`${file}:1:1: JSON syntax error: this file is written in YAML, not JSON. Rename it to .yaml`);
  });

  it('a missing file is ManifestNotFound, with what to do', async () => {
    const error = await sfErrorOf(() => loadManifestFile(join(dir, 'nope.yaml')));
    expect(error.name).to.equal('ManifestNotFound');
    expect(error.message).to.equal(`Manifest file ${join(dir, 'nope.yaml')} not found.`);
    expect(error.actions?.join('\n')).to.include('--preset');
    expect(error.actions?.join('\n')).to.include(process.cwd());
  });

  it('a directory is ManifestUnreadable', async () => {
    const sub = join(dir, 'folder.yaml');
    mkdirSync(sub);
    const error = await sfErrorOf(() => loadManifestFile(sub));
    expect(error.name).to.equal('ManifestUnreadable');
    expect(error.message).to.equal(`Manifest ${sub} could not be read: it is a directory`);
  });

  it('invalid UTF-8 is rejected, valid UTF-8 with accents is read', async () => {
    const latin1 = join(dir, 'latin1.yaml');
    writeFileSync(latin1, Buffer.from('name: cafe\nlabel: Caf\xe9\n', 'latin1'));
    const error = await sfErrorOf(() => loadManifestFile(latin1));
    expect(error.message).to.include(`${latin1}: the file is not valid UTF-8 text`);
    const utf8 = join(dir, 'utf8.yaml');
    writeFileSync(utf8, 'name: cafe\nlabel: Café — Intégration\n');
    expect((await loadManifestFile(utf8)).label).to.equal('Café — Intégration');
  });

  it('a broken built-in preset names its file and says it is a plugin bug', async () => {
    const error = await sfErrorOf(() =>
      loadFile(fixturePath('bad-manifests', 'crank.yaml'), { origin: 'preset:crank', displayName: 'presets/crank.yaml', preset: true })
    );
    expect(error.message).to.include('presets/crank.yaml:5:20: objects.Contact.access[1]');
    expect(error.actions?.[0]).to.include('bug in the plugin');
  });
});

describe('requirements: presets', () => {
  const presetFiles = readdirSync(presetsDir()).filter((f) => f.endsWith('.yaml'));

  it('resolves presets/ at the package root', () => {
    expect(existsSync(join(presetsDir(), '..', 'package.json'))).to.equal(true);
    expect(presetFiles.length).to.be.greaterThan(0);
  });

  it('loads every preset shipped in presets/, with origin preset:<name> and name matching the file', async () => {
    for (const file of presetFiles) {
      const name = file.replace(/\.yaml$/, '');
      // eslint-disable-next-line no-await-in-loop
      const manifest = await loadPreset(name);
      expect(manifest.origin).to.equal(`preset:${name}`);
      expect(manifest.name, file).to.equal(name);
      // every feature applies cleanly
      expect(applyFeatures(manifest, 'all').features).to.deep.equal(Object.keys(manifest.features));
    }
  });

  it('lists the presets with counts of what each asks for', async () => {
    const summaries = await listPresets();
    expect(summaries.map((s) => s.name)).to.deep.equal(presetFiles.map((f) => f.replace(/\.yaml$/, '')).sort());
    for (const summary of summaries) {
      // eslint-disable-next-line no-await-in-loop
      const manifest = await loadPreset(summary.name);
      expect(summary.label).to.equal(manifest.label);
      expect(summary.counts.systemPermissions).to.equal(manifest.systemPermissions.length);
      expect(summary.counts.objects).to.equal(manifest.objects.length);
      expect(summary.counts.fields).to.equal(manifest.objects.reduce((n, o) => n + o.fields.length, 0));
      expect(summary.counts.scopes).to.equal(manifest.oauth?.scopes.length ?? 0);
      expect(summary.features).to.deep.equal(Object.keys(manifest.features));
    }
  });

  it('rejects an unknown preset with the list and a suggestion', async () => {
    const first = presetFiles.map((f) => f.replace(/\.yaml$/, '')).sort()[0];
    const misspelt = first.slice(0, -1);
    const error = await sfErrorOf(() => loadPreset(misspelt));
    expect(error.name).to.equal('UnknownPreset');
    expect(error.message).to.include(`Unknown preset "${misspelt}" (did you mean "${first}"`);
    expect(error.message).to.include(`Available presets: ${presetFiles.map((f) => f.replace(/\.yaml$/, '')).sort().join(', ')}.`);
    expect(error.actions?.join('\n')).to.include('sf integration preset list');
  });

  it('never reads outside presets/ (names are kebab-case ids)', async () => {
    const error = await sfErrorOf(() => loadPreset('../package'));
    expect(error.name).to.equal('UnknownPreset');
  });
});
