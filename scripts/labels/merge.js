#!/usr/bin/env node
/*
 * Builds data/user-permission-labels.tsv from the label sources in scripts/labels/sources/ (see README.md
 * beside this file), newest Salesforce documentation first:
 *
 *   node scripts/labels/merge.js            write the file and print the report
 *   node scripts/labels/merge.js --check    exit 1 when the file differs from what the sources give
 *
 * For each API name of data/user-permissions.txt the label is taken from the first source in SOURCES that
 * has one; the row's `source` column names that source. The report lists
 *   - conflicts: a later source gives another label (case-only differences counted apart),
 *   - labels shared by several permissions (the loader rejects those and lists the API names),
 *   - labels that are another permission's API name (the loader resolves the API name first),
 *   - names of a source that are not in user-permissions.txt (left out),
 *   - rows of data/extra-permission-labels.tsv (hand-written Help facts) that disagree with the merged table.
 * It also writes data/former-permission-labels.tsv: the labels older sources give a permission that Salesforce has
 * since renamed ("Manage Communities" → "Manage Experiences"), so a manifest copied from an older vendor document
 * still resolves. A former label that is (case-insensitively) a current label or API name of any permission, or
 * a former label of two permissions, is left out.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { byteOrder, readSource } from './lib.js';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const dataFile = (name) => here(`../../data/${name}`);

/** Precedence order: the first source with a label for a name wins. `id` is written in the `source` column. */
/** Describes of real orgs (extract-describe.js), newest API version first: they come right after the Field Reference. */
const orgDescribes = () =>
  readdirSync(here('sources'))
    .filter((f) => /^org-describe-.+\.tsv$/.test(f))
    .map((file) => ({ file, version: Number(/-v(\d+\.\d)\.tsv$/.exec(file)?.[1] ?? 0) }))
    .sort((a, b) => b.version - a.version || byteOrder(a.file, b.file))
    .map(({ file }) => ({ id: `org:${file.replace(/^org-describe-|\.tsv$/g, '')}`, file }));

export const SOURCES = [
  { id: 'sfFieldRef-v67.0:MutingPermissionSet', file: 'sfFieldRef-v67.0-MutingPermissionSet.tsv' },
  { id: 'sfFieldRef-v64.0:PermissionSet', file: 'sfFieldRef-v64.0-PermissionSet.tsv' },
  ...orgDescribes(),
  // describe of the maintainer's org, collected 2025-12 (newer than the v64.0 NetCoreForce models)
  { id: 'sf-explorer/sf-doc-to-json@cd827576:PermissionSet', file: 'sf-explorer.tsv' },
  { id: 'anthonyreilly/NetCoreForce@55782123:SfPermissionSet(v64.0)', file: 'netcoreforce-v64.tsv' },
  { id: 'anthonyreilly/NetCoreForce@dcbc6da0:SfPermissionSet(v41.0)', file: 'netcoreforce-v41.tsv' },
];

const lines = (text) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);

