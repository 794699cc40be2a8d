/*
 * The built-in presets (presets/*.yaml), checked two ways:
 *  1. independently of the plugin's loader: each file is parsed with the `yaml` package, validated
 *     against the published JSON Schema, and every name in it is checked against the real
 *     Salesforce reference data (user-permissions.txt, user-permission-labels.tsv, the describes);
 *  2. through the loader (src/requirements/index.ts): every preset loads, and what the loader
 *     normalised agrees with the independent reading.
 * Plus assertions that tie each preset back to the vendor document it was written from
 * (excerpts with their source URLs in test/fixtures/seed-excerpts/; see test/unit/presetQuotes.test.ts).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { parseDocument } from 'yaml';
import { Ajv } from 'ajv';
import { OBJECT_ACCESS } from '../../src/requirements/types.js';
import type { Manifest, NameItem, RequirementBody } from '../../src/requirements/types.js';
import { applyFeatures, listPresets, loadPreset } from '../../src/requirements/index.js';
import { SALESFORCE_FIXTURES } from '../sharedFixtures.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const presetsDir = path.join(repoRoot, 'presets');
const schemaPath = path.join(repoRoot, 'schemas', 'requirements-manifest.schema.json');

/** The Salesforce reference data vendored in test/fixtures/salesforce (provenance in its README.md). */
const permissionsDir = SALESFORCE_FIXTURES;
const describeDir = path.join(SALESFORCE_FIXTURES, 'describe');

const EXPECTED_PRESETS = [
  'accord',
  'ampersand-connected-app',
  'ampersand-external-client-app',
  'ciro',
  'ciro-quick',
  'crankwheel',
  'ticketing-api',
];

// ---------------------------------------------------------------------------------------------
// Raw manifest shape (what the YAML says, before the loader normalises it)
// ---------------------------------------------------------------------------------------------
type RawName = string | { anyOf: string[] };
type RawObject = { access?: string[]; visibility?: string; fields?: { read?: string[]; edit?: string[] } };
type RawUser = {
  licenses?: RawName[];
  permissionSetLicenses?: RawName[];
  permissionSets?: RawName[];
  forbiddenPermissions?: RawName[];
};
type RawOAuth = {
  app?: string;
  scopes?: RawName[];
  refreshTokenPolicy?: string;
  ipRelaxation?: string;
  permittedUsers?: string;
};
type RawBody = {
  user?: RawUser;
  oauth?: RawOAuth;
  systemPermissions?: RawName[];
  objects?: Record<string, RawObject>;
};
type RawManifest = RawBody & {
  name: string;
  label: string;
  source?: string;
  description?: string;
  features?: Record<string, RawBody & { description?: string }>;
};
type RawPreset = { file: string; text: string; manifest: RawManifest };

// ---------------------------------------------------------------------------------------------
// Reference data
// ---------------------------------------------------------------------------------------------
const readLines = (file: string): string[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.length > 0);

const permissionApiNames = new Set(readLines(path.join(permissionsDir, 'user-permissions.txt')));

/** Setup label → API names (labels are not unique in general). */
const permissionsByLabel = new Map<string, string[]>();
for (const line of readLines(path.join(permissionsDir, 'user-permission-labels.tsv')).slice(1)) {
  const [name, label] = line.split('\t');
  permissionsByLabel.set(label, [...(permissionsByLabel.get(label) ?? []), name]);
}
// Salesforce Help's name for UseAnyApiClient; no data file pairs them (see the fixtures README).
permissionsByLabel.set('Use Any API Client', ['UseAnyApiClient']);

/** A permission named by API name, `Permissions` + API name, or an unambiguous Setup label. */
function resolvePermission(name: string): string | undefined {
  if (permissionApiNames.has(name)) return name;
  if (name.startsWith('Permissions') && permissionApiNames.has(name.slice('Permissions'.length))) {
    return name.slice('Permissions'.length);
  }
  const byLabel = permissionsByLabel.get(name);
  return byLabel?.length === 1 ? byLabel[0] : undefined;
}

type DescribedField = { createable: boolean | null; updateable: boolean | null; permissionable: boolean | null };
type DescribeField = { name: string } & DescribedField;

