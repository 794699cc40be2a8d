/*
 * Where the shared Salesforce reference data lives: `../shared/fixtures/salesforce` beside the repository
 * (that is where CI and every developer have it), overridable with SF_INTEGRATION_ACCESS_FIXTURES.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const SALESFORCE_FIXTURES =
  process.env.SF_INTEGRATION_ACCESS_FIXTURES ?? resolve(REPO_ROOT, '..', 'shared', 'fixtures', 'salesforce');
export const SEEDS_DIR = resolve(REPO_ROOT, '..', 'shared', 'seeds');
