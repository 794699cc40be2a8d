/*
 * Validates permission set source against the real Metadata API schema (API v66.0, from
 * forcedotcom/wsdl) with xmllint compiled to WebAssembly. Reusable by any test that writes a
 * `*.permissionset-meta.xml`.
 *
 * `permissionset.xsd` (a wrapper declaring the PermissionSet root element) includes `metadata.xsd`
 * by the relative name `metadata.xsd`; xmllint-wasm resolves includes in its in-memory file system,
 * so metadata.xsd is preloaded under exactly that file name.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateXML, type XMLFileInfo } from 'xmllint-wasm';

import { SALESFORCE_FIXTURES } from '../../sharedFixtures.js';

export { SALESFORCE_FIXTURES };
const WSDL_DIR = join(SALESFORCE_FIXTURES, 'wsdl');

let schemaFiles: { schema: XMLFileInfo; preload: XMLFileInfo } | undefined;

function schemas(): { schema: XMLFileInfo; preload: XMLFileInfo } {
  schemaFiles ??= {
    schema: { fileName: 'permissionset.xsd', contents: readFileSync(join(WSDL_DIR, 'permissionset.xsd'), 'utf8') },
    preload: { fileName: 'metadata.xsd', contents: readFileSync(join(WSDL_DIR, 'metadata.xsd'), 'utf8') },
  };
  return schemaFiles;
}

export type SchemaVerdict = { valid: boolean; errors: string[] };

/** Validates one permission set document against the Metadata API schema. */
export async function validatePermissionSetXml(xml: string, fileName = 'Generated.permissionset-meta.xml'): Promise<SchemaVerdict> {
  const [verdict] = await validatePermissionSetFiles([{ fileName, contents: xml }]);
  return verdict;
}

/**
 * Validates several documents in one xmllint run (the 2.2 MB schema is compiled once, ~1.5 s).
 * Returns one verdict per file, in the order given; file names must be distinct.
 */
export async function validatePermissionSetFiles(files: Array<{ fileName: string; contents: string }>): Promise<SchemaVerdict[]> {
  const names = new Set(files.map((file) => file.fileName));
  if (names.size !== files.length) throw new Error('validatePermissionSetFiles: file names must be distinct');
  const { schema, preload } = schemas();
  const result = await validateXML({ xml: files, schema: [schema], preload: [preload] });
  const lines = result.rawOutput.split('\n');
  return files.map((file) => {
    // xmllint prints "<file> validates" for each valid file, nothing like it for any other outcome.
    const valid = lines.includes(`${file.fileName} validates`);
    const errors = result.errors
      .filter((error) => error.loc?.fileName === file.fileName)
      .map((error) => error.rawMessage);
    return { valid, errors: valid ? [] : errors.length > 0 ? errors : [result.rawOutput] };
  });
}