/** object → field → facts, from fields.tsv (six real describes) and the Task/User describes. */
const describedFields = new Map<string, Map<string, DescribedField>>();
const tsv = readLines(path.join(describeDir, 'fields.tsv'));
const header = tsv[0].split('\t');
const col = (column: string): number => header.indexOf(column);
for (const line of tsv.slice(1)) {
  const cells = line.split('\t');
  const object = cells[col('sobject')];
  const fields = describedFields.get(object) ?? new Map<string, DescribedField>();
  fields.set(cells[col('name')], {
    createable: cells[col('createable')] === 'true',
    updateable: cells[col('updateable')] === 'true',
    permissionable: cells[col('permissionable')] === 'true',
  });
  describedFields.set(object, fields);
}
for (const object of ['Task', 'User']) {
  const describe = JSON.parse(readFileSync(path.join(describeDir, `${object}.json`), 'utf8')) as {
    fields: DescribeField[];
  };
  describedFields.set(object, new Map(describe.fields.map((field) => [field.name, field])));
}

/**
 * Standard objects a preset may name that have no describe in the fixtures; a preset may not list
 * fields on them (nothing to check them against).
 */
const OBJECTS_WITHOUT_DESCRIBE = new Set(['Document', 'Image', 'Incident']);
/** Objects with no object permissions (salesforce-reference.md): at most `access: [read]`. */
const OBJECTS_WITHOUT_OBJECT_PERMISSIONS = new Set(['Task', 'Event', 'User']);

/** OAuth scope values listed in salesforce-reference.md ("Scopes: ..."). */
const KNOWN_SCOPES = new Set([
  'api',
  'refresh_token',
  'offline_access',
  'web',
  'id',
  'profile',
  'email',
  'address',
  'phone',
  'openid',
  'full',
  'chatter_api',
  'custom_permissions',
  'visualforce',
  'content',
  'lightning',
  'sfap_api',
  'pardot_api',
  'eclair_api',
  'wave_api',
  'chatbot_api',
]);
const isKnownScope = (scope: string): boolean => KNOWN_SCOPES.has(scope) || scope.startsWith('cdp_');

// ---------------------------------------------------------------------------------------------
// Presets as files
// ---------------------------------------------------------------------------------------------
const presetFiles = existsSync(presetsDir)
  ? readdirSync(presetsDir)
      .filter((file) => file.endsWith('.yaml'))
      .sort()
  : [];

function readPreset(file: string): RawPreset {
  const text = readFileSync(path.join(presetsDir, file), 'utf8');
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (document.errors.length > 0) throw new Error(`${file}: ${document.errors.map((e) => e.message).join('; ')}`);
  return { file, text, manifest: document.toJS() as RawManifest };
}

const presets = new Map<string, RawPreset>(
  presetFiles.map((file) => [file.replace(/\.yaml$/, ''), readPreset(file)] as const)
);
const preset = (name: string): RawManifest => {
  const found = presets.get(name);
  if (!found) throw new Error(`preset ${name} not found in ${presetsDir}`);
  return found.manifest;
};

/** The base body and every feature's body, labelled for messages. */
function bodies(manifest: RawManifest): Array<{ where: string; body: RawBody }> {
  return [
    { where: 'base', body: manifest },
    ...Object.entries(manifest.features ?? {}).map(([name, body]) => ({ where: `features.${name}`, body })),
  ];
}

const alternatives = (item: RawName): string[] => (typeof item === 'string' ? [item] : item.anyOf);

/** System permission items resolved to API names: one sorted array per item. */
const resolvedItems = (items: RawName[] | undefined): string[][] =>
  (items ?? []).map((item) => alternatives(item).map((name) => resolvePermission(name) ?? `UNRESOLVED:${name}`).sort());

/** API names required on their own (not as one of alternatives). */
const requiredAlone = (items: RawName[] | undefined): string[] =>
  resolvedItems(items)
    .filter((names) => names.length === 1)
    .map((names) => names[0]);

const anyOfGroups = (items: RawName[] | undefined): string[][] =>
  resolvedItems(items).filter((names) => names.length > 1);

const scopeNames = (manifest: RawBody): string[] => (manifest.oauth?.scopes ?? []).flatMap(alternatives);

const stripOptional = (field: string): { name: string; optional: boolean } =>
  field.endsWith('?') ? { name: field.slice(0, -1), optional: true } : { name: field, optional: false };

