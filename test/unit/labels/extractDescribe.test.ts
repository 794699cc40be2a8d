/*
 * scripts/labels/extract-describe.js turns a PermissionSet describe from a real org into a label source for
 * scripts/labels/merge.js: one row per boolean `PermissionsX` field, X → the field's label. Run as a user runs it, on
 * both shapes a describe comes in (sf's --json envelope and the raw REST answer).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const script = join(repoRoot, 'scripts', 'labels', 'extract-describe.js');

// the shape of GET /services/data/v66.0/sobjects/PermissionSet/describe (fields trimmed to what the script reads)
const permissionSetDescribe = {
  name: 'PermissionSet',
  urls: { describe: '/services/data/v66.0/sobjects/PermissionSet/describe' },
  fields: [
    { name: 'Id', type: 'id', label: 'Permission Set ID' },
    { name: 'PermissionsCreateAuditFields', type: 'boolean', label: 'Set Audit Fields upon Record Creation' },
    { name: 'PermissionsApiEnabled', type: 'boolean', label: 'API  Enabled' },
    { name: 'PermissionsViewSetup', type: 'boolean', label: 'View Setup &amp; Configuration' },
    { name: 'PermissionSetGroupId', type: 'reference', label: 'Permission Set Group ID' },
  ],
};

describe('scripts/labels/extract-describe.js', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sfia-labels-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (input: unknown): string[][] => {
    const file = join(dir, 'describe.json');
    const out = join(dir, 'out.tsv');
    writeFileSync(file, JSON.stringify(input));
    execFileSync(process.execPath, [script, file, '--org-note', 'test org', '--out', out], { encoding: 'utf8' });
    const text = readFileSync(out, 'utf8');
    expect(text).to.match(/^# describe of PermissionSet from an org, API v66\.0 \(test org\)/);
    return text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .slice(1)
      .map((l) => l.split('\t'));
  };

  it('keeps one row per boolean Permissions… field, labels cleaned the way the other sources are', () => {
    expect(run(permissionSetDescribe)).to.deep.equal([
      ['ApiEnabled', 'API Enabled', 'PermissionSet'],
      ['CreateAuditFields', 'Set Audit Fields upon Record Creation', 'PermissionSet'],
      ['ViewSetup', 'View Setup & Configuration', 'PermissionSet'],
    ]);
  });

  it('reads the describe inside `sf sobject describe --json`’s envelope the same way', () => {
    expect(run({ status: 0, result: permissionSetDescribe })).to.deep.equal(run(permissionSetDescribe));
  });

  it('refuses a file that is not a describe, and a describe without permission fields, with exit 1', () => {
    const file = join(dir, 'x.json');
    writeFileSync(file, JSON.stringify({ status: 0, result: { records: [] } }));
    const notDescribe = spawnSync(process.execPath, [script, file, '--out', join(dir, 'o.tsv')], { encoding: 'utf8' });
    expect(notDescribe.status).to.equal(1);
    expect(notDescribe.stderr).to.include('not a describe');
    writeFileSync(file, JSON.stringify({ name: 'Account', fields: [{ name: 'Name', type: 'string', label: 'Account Name' }] }));
    const noPermissions = spawnSync(process.execPath, [script, file, '--out', join(dir, 'o.tsv')], { encoding: 'utf8' });
    expect(noPermissions.status).to.equal(1);
    expect(noPermissions.stderr).to.include('no boolean Permissions');
  });
});
