#!/usr/bin/env node
/*
 * Run by `prepack` (and by test/e2e/sf-cli.test.ts before it packs): checks that node_modules/ holds
 * exactly the plugin's production dependency tree of package-lock.json (its "dependencies" and theirs),
 * because that is what `npm pack` bundles, and that the emulator workspace is not part of it.
 *   node scripts/sf-cli/check-bundle.cjs      exit 0: fine; exit 1: run `npm ci` first (reasons on stderr)
 *
 * Why: package.json has "bundleDependencies": true, so the tarball carries its own node_modules and
 * `sf plugins install file:…tgz` needs no registry. npm pack copies whatever node_modules/ holds, so a
 * stale or hand-edited install would ship something other than the lockfile. In particular the lockfile
 * pins @jsforce/jsforce-node 3.10.16 (the "overrides" in package.json): with the 3.12 that
 * @salesforce/core's ^3.10.17 would otherwise pick comes undici 8, which throws on load on Node 20
 * (no zstd in node:zlib). A tarball shipped npm-shrinkwrap.json before, but npm never applies a
 * shrinkwrap for a file:/tarball install (only the registry marks a package `_hasShrinkwrap`).
 */
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const packages = lock.packages ?? {};
const problems = [];
let count = 0;

/*
 * What npm pack bundles: the root's "dependencies" and, from each, its dependencies, optional and peer
 * dependencies, resolved the way Node does (the nearest node_modules folder up the tree). The lockfile's
 * `dev` flag cannot say this: packages only the emulator workspace (emulator/package.json) depends on are
 * not dev there either, and they are not shipped.
 */
const locate = (from, name) => {
  for (let dir = from; ; ) {
    const candidate = dir ? `${dir}/node_modules/${name}` : `node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (!dir) return undefined;
    const up = dir.lastIndexOf('/node_modules/');
    dir = up >= 0 ? dir.slice(0, up) : '';
  }
};
const shipped = new Set();
const queue = Object.keys(packages['']?.dependencies ?? {}).map((name) => ({ from: '', name, optional: false }));
while (queue.length > 0) {
  const { from, name, optional } = queue.shift();
  const path = locate(from, name);
  if (!path) {
    if (!optional) problems.push(`${name} (needed by ${from || 'the plugin'}): not in package-lock.json`);
    continue;
  }
  if (shipped.has(path)) continue;
  shipped.add(path);
  const entry = packages[path];
  for (const dep of Object.keys(entry.dependencies ?? {})) queue.push({ from: path, name: dep, optional: false });
  for (const dep of Object.keys(entry.optionalDependencies ?? {})) queue.push({ from: path, name: dep, optional: true });
  for (const dep of Object.keys(entry.peerDependencies ?? {})) {
    queue.push({ from: path, name: dep, optional: Boolean(entry.peerDependenciesMeta?.[dep]?.optional) });
  }
}

for (const path of [...shipped].sort()) {
  const entry = packages[path];
  // the emulator (a workspace: a link in node_modules) is never part of the plugin
  if (entry.link) {
    problems.push(`${path}: a workspace link (${entry.resolved}) is reachable from the plugin's dependencies`);
    continue;
  }
  const file = join(root, path, 'package.json');
  if (!existsSync(file)) {
    // optional packages (platform-specific ones) may legitimately be absent
    if (!entry.optional && !entry.devOptional) problems.push(`${path}: missing (lockfile has ${entry.version})`);
    continue;
  }
  const { version } = JSON.parse(readFileSync(file, 'utf8'));
  if (version !== entry.version) problems.push(`${path}: ${version} installed, lockfile has ${entry.version}`);
  const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
  if (name === 'undici' && Number(String(version).split('.')[0]) >= 8) {
    problems.push(`${path}: undici ${version} does not load on Node 20 (node:zlib has no zstd)`);
  }
  count++;
}

// and the chain that broke on Node 20 loads: @salesforce/core → @jsforce/jsforce-node (→ undici)
try {
  require(require.resolve('@jsforce/jsforce-node', { paths: [join(root, 'node_modules', '@salesforce', 'core')] }));
} catch (e) {
  problems.push(`@jsforce/jsforce-node (from @salesforce/core) does not load on Node ${process.versions.node}: ${e.message}`);
}

if (problems.length > 0) {
  process.stderr.write(
    `node_modules/ is not the lockfile's production tree, which npm pack would bundle (run \`npm ci\`):\n  ${problems
      .slice(0, 20)
      .join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}\n`
  );
  process.exit(1);
}
process.stdout.write(`bundle check: ${count} production packages in node_modules/ match package-lock.json\n`);
