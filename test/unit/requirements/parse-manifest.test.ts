import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import { manifestToYaml, parseManifest, MAX_MANIFEST_BYTES } from '../../../src/requirements/index.js';
import type { Manifest } from '../../../src/requirements/types.js';
import { manifestMeaning, readFixture, sfErrorOf } from './helpers.js';

const parseFixture = (name: string): Manifest =>
  parseManifest(readFixture('manifests', name), name, name.endsWith('.json') ? 'json' : 'yaml');

describe('requirements: parseManifest', () => {
  it('label is optional and defaults to name (issue 14 §3)', () => {
    const manifest = parseManifest('name: vendor-sync\nsystemPermissions: [API Enabled]\n', 'inline.yaml', 'yaml');
    expect(manifest.label).to.equal('vendor-sync');
    expect(manifest.systemPermissions).to.deep.equal([{ names: ['ApiEnabled'], path: 'systemPermissions[0]' }]);
    expect(parseManifest('name: vendor-sync\nlabel: Vendor Sync\n', 'inline.yaml', 'yaml').label).to.equal('Vendor Sync');
  });

  describe('the example of design.md', () => {
    const manifest = parseFixture('design-example.yaml');

    it('keeps the identity of the manifest', () => {
      expect(manifest.name).to.equal('crankwheel');
      expect(manifest.label).to.equal('CrankWheel');
      expect(manifest.source).to.equal('https://example.com/doc');
      expect(manifest.description).to.equal('Screen-share sessions logged as Events');
      expect(manifest.origin).to.equal('design-example.yaml');
    });

    it('normalises system permissions to API names, keeping each item path', () => {
      expect(manifest.systemPermissions).to.deep.equal([
        { names: ['ApiEnabled'], path: 'systemPermissions[0]' },
        { names: ['CanApproveUninstalledApps', 'UseAnyApiClient'], path: 'systemPermissions[1]' },
        { names: ['EditEvent'], path: 'systemPermissions[2]' },
      ]);
    });

    it('reads the user section', () => {
      expect(manifest.user).to.deep.equal({
        licenses: [{ names: ['Salesforce'], path: 'user.licenses[0]' }],
        permissionSetLicenses: [],
        permissionSets: [],
        forbiddenPermissions: [{ names: ['ApiUserOnly'], path: 'user.forbiddenPermissions[0]' }],
      });
    });

    it('reads the OAuth policies', () => {
      expect(manifest.oauth).to.deep.equal({
        scopes: [
          { names: ['api'], path: 'oauth.scopes[0]' },
          { names: ['refresh_token'], path: 'oauth.scopes[1]' },
        ],
        refreshTokenPolicy: { value: 'infinite', path: 'oauth.refreshTokenPolicy' },
        ipRelaxation: { value: 'relaxed', path: 'oauth.ipRelaxation' },
        permittedUsers: { value: 'any', path: 'oauth.permittedUsers' },
        path: 'oauth',
      });
    });

    it('reads objects: access, visibility and fields with their optional marks', () => {
      const [contact, account, event] = manifest.objects;
      expect(contact.object).to.equal('Contact');
      expect(contact.path).to.equal('objects.Contact');
      expect(contact.access).to.deep.equal([{ access: 'read', path: 'objects.Contact.access[0]' }]);
      expect(contact.visibility).to.equal(undefined);
      expect(contact.fields.map((f) => f.field)).to.deep.equal(['Name', 'Email', 'Phone', 'MobilePhone', 'HomePhone']);
      expect(contact.fields[4]).to.deep.equal({
        object: 'Contact',
        field: 'HomePhone',
        access: 'read',
        optional: false,
        path: 'objects.Contact.fields.read[4]',
      });
      expect(account.visibility).to.deep.equal({ level: 'all', path: 'objects.Account.visibility' });
      expect(account.fields).to.deep.equal([
        { object: 'Account', field: 'PersonEmail', access: 'read', optional: true, path: 'objects.Account.fields.read[0]' },
        { object: 'Account', field: 'PersonMobilePhone', access: 'read', optional: true, path: 'objects.Account.fields.read[1]' },
      ]);
      expect(event.access).to.deep.equal([]);
      expect(event.fields).to.have.length(8);
    });

    it('reads features with their own paths and names', () => {
      expect(Object.keys(manifest.features)).to.deep.equal(['subscribe-actions']);
      const feature = manifest.features['subscribe-actions'];
      expect(feature.description).to.equal('Trigger actions on record changes');
      expect(feature.body.systemPermissions).to.deep.equal([
        { names: ['ModifyMetadata'], path: 'features.subscribe-actions.systemPermissions[0]', feature: 'subscribe-actions' },
        { names: ['CustomizeApplication'], path: 'features.subscribe-actions.systemPermissions[1]', feature: 'subscribe-actions' },
      ]);
      expect(feature.body.objects).to.deep.equal([]);
      expect(feature.body.oauth).to.equal(undefined);
    });

    it('means the same written as strict JSON', () => {
      const json = parseFixture('design-example.json');
      expect({ ...json, origin: 'x' }).to.deep.equal({ ...manifest, origin: 'x' });
    });
  });

  describe('names written as labels, aliases and duplicates', () => {
    const manifest = parseFixture('labels-and-aliases.yaml');

    it('means exactly what the hand-written API-name version means', () => {
      expect(manifestMeaning(manifest)).to.deep.equal(manifestMeaning(parseFixture('labels-and-aliases.normalised.yaml')));
    });

    it('keeps the first path of a permission given as label and API name', () => {
      expect(manifest.systemPermissions[0]).to.deep.equal({ names: ['ApiEnabled'], path: 'systemPermissions[0]' });
      expect(manifest.systemPermissions.filter((i) => i.names.includes('ApiEnabled'))).to.have.length(1);
    });

    it('treats a one-member anyOf as the name', () => {
      expect(manifest.systemPermissions.find((i) => i.names[0] === 'TransferAnyLead')).to.deep.equal({
        names: ['TransferAnyLead'],
        path: 'systemPermissions[4]',
      });
      expect(manifest.user.licenses[1]).to.deep.equal({ names: ['Salesforce Platform'], path: 'user.licenses[1]' });
    });

    it('makes offline_access and refresh_token one scope item', () => {
      expect(manifest.oauth?.scopes.map((s) => s.names[0])).to.deep.equal(['api', 'refresh_token', 'id', 'cdp_query_api']);
      expect(manifest.oauth?.scopes[1].path).to.equal('oauth.scopes[1]');
    });

    it('makes a field in read and edit one edit item, and a field listed twice one item', () => {
      const contact = manifest.objects.find((o) => o.object === 'Contact')!;
      const phone = contact.fields.filter((f) => f.field === 'Phone');
      expect(phone).to.deep.equal([{ object: 'Contact', field: 'Phone', access: 'edit', optional: false, path: 'objects.Contact.fields.edit[0]' }]);
      expect(contact.fields.filter((f) => f.field === 'Email')).to.deep.equal([
        { object: 'Contact', field: 'Email', access: 'read', optional: false, path: 'objects.Contact.fields.read[0]' },
      ]);
    });

    it('drops a repeated object access, and visibility shared adds nothing', () => {
      const contact = manifest.objects.find((o) => o.object === 'Contact')!;
      expect(contact.access.map((a) => a.path)).to.deep.equal([
        'objects.Contact.access[0]',
        'objects.Contact.access[1]',
        'objects.Contact.access[2]',
        'objects.Contact.access[3]',
      ]);
      expect(contact.visibility).to.equal(undefined);
    });
  });

  it('accepts a minimal JSON manifest (name and label only)', () => {
    const manifest = parseFixture('minimal.json');
    expect(manifest).to.deep.equal({
      name: 'minimal',
      label: 'Minimal',
      origin: 'minimal.json',
      user: { licenses: [], permissionSetLicenses: [], permissionSets: [], forbiddenPermissions: [] },
      systemPermissions: [],
      customPermissions: [],
      objects: [],
      features: {},
    });
  });

  it('ignores a byte order mark and reads Windows line endings', () => {
    const manifest = parseFixture('bom-crlf.yaml');
    expect(manifest.name).to.equal('with-bom');
    expect(manifest.systemPermissions).to.deep.equal([{ names: ['ApiEnabled'], path: 'systemPermissions[0]' }]);
  });

  it('accepts an edit field that is optional in one list and required in the other as required', () => {
    const manifest = parseManifest('name: a\nlabel: A\nobjects:\n  Lead:\n    fields:\n      read: [MobilePhone]\n      edit: ["MobilePhone?"]\n', 'a.yaml', 'yaml');
    expect(manifest.objects[0].fields).to.deep.equal([
      { object: 'Lead', field: 'MobilePhone', access: 'edit', optional: false, path: 'objects.Lead.fields.edit[0]' },
    ]);
  });

  it('allows a few YAML anchors and aliases', () => {
    const manifest = parseManifest('name: a\nlabel: A\nobjects:\n  Contact: &readable\n    access: [read]\n  Lead: *readable\n', 'a.yaml', 'yaml');
    expect(manifest.objects.map((o) => [o.object, o.access[0].path])).to.deep.equal([
      ['Contact', 'objects.Contact.access[0]'],
      ['Lead', 'objects.Lead.access[0]'],
    ]);
  });

  describe('errors', () => {
    it('collects every defect of a file into one InvalidManifest error, in file order', async () => {
      const error = await sfErrorOf(() =>
        parseManifest(
          'name: Bad Name\nlabel: Bad\nsystemPermissions: [ApiEnable, View Setup and Configuration, Modfy All Data]\nobjects:\n  Contact:\n    access: [raed]\n',
          'two.yaml',
          'yaml'
        )
      );
      expect(error.name).to.equal('InvalidManifest');
      const lines = error.message.split('\n');
      expect(lines[0]).to.equal('two.yaml is not a valid requirements manifest (4 problems):');
      expect(lines.slice(1).map((l) => l.split(': ')[0] + ': ' + l.split(': ')[1])).to.deep.equal([
        'two.yaml:1:1: name',
        'two.yaml:3:21: systemPermissions[0]',
        'two.yaml:3:62: systemPermissions[2]',
        'two.yaml:6:14: objects.Contact.access[0]',
      ]);
      expect(error.actions?.length).to.be.greaterThan(0);
      expect(error.exitCode).to.equal(1);
      const data = error.data as { file: string; defects: Array<{ path: string; position?: { line: number } }> };
      expect(data.file).to.equal('two.yaml');
      expect(data.defects.map((d) => d.path)).to.deep.equal(['name', 'systemPermissions[0]', 'systemPermissions[2]', 'objects.Contact.access[0]']);
    });

    it('rejects text over 1 MB without parsing it', async () => {
      const big = `name: big\nlabel: Big\ndescription: "${'x'.repeat(MAX_MANIFEST_BYTES)}"\n`;
      const error = await sfErrorOf(() => parseManifest(big, 'big.yaml', 'yaml'));
      expect(error.name).to.equal('InvalidManifest');
      expect(error.message).to.include('big.yaml: the file is');
      expect(error.message).to.include('at most 1048576 bytes (1 MB)');
    });

    it('rejects NUL bytes in text as binary data', async () => {
      const error = await sfErrorOf(() => parseManifest('name: a\u0000\nlabel: A\n', 'nul.yaml', 'yaml'));
      expect(error.message).to.include('nul.yaml:1:8: the file contains binary data (\\u0000 at byte 7)');
    });

    it('never reports a JSON-only problem for YAML, nor silently takes the last of duplicate JSON keys', async () => {
      const error = await sfErrorOf(() => parseManifest('{"name": "a", "label": "A", "label": "B"}', 'dup.json', 'json'));
      expect(error.message).to.include('dup.json:1:29: label: key "label" appears more than once in this object (also at line 1)');
      expect(error).to.be.instanceOf(SfError);
    });
  });

  describe('manifestToYaml', () => {
    for (const name of ['design-example.yaml', 'labels-and-aliases.yaml', 'features.yaml', 'minimal.json']) {
      it(`writes ${name} back as a manifest that means the same, with API names only`, () => {
        const manifest = parseFixture(name);
        const yaml = manifestToYaml(manifest);
        const again = parseManifest(yaml, 'again.yaml', 'yaml');
        expect(manifestMeaning(again)).to.deep.equal(manifestMeaning(manifest));
        expect(yaml).not.to.match(/API Enabled|Transfer Leads|offline_access|View All\b/);
      });
    }
  });
});
