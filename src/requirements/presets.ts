/* Built-in presets: presets/<name>.yaml at the package root, loaded like any manifest. */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ERROR_NAMES, didYouMean, namedError } from './errors.js';
import { loadFile } from './load.js';
import { suggest } from './suggest.js';
import type { Manifest } from './types.js';
import { KEBAB_CASE } from './vocabulary.js';

export type PresetSummary = {
  name: string;
  label: string;
  source?: string;
  description?: string;
  /** Base requirements only (features not included) */
  counts: { systemPermissions: number; objects: number; fields: number; scopes: number };
  features: string[];
};

/** The package's presets/ folder (works from src/ under ts-node and from lib/). */
export const presetsDir = (): string => fileURLToPath(new URL('../../presets/', import.meta.url));

/** Names of the built-in presets, sorted. */
export const presetNames = async (): Promise<string[]> => {
  let entries: string[];
  try {
    entries = await readdir(presetsDir());
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.endsWith('.yaml'))
    .map((entry) => entry.slice(0, -'.yaml'.length))
    .filter((name) => KEBAB_CASE.test(name))
    .sort();
};

/** Loads and validates a built-in preset; UnknownPreset (with the list and a suggestion) when there is none of that name. */
/** The preset file's name for what the user typed; UnknownPreset (with the list and a suggestion) when there is none. */
const presetFileName = async (name: string): Promise<string> => {
  const names = await presetNames();
  const wanted = name.trim();
  const match = names.find((n) => n === wanted) ?? names.find((n) => n === wanted.toLowerCase());
  if (!match) {
    const hint = didYouMean(suggest(wanted, names.map((n) => ({ text: n, target: n }))));
    throw namedError(ERROR_NAMES.unknownPreset, 'error.UnknownPreset', [wanted, hint ? ` ${hint}` : '', names.join(', ')]);
  }
  return match;
};

/**
 * A preset's file as shipped: its text (comments included: the starting point for a user's own manifest) and
 * the data it writes. Validated like any manifest first, so what `preset show` prints always loads.
 */
export const presetSource = async (name: string): Promise<{ name: string; text: string; data: Record<string, unknown> }> => {
  const match = await presetFileName(name);
  await loadPreset(match);
  const text = await readFile(join(presetsDir(), `${match}.yaml`), 'utf8');
  return { name: match, text: text.endsWith('\n') ? text : `${text}\n`, data: parse(text) as Record<string, unknown> };
};

export const loadPreset = async (name: string): Promise<Manifest> => {
  const match = await presetFileName(name);
  return loadFile(join(presetsDir(), `${match}.yaml`), {
    origin: `preset:${match}`,
    displayName: `presets/${match}.yaml`,
    preset: true,
  });
};

export const summarise = (manifest: Manifest): PresetSummary => {
  const summary: PresetSummary = {
    name: manifest.name,
    label: manifest.label,
    counts: {
      systemPermissions: manifest.systemPermissions.length,
      objects: manifest.objects.length,
      fields: manifest.objects.reduce((sum, object) => sum + object.fields.length, 0),
      scopes: manifest.oauth?.scopes.length ?? 0,
    },
    features: Object.keys(manifest.features),
  };
  if (manifest.source !== undefined) summary.source = manifest.source;
  if (manifest.description !== undefined) summary.description = manifest.description;
  return summary;
};

/** Every built-in preset, validated, with counts of what it asks for. */
export const listPresets = async (): Promise<PresetSummary[]> => {
  const summaries: PresetSummary[] = [];
  for (const name of await presetNames()) {
    // eslint-disable-next-line no-await-in-loop
    summaries.push(summarise(await loadPreset(name)));
  }
  return summaries;
};
