#!/usr/bin/env node
/*
 * Checks an install of the real `sf` CLI made by scripts/install-sf-cli.sh, without starting `sf`:
 *   node scripts/sf-cli/check-install.cjs <install dir> <expected @salesforce/cli version>
 *
 * `sf --version` alone is not enough: it answers even when the HTTP stack is broken. The break
 * we guard against shows up only when @salesforce/core loads @jsforce/jsforce-node, which loads
 * undici (see install-sf-cli.sh). So this resolves that chain the way Node does at run time, from
 * the CLI's own @salesforce/core, and loads it. Exit 0: usable; exit 1: reinstall (reason on stderr).
 */
'use strict';
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');

const [dir, expected] = process.argv.slice(2);
if (!dir || !expected) {
  process.stderr.write('usage: check-install.cjs <install dir> <expected @salesforce/cli version>\n');
  process.exit(2);
}

const fail = (reason) => {
  process.stderr.write(`sf CLI install in ${dir} is not usable: ${reason}\n`);
  process.exit(1);
};

/** the directory of package `name` as Node resolves it from directory `from` */
const packageDir = (name, from) => {
  try {
    return dirname(require.resolve(`${name}/package.json`, { paths: [from] }));
  } catch {
    // packages with an "exports" map that hides package.json: resolve the main entry and walk up
    let entry;
    try {
      entry = require.resolve(name, { paths: [from] });
    } catch (e) {
      return fail(`cannot resolve ${name} from ${from} (${e.message})`);
    }
    const marker = `${join('node_modules', name)}`;
    const at = entry.lastIndexOf(marker);
    if (at < 0) return fail(`cannot locate the package directory of ${name} from ${entry}`);
    return entry.slice(0, at + marker.length);
  }
};
const versionOf = (pkgDir) => JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;

const cli = packageDir('@salesforce/cli', dir);
const cliVersion = versionOf(cli);
if (cliVersion !== expected) fail(`@salesforce/cli is ${cliVersion}, expected ${expected}`);

const core = packageDir('@salesforce/core', cli);
const jsforce = packageDir('@jsforce/jsforce-node', core);
const undici = packageDir('undici', jsforce);
const undiciVersion = versionOf(undici);
if (Number(undiciVersion.split('.')[0]) >= 8) {
  fail(`@jsforce/jsforce-node ${versionOf(jsforce)} resolves undici ${undiciVersion} (8.x does not load on Node 20)`);
}
try {
  require(jsforce);
} catch (e) {
  fail(`@jsforce/jsforce-node ${versionOf(jsforce)} does not load: ${e.message}`);
}
process.stdout.write(
  `@salesforce/cli ${cliVersion}, @salesforce/core ${versionOf(core)}, @jsforce/jsforce-node ${versionOf(jsforce)}, undici ${undiciVersion}\n`
);
