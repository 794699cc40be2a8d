/*
 * Custom permissions, one slice through every layer: the manifest (`customPermissions`), the evaluation
 * (who grants each), the grant plan and the generated `<customPermissions>` element (validated against the
 * real Metadata API schema).
 *
 * Salesforce rules pinned here (Object Reference, "SetupEntityAccess": SetupEntityType 'CustomPermission',
 * API 31.0+; Salesforce Help "Custom Permissions"; Metadata API "PermissionSet": PermissionSetCustomPermissions):
 * - a profile, a permission set or a permission set group grants a custom permission; a group's muting set
 *   removes it; a session-based set counts only while activated;
 * - a custom permission the org does not have (package not installed) is an org fact: `error`, and grant
 *   leaves it out with the step to take.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { applyFeatures, loadManifestFile } from '../../src/requirements/index.js';
import type { Requirements } from '../../src/requirements/types.js';
import { evaluateUser } from '../../src/evaluation/index.js';
import { parsePermissionSetXml, permissionSetXml, planPermissionSet } from '../../src/grant/index.js';
import { MINIMUM_ACCESS, buildSnapshot, type BuiltOrg } from '../fixtures/snapshots/builder.js';
import { validatePermissionSetXml } from './grant/xsd.js';

const MANIFEST = join(process.cwd(), 'test', 'fixtures', 'manifests', 'custom-permissions.yaml');

const requirementsOf = async (features: string[] = []): Promise<Requirements> => applyFeatures(await loadManifestFile(MANIFEST), features);

/** The org of emulator/states/cases/custom-permissions.yaml, written with the snapshot builder. */
const org = (): BuiltOrg =>
  buildSnapshot({
    // eslint-disable-next-line camelcase
    customPermissions: { Acme_Sync_Enabled: 'Acme Sync Enabled', acme__Bulk_Export: 'Bulk Export' },
    profiles: [
      { ...MINIMUM_ACCESS, name: 'Sync Profile', systemPermissions: ['ApiEnabled'], customPermissions: ['Acme_Sync_Enabled'] },
      { ...MINIMUM_ACCESS, name: 'Plain Profile', systemPermissions: ['ApiEnabled'] },
    ],
    permissionSets: [
      { name: 'Acme_Export', customPermissions: ['acme__Bulk_Export'] },
      { name: 'Acme_Sync_Set', customPermissions: ['Acme_Sync_Enabled'] },
      { name: 'Acme_Sync_Session', sessionBased: true, customPermissions: ['Acme_Sync_Enabled'] },
    ],
    groups: [
      { name: 'Acme_Integration', members: ['Acme_Sync_Set', 'Acme_Export'] },
      { name: 'Acme_Muted', members: ['Acme_Sync_Set', 'Acme_Export'], muting: { name: 'Acme_Muted_Muting', customPermissions: ['Acme_Sync_Enabled'] } },
    ],
    users: [
      { username: 'profile@cp.example', profile: 'Sync Profile', permissionSets: ['Acme_Export'] },
      { username: 'group@cp.example', profile: 'Plain Profile', groups: ['Acme_Integration'] },
      { username: 'muted@cp.example', profile: 'Plain Profile', groups: ['Acme_Muted'] },
      { username: 'session@cp.example', profile: 'Plain Profile', permissionSets: ['Acme_Sync_Session'] },
      { username: 'none@cp.example', profile: 'Plain Profile' },
    ],
  });

const customFindings = (requirements: Requirements, built: BuiltOrg, username: string): Array<[string, string]> =>
  evaluateUser(requirements, built.snapshot, built.user(username))
    .findings.filter((f) => f.kind === 'customPermission')
    .map((f) => [f.requirement, f.status]);

