/* Shared helpers for the emulator fidelity tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import type { OrgState } from '../../emulator/src/orgState.js';
import { parseStateText } from '../../emulator/src/state.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const demoStatePath = path.join(repoRoot, 'emulator', 'states', 'demo.yaml');
export const fixtures = path.join(repoRoot, 'test', 'fixtures', 'salesforce');

export const demoState = (): OrgState => parseStateText(readFileSync(demoStatePath, 'utf8'), demoStatePath);

/** Permissionable fields of an object, read from the real fixtures' fields.tsv. */
export const permissionableFields = (object: string): string[] =>
  readFileSync(path.join(fixtures, 'describe', 'fields.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .map((l) => l.split('\t'))
    .filter((r) => r[0] === object && r[7] === 'true')
    .map((r) => r[1]);

/** A temporary HOME for the sf auth store; returns a restore function. */
export const useTempHome = (): { home: string; restore: () => void } => {
  const saved = {
    HOME: process.env.HOME,
    SF_USE_GENERIC_UNIX_KEYCHAIN: process.env.SF_USE_GENERIC_UNIX_KEYCHAIN,
    SF_DISABLE_TELEMETRY: process.env.SF_DISABLE_TELEMETRY,
  };
  const home = mkdtempSync(path.join(os.tmpdir(), 'emu-home-'));
  process.env.HOME = home;
  process.env.SF_USE_GENERIC_UNIX_KEYCHAIN = 'true';
  process.env.SF_DISABLE_TELEMETRY = 'true';
  return {
    home,
    restore: (): void => {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
};
