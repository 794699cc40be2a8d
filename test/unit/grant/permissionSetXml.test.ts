import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  parsePermissionSetXml,
  permissionSetFileName,
  permissionSetXml,
  planPermissionSet,
  PLAN_MARKER,
} from '../../../src/grant/index.js';
import type { PermissionSetPlan } from '../../../src/grant/index.js';
import { names, objectRequirement, requirements, snapshot, user } from './orgFixtures.js';
import { SALESFORCE_FIXTURES, validatePermissionSetFiles, validatePermissionSetXml } from './xsd.js';

const SAMPLES = join(SALESFORCE_FIXTURES, 'samples');
const METADATA_XSD = readFileSync(join(SALESFORCE_FIXTURES, 'wsdl', 'metadata.xsd'), 'utf8');

function samples(folder: string): Array<{ fileName: string; contents: string }> {
  return readdirSync(join(SAMPLES, folder))
    .filter((file) => file.endsWith('.permissionset-meta.xml'))
    .map((file) => ({ fileName: `${folder}_${file}`, contents: readFileSync(join(SAMPLES, folder, file), 'utf8') }));
}

/** Element names of an xsd:complexType's sequence, in schema order, read from the real metadata.xsd. */
function schemaSequence(typeName: string): string[] {
  const start = METADATA_XSD.indexOf(`<xsd:complexType name="${typeName}">`);
  expect(start, `complexType ${typeName} in metadata.xsd`).to.be.greaterThan(-1);
  const block = METADATA_XSD.slice(start, METADATA_XSD.indexOf('</xsd:complexType>', start));
  return [...block.matchAll(/<xsd:element name="([A-Za-z]+)"/g)].map((match) => match[1]);
}

/** Child element names of the first `<tag>` block in a generated document (or of the root for PermissionSet). */
function childOrder(xml: string, tag: string): string[] {
  const start = xml.indexOf(`<${tag}`);
  const end = xml.indexOf(`</${tag}>`, start);
  const block = xml.slice(xml.indexOf('>', start) + 1, end);
  const depth = tag === 'PermissionSet' ? '    ' : '        ';
  const children = [...block.matchAll(new RegExp(`^${depth}<([A-Za-z]+)>`, 'gm'))].map((match) => match[1]);
  return children.filter((name, index) => index === 0 || children[index - 1] !== name);
}

function isSubsequence(items: string[], order: string[]): boolean {
  let position = 0;
  for (const item of items) {
    position = order.indexOf(item, position);
    if (position === -1) return false;
    position += 1;
  }
  return true;
}

const crankwheelLike = requirements({
  systemPermissions: [
    names('systemPermissions[0]', 'ApiEnabled'),
    names('systemPermissions[1]', 'CanApproveUninstalledApps', 'UseAnyApiClient'),
    names('systemPermissions[2]', 'CustomizeApplication'),
  ],
  objects: [
    objectRequirement('Contact', { access: ['read'], read: ['Name', 'Email', 'Phone', 'MobilePhone', 'HomePhone'] }),
    objectRequirement('Account', { access: ['read'], visibility: 'all', read: ['PersonEmail?', 'Industry'] }),
    objectRequirement('Event', { access: ['create', 'edit'], read: ['Subject', 'Description', 'WhoId', 'WhatId', 'Location'] }),
    objectRequirement('Lead', { access: ['read'], read: ['Email'] }),
    objectRequirement('Opportunity', { access: ['modifyAll', 'viewAllFields'], edit: ['Amount', 'ExpectedRevenue'] }),
  ],
});

function generatedPlans(): Record<string, PermissionSetPlan> {
  const integrationUser = user({ username: 'api@acme.example', userLicense: 'Salesforce Integration' });
  return {
    crankwheel: planPermissionSet(crankwheelLike, snapshot(), {}),
    integrationLicence: planPermissionSet(crankwheelLike, snapshot({ users: [integrationUser] }), { name: 'Api_Only_Sync', label: 'API-only sync' }),
    empty: planPermissionSet(requirements({ name: 'nothing', label: 'Nothing' }), snapshot(), {}),
    awkwardText: planPermissionSet(
      requirements({ label: 'R&D <Sync> "Quotes" \'Apos\' \u0007 ]]> Zoë 🚀', systemPermissions: [names('systemPermissions[0]', 'ApiEnabled')] }),
      snapshot(),
      {}
    ),
  };
}

