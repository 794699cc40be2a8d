/*
 * The Salesforce reference data the tests read: the copies vendored in this repository under
 * test/fixtures/salesforce (provenance and licences: test/fixtures/salesforce/README.md). Nothing outside the
 * repository is read, so the tests pass on a clone with nothing beside it.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SALESFORCE_FIXTURES = resolve(REPO_ROOT, 'test', 'fixtures', 'salesforce');