describe('custom permissions: manifest', () => {
  it('reads customPermissions at the top level and in features, keeping a namespace prefix as written', async () => {
    const manifest = await loadManifestFile(MANIFEST);
    expect(manifest.customPermissions?.map((i) => i.names)).to.deep.equal([['Acme_Sync_Enabled'], ['acme__Bulk_Export']]);
    expect(manifest.features.legacy.body.customPermissions?.map((i) => i.names)).to.deep.equal([['Acme_Legacy_Mode']]);
    const merged = await requirementsOf(['legacy']);
    expect(merged.customPermissions?.map((i) => [i.names[0], i.path])).to.deep.equal([
      ['Acme_Sync_Enabled', 'customPermissions[0]'],
      ['acme__Bulk_Export', 'customPermissions[1]'],
      ['Acme_Legacy_Mode', 'features.legacy.customPermissions[0]'],
    ]);
  });
});

describe('custom permissions: who grants each (SetupEntityAccess of type CustomPermission)', () => {
  it('the profile and a permission set grant them, and the finding names each', async () => {
    const built = org();
    const verdict = evaluateUser(await requirementsOf(), built.snapshot, built.user('profile@cp.example'));
    const byName = Object.fromEntries(verdict.findings.filter((f) => f.kind === 'customPermission').map((f) => [f.requirement, f]));
    expect(byName['custom permission Acme_Sync_Enabled'].grantedBy).to.deep.equal([{ kind: 'Profile', name: 'Sync Profile' }]);
    expect(byName['custom permission acme__Bulk_Export'].grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Acme_Export' }]);
  });

  it('a permission set group grants what its members grant', async () => {
    expect(customFindings(await requirementsOf(), org(), 'group@cp.example')).to.deep.equal([
      ['custom permission Acme_Sync_Enabled', 'pass'],
      ['custom permission acme__Bulk_Export', 'pass'],
    ]);
  });

  it("a group's muting permission set removes it: fail, naming the muting set", async () => {
    const built = org();
    const verdict = evaluateUser(await requirementsOf(), built.snapshot, built.user('muted@cp.example'));
    const muted = verdict.findings.find((f) => f.requirement === 'custom permission Acme_Sync_Enabled');
    expect(muted?.status).to.equal('fail');
    expect(muted?.message).to.contain('Acme_Muted_Muting');
    expect(customFindings(await requirementsOf(), built, 'muted@cp.example')[1]).to.deep.equal(['custom permission acme__Bulk_Export', 'pass']);
  });

  it('a session-based set counts only while activated: warn', async () => {
    expect(customFindings(await requirementsOf(), org(), 'session@cp.example')).to.deep.equal([
      ['custom permission Acme_Sync_Enabled', 'warn'],
      ['custom permission acme__Bulk_Export', 'fail'],
    ]);
  });

  it('a custom permission the org does not have is an error (no permission set can grant it), not a fail', async () => {
    expect(customFindings(await requirementsOf(['legacy']), org(), 'none@cp.example')).to.deep.equal([
      ['custom permission Acme_Sync_Enabled', 'fail'],
      ['custom permission acme__Bulk_Export', 'fail'],
      ['custom permission Acme_Legacy_Mode', 'error'],
    ]);
  });
});

describe('custom permissions: grant', () => {
  it('the plan enables the ones the org has and leaves out the one it does not, with the step to take', async () => {
    const built = org();
    const plan = planPermissionSet(await requirementsOf(['legacy']), built.snapshot);
    // sorted by code point, like every list in the generated set (byte-identical re-runs)
    expect(plan.customPermissions?.map((c) => c.name)).to.deep.equal(['Acme_Sync_Enabled', 'acme__Bulk_Export']);
    const left = plan.omitted.find((o) => o.item === 'custom permission Acme_Legacy_Mode');
    expect(left?.why).to.contain('install the package');
  });

  it('writes <customPermissions> that the Metadata API schema accepts, and reads them back', async () => {
    const built = org();
    const plan = planPermissionSet(await requirementsOf(), built.snapshot);
    const xml = permissionSetXml(plan);
    const verdict = await validatePermissionSetXml(xml);
    expect(verdict.errors).to.deep.equal([]);
    expect(verdict.valid).to.equal(true);
    expect(parsePermissionSetXml(xml).customPermissions).to.deep.equal([
      { name: 'Acme_Sync_Enabled', enabled: true },
      { name: 'acme__Bulk_Export', enabled: true },
    ]);
  });
});
