/*
 * Validators for the CI report formats against the published schemas vendored in test/fixtures/ci-schemas
 * (provenance and licences in its README.md): JUnit XML against Jenkins xUnit's junit-10.xsd (xmllint
 * compiled to WebAssembly), SARIF against the OASIS SARIF 2.1.0 JSON schema (ajv).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML } from 'xmllint-wasm';
import { Ajv, type ValidateFunction } from 'ajv';
import { REPO_ROOT } from '../../sharedFixtures.js';

const DIR = join(REPO_ROOT, 'test', 'fixtures', 'ci-schemas');

export type SchemaVerdict = { valid: boolean; errors: string[] };

export async function validateJunit(xml: string): Promise<SchemaVerdict> {
  const result = await validateXML({
    xml: [{ fileName: 'report.xml', contents: xml }],
    schema: [{ fileName: 'junit-10.xsd', contents: readFileSync(join(DIR, 'junit-10.xsd'), 'utf8') }],
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}

let sarifValidator: ValidateFunction | undefined;

/**
 * The SARIF schema is written in JSON Schema draft-04; its only draft-04-specific keyword is the top-level
 * `id` (draft-06 onwards: `$id`), so it is compiled as draft-07 with that one keyword renamed. Formats are
 * checked: date-time (RFC 3339), uri (absolute) and uri-reference.
 */
const sarif = (): ValidateFunction => {
  if (!sarifValidator) {
    const schema = JSON.parse(readFileSync(join(DIR, 'sarif-schema-2.1.0.json'), 'utf8')) as Record<string, unknown>;
    const { id, ...rest } = schema;
    delete rest.$schema; // draft-04's meta-schema URI; compiled as ajv's default (draft-07)
    const ajv = new Ajv({ allErrors: true, strict: false });
    const isUri = (s: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(s) && URL.canParse(s);
    ajv.addFormat('uri', isUri);
    ajv.addFormat('uri-reference', (s: string) => isUri(s) || URL.canParse(s, 'file:///base/'));
    ajv.addFormat('date-time', (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/i.test(s) && !Number.isNaN(Date.parse(s)));
    sarifValidator = ajv.compile({ ...rest, $id: id as string });
  }
  return sarifValidator;
};

export function validateSarif(log: unknown): SchemaVerdict {
  const validate = sarif();
  const valid = validate(log);
  return { valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`) };
}
