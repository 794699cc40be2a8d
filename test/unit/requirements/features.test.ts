import { expect } from 'chai';
import { applyFeatures, parseManifest } from '../../../src/requirements/index.js';
import type { Manifest } from '../../../src/requirements/types.js';
import { readFixture, sfErrorOf } from './helpers.js';

const load = (): Manifest => parseManifest(readFixture('manifests', 'features.yaml'), 'features.yaml', 'yaml');

describe('requirements: applyFeatures', () => {
  it('without features gives the base requirements only', () => {
    const requirements = applyFeatures(load(), []);
    expect(requirements.features).to.deep.equal([]);
    expect(requirements.systemPermissions).to.deep.equal([{ names: ['ApiEnabled'], path: 'systemPermissions[0]' }]);
    expect(requirements.objects.map((o) => o.object)).to.deep.equal(['Contact']);
    expect(requirements).to.include({ name: 'features-merge', label: 'Features merge', origin: 'features.yaml' });
    expect(requirements).not.to.have.property('source');
  });

  it('adds a feature: new items carry the feature and their path, items already in the base keep the base path', () => {
    const requirements = applyFeatures(load(), ['write-back']);
    expect(requirements.features).to.deep.equal(['write-back']);
    expect(requirements.systemPermissions).to.deep.equal([
      { names: ['ApiEnabled'], path: 'systemPermissions[0]' },
      { names: ['EditEvent'], path: 'features.write-back.systemPermissions[1]', feature: 'write-back' },
    ]);
  });

  it('combines the same object from base and feature (matched case-insensitively): access, visibility and fields', () => {
    const requirements = applyFeatures(load(), ['write-back']);
    const contact = requirements.objects.find((o) => o.object === 'Contact')!;
    expect(requirements.objects.filter((o) => o.object.toLowerCase() === 'contact')).to.have.length(1);
    expect(contact.access).to.deep.equal([
      { access: 'read', path: 'objects.Contact.access[0]' },
      { access: 'edit', path: 'features.write-back.objects.contact.access[0]', feature: 'write-back' },
    ]);
    expect(contact.visibility).to.deep.equal({ level: 'all', path: 'features.write-back.objects.contact.visibility', feature: 'write-back' });
    expect(contact.fields).to.deep.equal([
      { object: 'Contact', field: 'Email', access: 'read', optional: false, path: 'objects.Contact.fields.read[0]' },
      // read in the base, edit in the feature: one edit item, required because the base requires it
      {
        object: 'Contact',
        field: 'Phone',
        access: 'edit',
        optional: false,
        path: 'features.write-back.objects.contact.fields.edit[0]',
        feature: 'write-back',
      },
      {
        object: 'Contact',
        field: 'Title',
        access: 'edit',
        optional: true,
        path: 'features.write-back.objects.contact.fields.edit[1]',
        feature: 'write-back',
      },
    ]);
    const lead = requirements.objects.find((o) => o.object === 'Lead')!;
    expect(lead.access).to.deep.equal([{ access: 'read', path: 'features.write-back.objects.Lead.access[0]', feature: 'write-back' }]);
  });

  it('merges OAuth scopes and policies and user requirements', () => {
    const requirements = applyFeatures(load(), ['offline']);
    expect(requirements.oauth?.scopes).to.deep.equal([
      { names: ['api'], path: 'oauth.scopes[0]' },
      { names: ['refresh_token'], path: 'features.offline.oauth.scopes[0]', feature: 'offline' },
    ]);
    expect(requirements.oauth?.refreshTokenPolicy).to.deep.equal({ value: 'infinite', path: 'oauth.refreshTokenPolicy' });
    expect(requirements.oauth?.ipRelaxation).to.deep.equal({ value: 'relaxed', path: 'features.offline.oauth.ipRelaxation' });
    expect(requirements.user.permissionSets).to.deep.equal([
      { names: ['Integration_User'], path: 'features.offline.user.permissionSets[0]', feature: 'offline' },
    ]);
  });

  it("'all' applies every feature in manifest order, the same as naming them in any order", () => {
    const all = applyFeatures(load(), 'all');
    expect(all.features).to.deep.equal(['write-back', 'offline']);
    expect(applyFeatures(load(), ['offline', 'write-back'])).to.deep.equal(all);
    expect(applyFeatures(load(), ['all'])).to.deep.equal(all);
    expect(applyFeatures(load(), ['Write-Back', 'offline', 'offline'])).to.deep.equal(all);
  });

  it('does not change the manifest it is given', () => {
    const manifest = load();
    applyFeatures(manifest, 'all');
    expect(manifest).to.deep.equal(load());
  });

  it('rejects an unknown feature with the list of features and a suggestion', async () => {
    const error = await sfErrorOf(() => applyFeatures(load(), ['write-bak']));
    expect(error.name).to.equal('UnknownFeature');
    expect(error.message).to.equal(
      'Unknown feature "write-bak" for features.yaml (did you mean "write-back"?). Available features: write-back, offline.'
    );
    expect(error.actions?.[0]).to.include('--feature');
  });

  it('says so when the manifest has no features', async () => {
    const minimal = parseManifest(readFixture('manifests', 'minimal.json'), 'minimal.json', 'json');
    const error = await sfErrorOf(() => applyFeatures(minimal, ['anything']));
    expect(error.name).to.equal('UnknownFeature');
    expect(error.message).to.equal('Unknown feature "anything" for minimal.json. It has no optional features.');
  });

  it('rejects two features that ask for different values of one policy, and accepts each alone', async () => {
    const manifest = parseManifest(
      'name: a\nlabel: A\nfeatures:\n  strict:\n    oauth:\n      ipRelaxation: enforce\n  relaxed:\n    oauth:\n      ipRelaxation: relaxed\n',
      'conflict.yaml',
      'yaml'
    );
    expect(applyFeatures(manifest, ['strict']).oauth?.ipRelaxation?.value).to.equal('enforce');
    expect(applyFeatures(manifest, ['relaxed']).oauth?.ipRelaxation?.value).to.equal('relaxed');
    const error = await sfErrorOf(() => applyFeatures(manifest, 'all'));
    expect(error.name).to.equal('InvalidManifest');
    expect(error.message).to.include('conflict.yaml: features "strict" and "relaxed" cannot be used together');
    expect(error.message).to.include(
      'they ask for ipRelaxation "enforce" (features.strict.oauth.ipRelaxation) and "relaxed" (features.relaxed.oauth.ipRelaxation).'
    );
  });
});