/** True when the YAML line naming `"token"` carries a comment or follows a comment line. */
function hasCommentNear(text: string, token: string): boolean {
  const lines = text.split('\n');
  const quoted = new RegExp(`["']${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`);
  const indexes = lines.flatMap((line, index) => (quoted.test(line) ? [index] : []));
  return (
    indexes.length > 0 &&
    indexes.every((index) => lines[index].includes('#') || (index > 0 && lines[index - 1].trim().startsWith('#')))
  );
}

// ---------------------------------------------------------------------------------------------
describe('built-in presets: the files', () => {
  it('are exactly the seven presets the design names', () => {
    expect([...presets.keys()].sort()).to.deep.equal(EXPECTED_PRESETS);
  });

  it('ship a README that maps each preset to its seed document', () => {
    const readme = readFileSync(path.join(presetsDir, 'README.md'), 'utf8');
    for (const name of EXPECTED_PRESETS) expect(readme, name).to.include(`\`${name}\``);
    for (const seed of ['000', '001', '002', '003', '004']) expect(readme, `seed ${seed}`).to.include(seed);
  });

  for (const name of EXPECTED_PRESETS) {
    describe(name, () => {
      it('is valid YAML without duplicate keys, and its name matches the file name', () => {
        const { manifest } = presets.get(name) ?? readPreset(`${name}.yaml`);
        expect(manifest.name).to.equal(name);
        expect(manifest.label).to.be.a('string').and.not.equal('');
        expect(manifest.source, 'source').to.be.a('string').and.not.equal('');
        expect(manifest.description, 'description').to.be.a('string').and.not.equal('');
      });

      it('points editors at the published schema and validates against it', () => {
        const { text, manifest } = presets.get(name) ?? readPreset(`${name}.yaml`);
        expect(text.split('\n')[0]).to.equal(
          '# yaml-language-server: $schema=../schemas/requirements-manifest.schema.json'
        );
        const ajv = new Ajv({ allErrors: true, strict: false });
        const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as object);
        const valid = validate(manifest);
        expect(valid, JSON.stringify(validate.errors, undefined, 2)).to.equal(true);
      });

      it('names only system permissions that exist (API names or unambiguous Setup labels)', () => {
        for (const { where, body } of bodies(preset(name))) {
          const items = [...(body.systemPermissions ?? []), ...(body.user?.forbiddenPermissions ?? [])];
          for (const item of items) {
            for (const permission of alternatives(item)) {
              expect(resolvePermission(permission), `${where}: "${permission}"`).to.be.a('string');
            }
          }
          for (const group of anyOfGroups(body.systemPermissions)) {
            expect(new Set(group).size, `${where}: anyOf with a repeated permission`).to.equal(group.length);
          }
        }
      });

      it('asks for no permission twice in the same place', () => {
        for (const { where, body } of bodies(preset(name))) {
          const alone = requiredAlone(body.systemPermissions);
          expect(new Set(alone).size, `${where}: ${alone.join(', ')}`).to.equal(alone.length);
        }
      });

      it('uses known OAuth scopes and policy values', () => {
        for (const { where, body } of bodies(preset(name))) {
          for (const scope of scopeNames(body)) expect(isKnownScope(scope), `${where}: scope ${scope}`).to.equal(true);
        }
      });

      it('uses only the object access verbs of the manifest format', () => {
        for (const { where, body } of bodies(preset(name))) {
          for (const [object, requirement] of Object.entries(body.objects ?? {})) {
            for (const access of requirement.access ?? []) {
              expect(OBJECT_ACCESS as readonly string[], `${where}.objects.${object}`).to.include(access);
            }
          }
        }
      });

      it('names only objects and fields that exist in the describes, or marks them optional with a comment', () => {
        const { text, manifest } = presets.get(name) ?? readPreset(`${name}.yaml`);
        for (const { where, body } of bodies(manifest)) {
          for (const [object, requirement] of Object.entries(body.objects ?? {})) {
            const described = describedFields.get(object);
            const listed = [...(requirement.fields?.read ?? []), ...(requirement.fields?.edit ?? [])];
            if (!described) {
              expect(OBJECTS_WITHOUT_DESCRIBE.has(object), `${where}: unknown object ${object}`).to.equal(true);
              expect(listed, `${where}.${object}: fields on an object without a describe`).to.deep.equal([]);
              continue;
            }
            for (const field of listed) {
              const { name: fieldName, optional } = stripOptional(field);
              if (!described.has(fieldName)) {
                expect(optional, `${where}: ${object}.${fieldName} is not in the describe, so it must be "${fieldName}?"`).to.equal(
                  true
                );
              }
              if (optional) {
                expect(hasCommentNear(text, field), `${where}: "${field}" on ${object} needs a comment saying why`).to.equal(
                  true
                );
              }
            }
          }
        }
      });

      it('asks for edit only on fields Salesforce lets a user write', () => {
        for (const { where, body } of bodies(preset(name))) {
          for (const [object, requirement] of Object.entries(body.objects ?? {})) {
            const described = describedFields.get(object);
            for (const field of requirement.fields?.edit ?? []) {
              const facts = described?.get(stripOptional(field).name);
              if (!facts) continue; // optional and absent: covered above
              expect(facts.createable === true || facts.updateable === true, `${where}: ${object}.${field}`).to.equal(
                true
              );
            }
          }
        }
      });

      it('asks no object permission on Task, Event or User beyond read', () => {
        for (const { where, body } of bodies(preset(name))) {
          for (const object of OBJECTS_WITHOUT_OBJECT_PERMISSIONS) {
            const access = body.objects?.[object]?.access ?? [];
            expect(
              access.filter((verb) => verb !== 'read'),
              `${where}.objects.${object}`
            ).to.deep.equal([]);
          }
        }
      });

      it('describes every feature', () => {
        for (const [feature, body] of Object.entries(preset(name).features ?? {})) {
          expect(body.description, `features.${feature}.description`).to.be.a('string').and.not.equal('');
        }
      });
    });
  }
});

