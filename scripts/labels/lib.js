/*
 * Shared helpers of the label scripts (see README.md beside this file). Source files are TSV with a
 * header `name\tlabel\tnote` and `#` comment lines that say where the facts come from.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

/** `git show COMMIT:PATH` in a bare or non-bare git directory. */
export const gitShow = (gitDir, commit, path) =>
  execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** Byte order of `LC_ALL=C sort` (the order of data/user-permissions.txt). */
export const byteOrder = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Reads a TSV source file: rows of [name, label, note], comments and header skipped. */
export const readSource = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#'))
    .slice(1)
    .map((line) => line.split('\t'))
    .map(([name, label, note]) => ({ name, label, note: note ?? '' }));

/** Writes a TSV source file with its provenance comment lines. */
export const writeSource = (file, comments, rows) => {
  const lines = [...comments.map((c) => `# ${c}`), 'name\tlabel\tnote'];
  // one line per (name, label); the notes of duplicates are joined
  const merged = new Map();
  for (const row of rows) {
    const key = `${row.name}\t${row.label}`;
    const notes = merged.get(key) ?? [];
    if (row.note && !notes.includes(row.note)) notes.push(row.note);
    merged.set(key, notes);
  }
  for (const key of [...merged.keys()].sort(byteOrder)) lines.push(`${key}\t${merged.get(key).join(',')}`);
  writeFileSync(file, `${lines.join('\n')}\n`);
};

const ENTITIES = { amp: '&', apos: "'", quot: '"', lt: '<', gt: '>' };

/** A label as a source gives it: HTML entities decoded (`&#39;` → `'`), trimmed, inner whitespace collapsed. */
export const cleanLabel = (label) =>
  label
    .replace(/&#(\d+);/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&(amp|apos|quot|lt|gt);/g, (_, name) => ENTITIES[name])
    .replace(/\s+/g, ' ')
    .trim();
