import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { expect } from 'chai';
import { parse } from 'yaml';
import { API_NAME, KEBAB_CASE, manifestSchemaPath, presetsDir } from '../../../src/requirements/index.js';
import { OBJECT_ACCESS } from '../../../src/requirements/types.js';
import { fixturePath, readFixture } from './helpers.js';

type SchemaNode = Record<string, unknown>;
const schema = JSON.parse(readFileSync(manifestSchemaPath(), 'utf8')) as SchemaNode;
const definitions = schema.definitions as Record<string, SchemaNode>;

const resolveRef = (node: SchemaNode): SchemaNode => {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const target = definitions[ref.replace('#/definitions/', '')];
  expect(target, ref).to.be.an('object');
  return target;
};

const ajv = (): Ajv => new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });

describe('requirements: the published JSON Schema', () => {
  it('is a valid draft-07 schema with an $id and a title', () => {
    expect(schema.$schema).to.equal('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).to.match(/^https:\/\/.+\/schemas\/requirements-manifest\.schema\.json$/);
    expect(schema.title).to.be.a('string');
    expect(ajv().validateSchema(schema), JSON.stringify(ajv().errors)).to.equal(true);
  });

  it('gives every property a title and a description, so editors show help', () => {
    const missing: string[] = [];
    const visit = (node: SchemaNode, where: string): void => {
      const properties = node.properties as Record<string, SchemaNode> | undefined;
      for (const [key, child] of Object.entries(properties ?? {})) {
        const own = child;
        const target = resolveRef(child);
        if (!(own.title ?? target.title) || !(own.description ?? target.description)) missing.push(`${where}.${key}`);
        visit(target, `${where}.${key}`);
      }
      for (const keyword of ['items', 'additionalProperties', 'propertyNames'] as const) {
        const child = node[keyword];
        if (child && typeof child === 'object') {
          const target = resolveRef(child as SchemaNode);
          if (keyword !== 'items' || target.type === 'string') {
            if (!target.description) missing.push(`${where}/${keyword}`);
          }
          visit(target, `${where}/${keyword}`);
        }
      }
    };
    visit(schema, '');
    for (const [name, definition] of Object.entries(definitions)) visit(definition, `#/definitions/${name}`);
    expect(missing).to.deep.equal([]);
  });

  it('uses the same name patterns and keyword lists as the loader', () => {
    const objects = definitions.objects;
    expect((objects.propertyNames as SchemaNode).pattern).to.equal(API_NAME.source);
    expect(definitions.fieldName.pattern).to.equal(`${API_NAME.source.slice(0, -1)}\\??$`);
    expect((schema.properties as Record<string, SchemaNode>).name.pattern).to.equal(KEBAB_CASE.source);
    expect((((schema.properties as Record<string, SchemaNode>).features.propertyNames) as SchemaNode).pattern).to.equal(KEBAB_CASE.source);
    const oauth = definitions.oauth.properties as Record<string, SchemaNode>;
    expect(oauth.ipRelaxation.enum).to.deep.equal(['enforce', 'relaxed', 'relaxedRefresh']);
    expect(oauth.permittedUsers.enum).to.deep.equal(['any', 'adminApproved']);
    const objectRequirement = definitions.objectRequirement.properties as Record<string, SchemaNode>;
    expect(objectRequirement.visibility.enum).to.deep.equal(['all', 'shared']);
    expect((objectRequirement.access.items as SchemaNode).examples).to.deep.equal([...OBJECT_ACCESS]);
  });

  it('accepts the good manifests and every preset, read by a plain YAML parser and Ajv', () => {
    const validate = ajv().compile(schema);
    const files = readdirSync(fixturePath('manifests', ''));
    const documents: Array<[string, unknown]> = files.map((f) => [f, parse(readFixture('manifests', f).replace(/^\uFEFF/, '')) as unknown]);
    for (const preset of readdirSync(presetsDir()).filter((f) => f.endsWith('.yaml')))
      documents.push([preset, parse(readFileSync(join(presetsDir(), preset), 'utf8')) as unknown]);
    expect(documents.length).to.be.greaterThan(6);
    for (const [file, document] of documents) expect(validate(document), `${file}: ${JSON.stringify(validate.errors)}`).to.equal(true);
  });

  it('rejects structural mistakes on its own (unknown keys, wrong types, empty anyOf, bad enum values)', () => {
    const validate = ajv().compile(schema);
    for (const file of ['unknown-root-key.yaml', 'unknown-object-key.yaml', 'wrong-type-string-for-list.yaml', 'empty-anyof.yaml', 'visibility-bad.yaml', 'missing-name-label.yaml', 'forbidden-anyof.yaml', 'object-name-dotted.yaml', 'field-double-question.yaml', 'name-not-kebab.yaml'])
      expect(validate(parse(readFixture('bad-manifests', file))), file).to.equal(false);
  });
});
