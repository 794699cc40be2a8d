/*
 * Setup labels admins type, through the real bin/run.js: `manifest validate` needs no org, so this runs the
 * loader exactly as a user would, with the label table shipped in data/.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ManifestValidateResult } from '../../src/commands/integration/manifest/validate.js';
import { runCli } from './harness.js';

describe('e2e: permission labels in manifests', function () {
  this.timeout(60_000);
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'sfia-labels-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  const validate = async (file: string, body: string, json = true): Promise<Awaited<ReturnType<typeof runCli>>> => {
    const path = join(home, file);
    writeFileSync(path, body);
    return runCli(home, ['integration', 'manifest', 'validate', '--manifest', path, ...(json ? ['--json'] : [])]);
  };

  it('accepts labels the v67.0 field reference page lacks (a data-migration vendor manifest)', async () => {
    // Labels and API names: Salesforce Help 000213290 ("Set Audit Fields upon Record Creation", "Update Records with
    // Inactive Owners"); Field Reference v64.0 PermissionSet (ADSEnabledOnFSMobile); org describe labels recorded in
    // scripts/labels/sources/sf-explorer.tsv (DebugApex, ApproveContract, ManageTranslation).
    const r = await validate(
      'migration.yaml',
      [
        'name: migration-vendor',
        'label: Migration vendor',
        'systemPermissions:',
        '  - API Enabled',
        '  - Set Audit Fields upon Record Creation',
        '  - update records with inactive owners',
        '  - Debug Apex',
        '  - Approve Contracts',
        '  - Manage Translation',
        '  - Advanced Data Sync for Field Service Mobile',
        '',
      ].join('\n')
    );
    expect(r.code, JSON.stringify(r.json)).to.equal(0);
    const names = (r.json!.result as ManifestValidateResult).requirements.systemPermissions.map((item) => item.names[0]);
    expect(names).to.deep.equal([
      'ApiEnabled',
      'CreateAuditFields',
      'UpdateWithInactiveOwner',
      'DebugApex',
      'ApproveContract',
      'ManageTranslation',
      'ADSEnabledOnFSMobile',
    ]);
  });

  it('rejects a label two permissions share, naming both API names', async () => {
    const r = await validate('ambiguous.yaml', 'name: ambiguous\nlabel: Ambiguous\nsystemPermissions: [Allows user access Data Cloud]\n', false);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('systemPermissions[0]');
    expect(r.stderr).to.include('AccessCdpApp');
    expect(r.stderr).to.include('AccessGeniePlatform');
  });

  it('suggests the real label for a near miss and never echoes garbage back as a name', async () => {
    const near = await validate('near.yaml', 'name: near\nlabel: Near\nsystemPermissions: [Set Audit Fields on Record Creation]\n', false);
    expect(near.code).to.equal(1);
    expect(near.stderr).to.include('did you mean "Set Audit Fields upon Record Creation"');

    const garbage = await validate('garbage.yaml', 'name: garbage\nlabel: Garbage\nsystemPermissions: [Qwv Plk Zzq Rrt]\n', false);
    expect(garbage.code).to.equal(1);
    expect(garbage.stderr).to.include('"Qwv Plk Zzq Rrt" is not a known system permission');
    expect(garbage.stderr).to.not.include('did you mean');
    expect(garbage.stderr).to.not.match(/QwvPlkZzqRrt/i);
  });
});