describe('permission set schema validation (xmllint-wasm + real Metadata API v66 schema)', () => {
  it('accepts the valid and real fixture files and rejects each invalid one', async () => {
    const good = [...samples('valid'), ...samples('real')];
    const bad = samples('invalid');
    expect(good.length).to.be.at.least(5);
    expect(bad.length).to.equal(3);
    const verdicts = await validatePermissionSetFiles([...good, ...bad]);
    good.forEach((file, index) => expect(verdicts[index], file.fileName).to.deep.equal({ valid: true, errors: [] }));
    bad.forEach((file, index) => {
      const verdict = verdicts[good.length + index];
      expect(verdict.valid, file.fileName).to.equal(false);
      expect(verdict.errors.join('\n'), file.fileName).to.match(/Schemas validity error/);
    });
  });

  it('rejects a document that is not well-formed', async () => {
    const verdict = await validatePermissionSetXml('<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata"><label>x</PermissionSet>');
    expect(verdict.valid).to.equal(false);
  });
});

describe('permissionSetXml', () => {
  const plans = generatedPlans();
  // A hand-edited plan may carry characters XML 1.0 cannot hold at all: the writer drops them.
  plans.controlCharacters = { ...plans.empty, description: `bell\u0007 nul\u0000 noncharacter\uFFFE lone\uD800 surrogate ${PLAN_MARKER}` };
  const documents = Object.fromEntries(Object.entries(plans).map(([key, plan]) => [key, permissionSetXml(plan)]));

  it('writes files that validate against the Metadata API schema', async () => {
    const files = Object.entries(documents).map(([key, contents]) => ({ fileName: `${key}.permissionset-meta.xml`, contents }));
    const verdicts = await validatePermissionSetFiles(files);
    verdicts.forEach((verdict, index) => expect(verdict, files[index].fileName).to.deep.equal({ valid: true, errors: [] }));
  });

  it('the generated files carry what the plans say (license, View All Fields, awkward text)', () => {
    expect(documents.integrationLicence).to.contain('    <license>SalesforceAPIIntegrationPsl</license>\n');
    expect(documents.crankwheel).to.contain('<viewAllFields>true</viewAllFields>');
    expect(documents.crankwheel).to.not.contain('<license>');
    expect(documents.awkwardText).to.contain('<label>R&amp;D &lt;Sync&gt; &quot;Quotes&quot; &apos;Apos&apos; ]]&gt; Zoë 🚀 Integration</label>');
    expect(documents.empty).to.not.contain('<userPermissions>');
    expect(documents.controlCharacters).to.contain(`<description>bell nul noncharacter lone surrogate ${PLAN_MARKER}</description>`);
  });

  it('matches the style of the hand-written fixture byte for byte (apart from the explicit viewAllFields)', () => {
    const golden = readFileSync(join(SAMPLES, 'valid', 'Integration_User_Access.permissionset-meta.xml'), 'utf8');
    const reasons = [{ path: 'x', kind: 'required' as const }];
    const flags = { delete: false, viewAll: false, modifyAll: false, viewAllFields: false, reasons };
    const plan: PermissionSetPlan = {
      name: 'Integration_User_Access',
      label: 'Integration User Access',
      description: 'Hand-written fixture: what an API-only integration user needs (elements in schema order).',
      userPermissions: [
        { name: 'ViewSetup', reason: reasons[0] },
        { name: 'ApiEnabled', reason: reasons[0] },
      ],
      objectPermissions: [
        { object: 'Contact', read: true, create: false, edit: false, ...flags },
        { object: 'Account', read: true, create: true, edit: true, ...flags },
      ],
      fieldPermissions: [
        { field: 'Contact.Email', readable: true, editable: false, reasons },
        { field: 'Account.Industry', readable: true, editable: true, reasons },
      ],
      manualSteps: [],
      omitted: [],
      licenseAssignments: [],
    };
    const generated = permissionSetXml(plan);
    expect(generated.split('\n').filter((line) => line !== '        <viewAllFields>false</viewAllFields>').join('\n')).to.equal(golden);
  });

  it('puts elements in the order of the schema sequences', () => {
    const xml = documents.integrationLicence;
    const cases: Array<[string, string]> = [
      ['PermissionSet', 'PermissionSet'],
      ['fieldPermissions', 'PermissionSetFieldPermissions'],
      ['objectPermissions', 'PermissionSetObjectPermissions'],
      ['userPermissions', 'PermissionSetUserPermission'],
    ];
    for (const [tag, type] of cases) {
      const order = childOrder(xml, tag);
      expect(order.length, tag).to.be.greaterThan(1);
      expect(isSubsequence(order, schemaSequence(type)), `${tag}: ${order.join(',')}`).to.equal(true);
    }
    expect(childOrder(xml, 'PermissionSet')).to.deep.equal([
      'description',
      'fieldPermissions',
      'hasActivationRequired',
      'label',
      'license',
      'objectPermissions',
      'userPermissions',
    ]);
  });

  it('writes the XML declaration, 4-space indentation and a trailing newline', () => {
    const xml = documents.crankwheel;
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n    <description>')).to.equal(
      true
    );
    expect(xml.endsWith('</PermissionSet>\n')).to.equal(true);
    expect(xml).to.contain('\n    <fieldPermissions>\n        <editable>');
  });

  it('is byte-identical across runs and whatever the order of the plan lists', () => {
    const plan = plans.crankwheel;
    expect(permissionSetXml(planPermissionSet(crankwheelLike, snapshot(), {}))).to.equal(documents.crankwheel);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(plan.userPermissions, { minLength: plan.userPermissions.length }),
        fc.shuffledSubarray(plan.objectPermissions, { minLength: plan.objectPermissions.length }),
        fc.shuffledSubarray(plan.fieldPermissions, { minLength: plan.fieldPermissions.length }),
        (userPermissions, objectPermissions, fieldPermissions) => {
          expect(permissionSetXml({ ...plan, userPermissions, objectPermissions, fieldPermissions })).to.equal(documents.crankwheel);
        }
      ),
      { numRuns: 50 }
    );
  });

  it('names the file NAME.permissionset-meta.xml', () => {
    expect(permissionSetFileName(plans.crankwheel.name)).to.equal('CrankWheel_Integration.permissionset-meta.xml');
  });
});