export const merge = () => {
  const names = lines(readFileSync(dataFile('user-permissions.txt'), 'utf8'));
  const known = new Set(names);
  const chosen = new Map(); // name -> { label, source }
  const conflicts = [];
  const unknown = new Map(); // source id -> names not in the list
  for (const source of SOURCES) {
    // a source may give one name several labels (e.g. per object); its first row for a name is used
    const labelsOf = new Map();
    for (const row of readSource(here(`sources/${source.file}`))) {
      if (!known.has(row.name)) {
        unknown.set(source.id, new Set([...(unknown.get(source.id) ?? []), row.name]));
        continue;
      }
      labelsOf.set(row.name, [...(labelsOf.get(row.name) ?? []), row.label]);
    }
    for (const [name, labels] of labelsOf) {
      const distinct = [...new Set(labels)];
      const current = chosen.get(name);
      if (!current) {
        chosen.set(name, { label: distinct[0], source: source.id });
        for (const other of distinct.slice(1)) conflicts.push({ name, kept: distinct[0], keptFrom: source.id, other, otherFrom: source.id });
        continue;
      }
      for (const other of distinct) {
        if (other !== current.label) conflicts.push({ name, kept: current.label, keptFrom: current.source, other, otherFrom: source.id });
      }
    }
  }
  const rows = names.filter((name) => chosen.has(name)).map((name) => ({ name, ...chosen.get(name) }));
  const text = `name\tlabel\tsource\n${rows.map((r) => `${r.name}\t${r.label}\t${r.source}`).join('\n')}\n`;

  // labels that stand for several permissions, and labels that spell another permission's API name
  const byLabel = new Map();
  for (const row of rows) {
    const key = row.label.toLowerCase();
    byLabel.set(key, [...(byLabel.get(key) ?? []), row.name]);
  }
  const shared = [...byLabel.entries()].filter(([, list]) => list.length > 1).sort(([a], [b]) => byteOrder(a, b));
  const lowerNames = new Map(names.map((name) => [name.toLowerCase(), name]));
  const spellsName = rows.filter((row) => lowerNames.has(row.label.toLowerCase()) && lowerNames.get(row.label.toLowerCase()) !== row.name);

  const extraRows = readSource(dataFile('extra-permission-labels.tsv'));
  const extra = extraRows.filter((row) => chosen.has(row.name) && chosen.get(row.name).label !== row.label);

  // former labels: what an older source calls a permission whose label changed since
  const current = new Set([...rows.map((r) => r.label.toLowerCase()), ...extraRows.map((r) => r.label.toLowerCase()), ...lowerNames.keys()]);
  const formerOf = new Map(); // lowercase label -> rows
  for (const c of conflicts) {
    const key = c.other.toLowerCase();
    if (c.other.toLowerCase() === c.kept.toLowerCase() || current.has(key)) continue;
    const list = formerOf.get(key) ?? [];
    if (!list.some((f) => f.name === c.name)) list.push({ name: c.name, label: c.other, source: c.otherFrom });
    formerOf.set(key, list);
  }
  const former = [...formerOf.values()].filter((list) => list.length === 1).map(([row]) => row);
  const droppedFormer = [...formerOf.values()].filter((list) => list.length > 1).flat();
  former.sort((a, b) => byteOrder(a.name, b.name) || byteOrder(a.label, b.label));
  const formerText = `name\tlabel\tsource\n${former.map((r) => `${r.name}\t${r.label}\t${r.source}`).join('\n')}\n`;
  return { names, rows, text, conflicts, shared, spellsName, unknown, extra, former, formerText, droppedFormer };
};

const report = (result) => {
  const { names, rows, conflicts, shared, spellsName, unknown, extra, former, droppedFormer } = result;
  const out = [];
  out.push(`${rows.length} of ${names.length} permissions labelled`);
  const bySource = new Map();
  for (const row of rows) bySource.set(row.source, (bySource.get(row.source) ?? 0) + 1);
  for (const source of SOURCES) out.push(`  ${String(bySource.get(source.id) ?? 0).padStart(4)}  ${source.id}`);
  const caseOnly = conflicts.filter((c) => c.kept.toLowerCase() === c.other.toLowerCase());
  const real = conflicts.filter((c) => c.kept.toLowerCase() !== c.other.toLowerCase());
  out.push(`conflicts: ${real.length} (plus ${caseOnly.length} differing in case only)`);
  for (const c of [...real, ...caseOnly]) out.push(`  ${c.name}: kept "${c.kept}" (${c.keptFrom}); "${c.other}" (${c.otherFrom})`);
  out.push(`labels shared by several permissions (rejected as ambiguous by the loader): ${shared.length}`);
  for (const [label, list] of shared) out.push(`  "${label}": ${list.join(', ')}`);
  out.push(`labels that are another permission's API name (that name wins): ${spellsName.length}`);
  for (const row of spellsName) out.push(`  ${row.name}: "${row.label}"`);
  for (const [source, list] of unknown) out.push(`not in user-permissions.txt, left out (${source}): ${[...list].sort(byteOrder).join(', ')}`);
  out.push(`extra-permission-labels.tsv rows disagreeing with the merged table: ${extra.length}`);
  for (const row of extra) out.push(`  ${row.name}: "${row.label}"`);
  out.push(`former labels kept as aliases (data/former-permission-labels.tsv): ${former.length}`);
  if (droppedFormer.length > 0) out.push(`former labels of several permissions, left out: ${droppedFormer.map((r) => `${r.name} "${r.label}"`).join('; ')}`);
  return out.join('\n');
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = merge();
  const outputs = [
    ['user-permission-labels.tsv', result.text],
    ['former-permission-labels.tsv', result.formerText],
  ];
  if (process.argv.includes('--check')) {
    for (const [file, text] of outputs) {
      let current = '';
      try {
        current = readFileSync(dataFile(file), 'utf8');
      } catch {
        // missing: reported below
      }
      if (current !== text) {
        console.error(`data/${file} is not what scripts/labels/sources/ give: run node scripts/labels/merge.js`);
        process.exit(1);
      }
    }
    console.log(`data/user-permission-labels.tsv and data/former-permission-labels.tsv are up to date (${result.rows.length} rows)`);
  } else {
    for (const [file, text] of outputs) writeFileSync(dataFile(file), text);
    console.log(report(result));
  }
}