// ---------------------------------------------------------------------------------------------
describe('built-in presets: what each vendor document says', () => {
  const objectAccess = (manifest: RawBody, object: string): string[] => manifest.objects?.[object]?.access ?? [];
  const fields = (manifest: RawBody, object: string, access: 'read' | 'edit'): string[] =>
    manifest.objects?.[object]?.fields?.[access] ?? [];
  const allFields = (manifest: RawBody, object: string): string[] => [
    ...fields(manifest, object, 'read'),
    ...fields(manifest, object, 'edit'),
  ];

  describe('accord (seed 000)', () => {
    it('requests the scopes id, profile, email, address, phone, api, web and refresh_token', () => {
      expect([...scopeNames(preset('accord'))].sort()).to.deep.equal(
        ['address', 'api', 'email', 'id', 'phone', 'profile', 'refresh_token', 'web'].sort()
      );
    });

    it('needs API Enabled for the api scope, and asks for no administrator permission', () => {
      const required = requiredAlone(preset('accord').systemPermissions);
      expect(required).to.deep.equal(['ApiEnabled']);
    });
  });

  describe('ticketing-api (seed 001, granular set)', () => {
    const manifest = (): RawManifest => preset('ticketing-api');

    it('asks for Customize Application AND either Modify All Data OR Manage Connected Apps', () => {
      expect(requiredAlone(manifest().systemPermissions)).to.include('CustomizeApplication');
      expect(anyOfGroups(manifest().systemPermissions)).to.deep.include(['ManageRemoteAccess', 'ModifyAllData']);
      expect(requiredAlone(manifest().systemPermissions)).to.not.include('ModifyAllData');
    });

    it('asks for Edit Case Comments and full access to Cases', () => {
      expect(requiredAlone(manifest().systemPermissions)).to.include('EditCaseComments');
      expect(objectAccess(manifest(), 'Case')).to.include.members(['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll']);
    });

    it('reads "Write" as Create on Contacts, and gives Accounts Read and View All only', () => {
      expect(objectAccess(manifest(), 'Contact')).to.have.members(['read', 'create', 'edit', 'viewAll']);
      expect(objectAccess(manifest(), 'Account')).to.have.members(['read', 'viewAll']);
    });

    it('keeps Incident, an object not every org has, in a feature', () => {
      expect(manifest().objects).to.not.have.property('Incident');
      expect(objectAccess(manifest().features?.incidents ?? {}, 'Incident')).to.include('modifyAll');
    });
  });

  describe('crankwheel (seed 002)', () => {
    const manifest = (): RawManifest => preset('crankwheel');

    // The vendor page names only Approve Uninstalled Connected Apps; since the week of 8 December 2025 Use Any
    // API Client no longer lets a user authorize an uninstalled connected app (Salesforce Help 005228838).
    it('requires API Enabled, Edit Events and Approve Uninstalled Connected Apps alone, never Use Any API Client', () => {
      expect(requiredAlone(manifest().systemPermissions)).to.include.members(['ApiEnabled', 'EditEvent', 'CanApproveUninstalledApps']);
      expect(anyOfGroups(manifest().systemPermissions)).to.deep.equal([]);
      expect(JSON.stringify(manifest().systemPermissions)).to.not.include('Use Any API Client');
    });

    it('requests only the two scopes api and refresh_token', () => {
      expect(scopeNames(manifest()).sort()).to.deep.equal(['api', 'refresh_token']);
    });

    it('asks only read on records: Edit Events "is the only write access the integration needs"', () => {
      for (const object of ['Contact', 'Lead', 'Account', 'Opportunity', 'User', 'Event']) {
        expect(objectAccess(manifest(), object), object).to.deep.equal(['read']);
      }
    });

    it('lists the Event fields of the document', () => {
      expect(fields(manifest(), 'Event', 'read')).to.have.members([
        'Subject',
        'Description',
        'StartDateTime',
        'EndDateTime',
        'OwnerId',
        'Location',
        'WhoId',
        'WhatId',
      ]);
    });

    it('marks Lead.HomePhone and the Person Account fields optional', () => {
      expect(allFields(manifest(), 'Lead')).to.include('HomePhone?');
      expect(allFields(manifest(), 'Contact')).to.include('HomePhone');
      expect(allFields(manifest(), 'Account')).to.have.members([
        'PersonEmail?',
        'PersonMobilePhone?',
        'PersonHomePhone?',
        'PersonOtherPhone?',
      ]);
    });

    it('does not ask to see every record (sharing scope is enough)', () => {
      for (const [object, requirement] of Object.entries(manifest().objects ?? {})) {
        expect(requirement.visibility, object).to.equal(undefined);
      }
    });
  });

  describe('ciro (seed 003, "Option 2: Granular Permissions")', () => {
    const manifest = (): RawManifest => preset('ciro');

    it('asks for API Enabled, Run Reports, Transfer Leads and Transfer Records, without View/Modify All Data', () => {
      const required = requiredAlone(manifest().systemPermissions);
      expect(required).to.include.members(['ApiEnabled', 'RunReports', 'TransferAnyLead', 'TransferAnyEntity']);
      expect(required).to.not.include.members(['ModifyAllData']);
      expect(required).to.not.include('ViewAllData');
      expect(anyOfGroups(manifest().systemPermissions)).to.deep.include(['CanApproveUninstalledApps', 'UseAnyApiClient']);
    });

    it('creates and updates Accounts, Contacts and Leads, and sees all of them', () => {
      for (const object of ['Account', 'Contact', 'Lead']) {
        expect(objectAccess(manifest(), object), object).to.have.members(['read', 'create', 'edit']);
        expect(manifest().objects?.[object]?.visibility, object).to.equal('all');
      }
    });

    it('keeps View All / Modify All ("Consider using ...") in a feature', () => {
      const feature = manifest().features?.['view-all-modify-all'] ?? {};
      for (const object of ['Account', 'Contact', 'Lead']) {
        expect(objectAccess(feature, object), object).to.include.members(['viewAll', 'modifyAll']);
      }
    });

    it('marks Task.Type and Lead.MobilePhone optional', () => {
      expect(allFields(manifest(), 'Task')).to.include('Type?');
      expect(allFields(manifest(), 'Lead')).to.include('MobilePhone?');
    });

    it('maps "Owner" to OwnerId and lists the standard Account fields for edit', () => {
      expect(fields(manifest(), 'Account', 'edit')).to.include.members(['Name', 'Website', 'OwnerId', 'AnnualRevenue']);
      expect(allFields(manifest(), 'Account')).to.not.include('Owner');
    });
  });

  describe('ciro-quick (seed 003, "Quick Setup Guide")', () => {
    it('asks exactly for API Enabled, View All Data, Modify All Data and Run Reports', () => {
      expect(requiredAlone(preset('ciro-quick').systemPermissions).sort()).to.deep.equal(
        ['ApiEnabled', 'ModifyAllData', 'RunReports', 'ViewAllData'].sort()
      );
      expect(anyOfGroups(preset('ciro-quick').systemPermissions)).to.deep.equal([]);
    });

    it('keeps the field-level security of the granular set (Modify All Data grants no fields)', () => {
      for (const object of ['Account', 'Contact', 'Lead', 'Task', 'User']) {
        expect(allFields(preset('ciro-quick'), object).sort(), object).to.deep.equal(
          allFields(preset('ciro'), object).sort()
        );
      }
    });
  });

  describe('ampersand (seed 004)', () => {
    const connectedApp = (): RawManifest => preset('ampersand-connected-app');
    const eca = (): RawManifest => preset('ampersand-external-client-app');

    it('External Client App: all users may self-authorize, relaxed IP, refresh token valid until revoked', () => {
      expect(eca().oauth).to.include({ permittedUsers: 'any', ipRelaxation: 'relaxed', refreshTokenPolicy: 'infinite' });
    });

    it('Connected App: relaxed IP and refresh token valid until revoked; either permitted-users value is fine', () => {
      expect(connectedApp().oauth).to.include({ ipRelaxation: 'relaxed', refreshTokenPolicy: 'infinite' });
      expect(connectedApp().oauth?.permittedUsers).to.equal(undefined);
    });

    it('Connected App needs API Enabled and Use Any API Client or Approve Uninstalled Connected Apps', () => {
      expect(requiredAlone(connectedApp().systemPermissions)).to.deep.equal(['ApiEnabled']);
      expect(anyOfGroups(connectedApp().systemPermissions)).to.deep.equal([['CanApproveUninstalledApps', 'UseAnyApiClient']]);
    });

    it('External Client App needs API Enabled only', () => {
      expect(resolvedItems(eca().systemPermissions)).to.deep.equal([['ApiEnabled']]);
    });

    it('accepts the Salesforce or Salesforce Integration licence, not Salesforce Platform', () => {
      for (const manifest of [connectedApp(), eca()]) {
        const licenses = (manifest.user?.licenses ?? []).flatMap(alternatives);
        expect(licenses).to.have.members(['Salesforce', 'Salesforce Integration']);
        expect(licenses).to.not.include('Salesforce Platform');
      }
    });

    it('puts the Subscribe Action permissions in the feature subscribe-actions, not in the base', () => {
      for (const manifest of [connectedApp(), eca()]) {
        const feature = requiredAlone(manifest.features?.['subscribe-actions']?.systemPermissions);
        expect(feature).to.include.members(['ModifyMetadata', 'CustomizeApplication', 'ViewSetup', 'ViewRoles', 'ManageCustomPermissions']);
        expect(requiredAlone(manifest.systemPermissions)).to.not.include.members(['ModifyMetadata']);
        expect(requiredAlone(manifest.systemPermissions)).to.not.include('CustomizeApplication');
      }
    });

    it('asks a Salesforce Integration user for the Salesforce API Integration permission set licence', () => {
      for (const manifest of [connectedApp(), eca()]) {
        expect(manifest.features?.['integration-user']?.user?.permissionSetLicenses).to.deep.equal([
          'SalesforceAPIIntegrationPsl',
        ]);
      }
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Through the plugin's loader
// ---------------------------------------------------------------------------------------------
const sortedNames = (items: NameItem[]): string[][] =>
  items.map((item) => [...item.names].sort()).sort((a, b) => a.join().localeCompare(b.join()));

function expectedBody(raw: RawBody): { systemPermissions: string[][]; fields: string[] } {
  // One requirement per field: edit implies read, so a field under both is one edit requirement,
  // optional only if every mention of it is optional.
  const fieldKeys: string[] = [];
  for (const [object, requirement] of Object.entries(raw.objects ?? {})) {
    const byField = new Map<string, { access: 'read' | 'edit'; optional: boolean }>();
    for (const access of ['read', 'edit'] as const) {
      for (const entry of requirement.fields?.[access] ?? []) {
        const { name, optional } = stripOptional(entry);
        const known = byField.get(name);
        byField.set(name, {
          access: known?.access === 'edit' ? 'edit' : access,
          optional: known ? known.optional && optional : optional,
        });
      }
    }
    for (const [name, { access, optional }] of byField) {
      fieldKeys.push(`${object}.${name}:${access}${optional ? ':optional' : ''}`);
    }
  }
  return {
    systemPermissions: resolvedItems(raw.systemPermissions).sort((a, b) => a.join().localeCompare(b.join())),
    fields: fieldKeys.sort(),
  };
}

function loadedBody(body: RequirementBody): { systemPermissions: string[][]; fields: string[] } {
  return {
    systemPermissions: sortedNames(body.systemPermissions),
    fields: body.objects
      .flatMap((object) =>
        object.fields.map((field) => `${field.object}.${field.field}:${field.access}${field.optional ? ':optional' : ''}`)
      )
      .sort(),
  };
}

describe('built-in presets: through the loader', () => {
  it('lists every preset', async () => {
    const listed = await listPresets();
    expect(listed.map((summary) => summary.name).sort()).to.deep.equal(EXPECTED_PRESETS);
    for (const summary of listed) {
      expect(summary.label, summary.name).to.equal(preset(summary.name).label);
      expect(summary.features, summary.name).to.have.members(Object.keys(preset(summary.name).features ?? {}));
    }
  });

  for (const name of EXPECTED_PRESETS) {
    describe(name, () => {
      let manifest: Manifest;
      before(async () => {
        manifest = await loadPreset(name);
      });

      it('loads and validates', () => {
        expect(manifest.name).to.equal(name);
        expect(manifest.label).to.equal(preset(name).label);
        expect(Object.keys(manifest.features).sort()).to.deep.equal(Object.keys(preset(name).features ?? {}).sort());
      });

      it('normalises the same system permissions and fields as the reference data says', () => {
        const raw = preset(name);
        expect(loadedBody(manifest)).to.deep.equal(expectedBody(raw));
        for (const [feature, definition] of Object.entries(manifest.features)) {
          expect(loadedBody(definition.body), `feature ${feature}`).to.deep.equal(
            expectedBody(raw.features?.[feature] ?? {})
          );
        }
      });

      it('merges every feature with applyFeatures(manifest, "all")', () => {
        const requirements = applyFeatures(manifest, 'all');
        const raw = preset(name);
        expect([...requirements.features].sort()).to.deep.equal(Object.keys(raw.features ?? {}).sort());
        const base = resolvedItems(raw.systemPermissions).length;
        const fromFeatures = Object.values(raw.features ?? {}).reduce(
          (sum, feature) => sum + resolvedItems(feature.systemPermissions).length,
          0
        );
        // at least the base items and one item per distinct feature permission survive the merge
        expect(requirements.systemPermissions.length).to.be.at.least(base);
        expect(requirements.systemPermissions.length).to.be.at.most(base + fromFeatures);
        const merged = new Set(requirements.systemPermissions.flatMap((item) => item.names));
        for (const feature of Object.values(raw.features ?? {})) {
          for (const names of resolvedItems(feature.systemPermissions)) {
            for (const permission of names) expect(merged, permission).to.include(permission);
          }
        }
      });

      it('normalises refresh_token/offline_access and keeps the OAuth policies', () => {
        const raw = preset(name);
        if (!raw.oauth) {
          expect(manifest.oauth?.scopes ?? []).to.deep.equal([]);
          return;
        }
        expect((manifest.oauth?.scopes ?? []).flatMap((item) => item.names).sort()).to.deep.equal(
          scopeNames(raw)
            .map((scope) => (scope === 'offline_access' ? 'refresh_token' : scope))
            .sort()
        );
        expect(manifest.oauth?.refreshTokenPolicy?.value).to.equal(raw.oauth.refreshTokenPolicy);
        expect(manifest.oauth?.ipRelaxation?.value).to.equal(raw.oauth.ipRelaxation);
        expect(manifest.oauth?.permittedUsers?.value).to.equal(raw.oauth.permittedUsers);
        expect(manifest.oauth?.app).to.equal(raw.oauth.app);
      });
    });
  }
});