describe('parsePermissionSetXml', () => {
  it('reads a generated set back: ours, with its manifest name and grants', () => {
    const plan = generatedPlans().integrationLicence;
    const parsed = parsePermissionSetXml(permissionSetXml(plan));
    expect(parsed.generatedByThisTool).to.equal(true);
    expect(parsed.manifestName).to.equal('crankwheel');
    expect(parsed.description).to.contain(PLAN_MARKER);
    expect(parsed.label).to.equal('API-only sync');
    expect(parsed.license).to.equal('SalesforceAPIIntegrationPsl');
    expect(parsed.userPermissions).to.deep.equal(plan.userPermissions.map((entry) => ({ name: entry.name, enabled: true })));
    expect(parsed.fieldPermissions).to.deep.equal(plan.fieldPermissions.map(({ field, readable, editable }) => ({ field, readable, editable })));
    expect(parsed.objectPermissions).to.deep.equal(
      plan.objectPermissions.map((entry) => ({
        object: entry.object,
        allowRead: entry.read,
        allowCreate: entry.create,
        allowEdit: entry.edit,
        allowDelete: entry.delete,
        viewAllRecords: entry.viewAll,
        modifyAllRecords: entry.modifyAll,
        viewAllFields: entry.viewAllFields,
      }))
    );
  });

  it('round-trips awkward label text (control characters are dropped by the planner)', () => {
    const parsed = parsePermissionSetXml(permissionSetXml(generatedPlans().awkwardText));
    expect(parsed.label).to.equal('R&D <Sync> "Quotes" \'Apos\' ]]> Zoë 🚀 Integration');
  });

  it('reads real permission sets that are not ours', () => {
    for (const file of [...samples('real'), ...samples('valid')]) {
      const parsed = parsePermissionSetXml(file.contents);
      expect(parsed.generatedByThisTool, file.fileName).to.equal(false);
      expect(parsed.manifestName).to.equal(undefined);
      expect(parsed.objectPermissions.length, file.fileName).to.equal(file.contents.split('<objectPermissions>').length - 1);
      expect(parsed.fieldPermissions.length, file.fileName).to.equal(file.contents.split('<fieldPermissions>').length - 1);
      expect(parsed.userPermissions.length, file.fileName).to.equal(file.contents.split('<userPermissions>').length - 1);
    }
    const golden = parsePermissionSetXml(readFileSync(join(SAMPLES, 'valid', 'Integration_User_Access.permissionset-meta.xml'), 'utf8'));
    expect(golden.userPermissions).to.deep.equal([
      { name: 'ApiEnabled', enabled: true },
      { name: 'ViewSetup', enabled: true },
    ]);
    expect(golden.hasActivationRequired).to.equal(false);
  });

  it('refuses malformed XML, a DOCTYPE, and other metadata types', () => {
    expect(() => parsePermissionSetXml('<PermissionSet><label>x</PermissionSet>')).to.throw(/Not well-formed XML/);
    expect(() => parsePermissionSetXml('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><PermissionSet/>')).to.throw(/DOCTYPE/);
    const connectedApp = readFileSync(join(SAMPLES, 'other', 'Integration_App.connectedApp-meta.xml'), 'utf8');
    expect(() => parsePermissionSetXml(connectedApp)).to.throw(/root element is not PermissionSet/);
  });
});
