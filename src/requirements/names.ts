/*
 * User (system) permission names: API names from data/user-permissions.txt, Setup labels from
 * data/user-permission-labels.tsv and data/extra-permission-labels.tsv, and labels Salesforce has since
 * renamed from data/former-permission-labels.tsv (see data/README.md).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Candidate, normaliseText, suggest } from './suggest.js';

/** The package's data/ folder (works from src/ under ts-node and from lib/). */
export const dataDir = (): string => fileURLToPath(new URL('../../data/', import.meta.url));

export type PermissionCatalogue = {
  /** API names, canonical case */
  names: readonly string[];
  /** lowercase API name → canonical API name */
  byLowerName: ReadonlyMap<string, string>;
  /** normalised label (current or former) → API names carrying it (several when the label is ambiguous) */
  byLabel: ReadonlyMap<string, readonly string[]>;
  /** API name → label (the first one listed) */
  labelOf: ReadonlyMap<string, string>;
  candidates: readonly Candidate[];
};

const readLines = (file: string): string[] =>
  readFileSync(join(dataDir(), file), 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

const readLabels = (file: string): Array<[string, string]> =>
  readLines(file)
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((cells) => cells.length >= 2 && cells[0] && cells[1])
    .map((cells) => [cells[0].trim(), cells[1].trim()]);

let catalogue: PermissionCatalogue | undefined;

export const permissionCatalogue = (): PermissionCatalogue => {
  if (catalogue) return catalogue;
  const names = readLines('user-permissions.txt');
  const byLowerName = new Map(names.map((name) => [name.toLowerCase(), name]));
  const byLabel = new Map<string, string[]>();
  const labelOf = new Map<string, string>();
  for (const [name, label] of [...readLabels('user-permission-labels.tsv'), ...readLabels('extra-permission-labels.tsv')]) {
    const canonical = byLowerName.get(name.toLowerCase());
    if (!canonical) continue; // a label for a name this API version does not have
    const key = normaliseText(label);
    const list = byLabel.get(key) ?? [];
    if (!list.includes(canonical)) list.push(canonical);
    byLabel.set(key, list);
    if (!labelOf.has(canonical)) labelOf.set(canonical, label);
  }
  // a former label ("Manage Communities") still resolves, unless it is now a current label (which wins)
  const former: Candidate[] = [];
  for (const [name, label] of readLabels('former-permission-labels.tsv')) {
    const canonical = byLowerName.get(name.toLowerCase());
    const key = normaliseText(label);
    if (!canonical || byLabel.has(key) || byLowerName.has(key)) continue;
    byLabel.set(key, [canonical]);
    const now = labelOf.get(canonical);
    former.push({ text: label, target: canonical, suggestion: now && byLabel.get(normaliseText(now))?.length === 1 ? now : canonical });
  }
  const candidates: Candidate[] = [
    ...names.map((name) => ({ text: name, target: name })),
    ...former,
    // a label several permissions share is suggested as their API names: the label itself would be rejected as ambiguous
    ...[...labelOf.entries()].map(([name, label]) =>
      (byLabel.get(normaliseText(label)) ?? []).length > 1 ? { text: label, target: name, suggestion: name } : { text: label, target: name }
    ),
  ];
  catalogue = { names, byLowerName, byLabel, labelOf, candidates };
  return catalogue;
};

export type PermissionNameResult =
  | { name: string }
  | {
      /** Names or labels close to the input (unknown), or the API names an ambiguous label stands for */
      suggestions: string[];
      /** true when the input is a Setup label shared by several permissions (suggestions lists them) */
      ambiguous?: boolean;
    };

/**
 * A system permission written as an API name (`ApiEnabled`, any case), with the `Permissions` prefix
 * (`PermissionsApiEnabled`), or as a Setup label (`API Enabled`, any case and spacing) → its API name.
 */
export const normalisePermissionName = (input: string): PermissionNameResult => {
  const { byLowerName, byLabel, candidates } = permissionCatalogue();
  const trimmed = input.trim();
  if (trimmed.length === 0) return { suggestions: [] };
  const lower = trimmed.toLowerCase();
  const byName = byLowerName.get(lower);
  if (byName) return { name: byName };
  if (lower.startsWith('permissions')) {
    const unprefixed = byLowerName.get(lower.slice('permissions'.length));
    if (unprefixed) return { name: unprefixed };
  }
  const labelled = byLabel.get(normaliseText(trimmed));
  if (labelled && labelled.length === 1) return { name: labelled[0] };
  if (labelled && labelled.length > 1) return { suggestions: [...labelled], ambiguous: true };
  const unprefixedInput = lower.startsWith('permissions') ? trimmed.slice('permissions'.length) : trimmed;
  return { suggestions: suggest(unprefixedInput, candidates) };
};

/** The Setup label of a permission API name (any case), when known. */
export const permissionLabel = (apiName: string): string | undefined => {
  const { byLowerName, labelOf } = permissionCatalogue();
  const canonical = byLowerName.get(apiName.trim().toLowerCase());
  return canonical ? labelOf.get(canonical) : undefined;
};

/** true when the API name (canonical case) is a user permission of the data set. */
export const isPermissionName = (apiName: string): boolean => permissionCatalogue().byLowerName.get(apiName.toLowerCase()) === apiName;
