#!/usr/bin/env node
/*
 * node emulator/lib/generate-cli.js --out FILE [--users N] [--permission-sets N] [--field-permission-rows N]
 *                                   [--groups N] [--seed N] [--validate]
 * Writes a generated large org (generate.ts) as a JSON state file the emulator loads with --state.
 * Defaults: the scale, 10,000 users, 5,000 permission sets, 200,000 FieldPermissions rows, 50 groups.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateLargeOrg, type LargeOrgOptions } from './generate.js';
import { validateState } from './state.js';

const usage =
  'usage: node emulator/lib/generate-cli.js --out FILE [--users N] [--permission-sets N] [--field-permission-rows N] [--groups N] [--seed N] [--validate]';

const main = (): void => {
  const options: LargeOrgOptions = { users: 10_000, permissionSets: 5000, fieldPermissionRows: 200_000, groups: 50, seed: 1 };
  let out: string | undefined;
  let validate = false;
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 0) throw new Error(`${flag} needs a non-negative integer\n${usage}`);
      return v;
    };
    switch (flag) {
      case '--out':
        out = argv[++i];
        if (!out) throw new Error(`--out needs a file\n${usage}`);
        break;
      case '--users':
        options.users = num();
        break;
      case '--permission-sets':
        options.permissionSets = num();
        break;
      case '--field-permission-rows':
        options.fieldPermissionRows = num();
        break;
      case '--groups':
        options.groups = num();
        break;
      case '--seed':
        options.seed = num();
        break;
      case '--validate':
        validate = true;
        break;
      case '--help':
      case '-h':
        process.stderr.write(`${usage}\n`);
        return;
      default:
        throw new Error(`unknown argument ${flag}\n${usage}`);
    }
  }
  if (!out) throw new Error(`--out is required\n${usage}`);
  const state = generateLargeOrg(options);
  if (validate) validateState(state);
  writeFileSync(path.resolve(out), JSON.stringify(state));
  process.stderr.write(`generate: wrote ${out} (${state.users?.length ?? 0} users, ${state.permissionSets?.length ?? 0} permission sets)\n`);
};

try {
  main();
} catch (e) {
  process.stderr.write(`generate: ${(e as Error).message}\n`);
  process.exit(1);
}
