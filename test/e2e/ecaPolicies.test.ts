/*
 * grant for an admin-approved External Client App, end to end through bin/run.js against the emulator
 * (emulator/states/cases/eca.yaml). An ECA pre-authorizes the profiles and permission sets its OAuth policies
 * list (Salesforce Help "Preauthorize User App Access Through External Client App Policies";
 * ExtlClntAppOauthConfigurablePolicies.commaSeparatedPermissionSet, Metadata API Developer Guide, 59.0+), so
 * grant adds the generated set to that list and deploys the policies, keeping every existing entry, instead
 * of inserting SetupEntityAccess as for a connected app.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { GrantResult } from '../../src/commands/integration/grant.js';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { DoctorResult } from '../../src/doctor/index.js';
import { RunningEmulator, runCli, startEmulator } from './harness.js';

type StateApp = { name: string; permissionSets?: string[]; profiles?: string[]; permittedUsers?: string };

const MANIFEST = `name: vendor-locked
label: Vendor Locked
oauth:
  app: Vendor_Locked
  permittedUsers: adminApproved
systemPermissions:
  - API Enabled
`;

describe('e2e: grant pre-authorizes a set in an External Client App\'s OAuth policies (emulator/states/cases/eca.yaml)', function () {
  this.timeout(240_000);
  let emu: RunningEmulator;
  let manifest: string;
  const appOf = async (): Promise<StateApp> =>
    ((await emu.state()).connectedApps as StateApp[]).find((a) => a.name === 'Vendor_Locked')!;

  before(async () => {
    emu = await startEmulator('emulator/states/cases/eca.yaml');
    manifest = join(emu.home, 'vendor-locked.yaml');
    writeFileSync(manifest, MANIFEST);
  });
  after(async () => emu?.stop());

  // the unverified parts (the component name = ExtlClntAppOauthPlcyCnfg.DeveloperName; names vs Ids) are what
  // `sf integration doctor --app` reports on a real org
  it('doctor --app on an ECA reports the policies readMetadata as a shape, with what is unverified', async () => {
    const r = await runCli(emu.home, ['integration', 'doctor', '-o', emu.alias, '--app', 'Vendor_Locked', '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const shape = (r.json!.result as DoctorResult).shapes.find((x) => x.shape === 'ecaPolicyLists');
    expect([shape?.status, shape?.query]).to.deep.equal(['ok', 'readMetadata ExtlClntAppOauthConfigurablePolicies Vendor_Locked_oauthPlcy']);
    expect(shape?.unverified).to.include('ExtlClntAppOauthPlcyCnfg.DeveloperName');
  });

  // reading the policies needs "View all External Client Apps, view their settings, and edit their policies"
  // (the type's special access rule): refused, the check goes on with the SetupEntityAccess rows
  // (SetupEntityType 'ExternalClientApplication', Object Reference API 60.0+) and says the policies were not read
  it('when the org refuses the policies readMetadata, access still counts through SetupEntityAccess, and the failure says so', async () => {
    await emu.setFaults([{ match: '/services/Soap/m/', fault: 'INSUFFICIENT_ACCESS', times: 100 }]);
    try {
      const r = await runCli(emu.home, ['integration', 'check', '--manifest', manifest, '-o', emu.alias, '--user', 'rep@eca.example', '--user', 'preauth@eca.example', '--json']);
      expect(r.code, r.stdout + r.stderr).to.equal(3);
      const result = r.json!.result as CheckResult;
      const of = (u: string): CheckResult['users'][number]['findings'][number] | undefined =>
        result.users.find((x) => x.username === u)?.findings.find((f) => f.requirement === 'oauth app access Vendor_Locked');
      expect([of('preauth@eca.example')?.status, of('preauth@eca.example')?.grantedBy]).to.deep.equal(['pass', [{ kind: 'PermissionSet', name: 'Vendor_Locked_Access' }]]);
      expect(of('rep@eca.example')?.status).to.equal('fail');
      expect(of('rep@eca.example')?.message).to.include('its OAuth policies could not be read');
    } finally {
      await emu.setFaults([]);
    }
  });

  it('before: the user is not pre-authorized (app access fails, naming the Setup path)', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '--manifest', manifest, '-o', emu.alias, '--user', 'rep@eca.example', '--json']);
    expect(r.code).to.equal(3);
    const access = (r.json!.result as CheckResult).users[0].findings.find((f) => f.requirement === 'oauth app access Vendor_Locked');
    expect(access?.status).to.equal('fail');
    expect(access?.fix).to.include('Setup > External Client App Manager > Vendor_Locked > Edit Policies > App Policies > Select Permission Sets');
  });

  it('grant --deploy adds the set to the policies, keeps the existing entries, inserts no SetupEntityAccess, and the re-check passes', async () => {
    const out = join(emu.home, 'src');
    await emu.clearLog();
    const r = await runCli(emu.home, ['integration', 'grant', '--manifest', manifest, '-o', emu.alias, '--user', 'rep@eca.example', '--deploy', '--no-prompt', '--output-dir', out, '--json']);
    expect(r.code, r.stderr + r.stdout).to.equal(0);
    const result = r.json!.result as GrantResult;
    const setName = result.permissionSet.name;
    expect(result.assignments).to.deep.include({ username: '(permission set)', item: 'app access Vendor_Locked (OAuth policies Vendor_Locked_oauthPlcy)', status: 'assigned' });
    // the org: the set joins the list; the set and the profile already there stay
    const app = await appOf();
    expect(app.permissionSets).to.deep.equal(['Vendor_Locked_Access', setName]);
    expect(app.profiles).to.deep.equal(['ECA Integration']);
    expect(app.permittedUsers).to.equal('adminApproved');
    // the deployed source: the policies component with both entries, the rest as read from the org
    const xml = readFileSync(join(out, 'extlClntAppOauthPolicies', 'Vendor_Locked_oauthPlcy.ecaOauthPlcy-meta.xml'), 'utf8');
    expect(xml).to.include(`<commaSeparatedPermissionSet>Vendor_Locked_Access,${setName}</commaSeparatedPermissionSet>`);
    expect(xml).to.include('<commaSeparatedProfile>ECA Integration</commaSeparatedProfile>');
    expect(xml).to.include('<permittedUsersPolicyType>AdminApprovedPreAuthorized</permittedUsersPolicyType>');
    expect(xml).to.include('<refreshTokenPolicyType>SpecificInactivity</refreshTokenPolicyType>');
    // no SetupEntityAccess insert (grant reports every record it inserts; a connected app's is 'app access NAME')
    expect(result.assignments.map((a) => a.item)).to.not.include('app access Vendor_Locked');
    expect(result.assignments.map((a) => a.item)).to.include(`permission set ${setName}`);
    // the re-check, run by grant itself, passes app access through the new set
    const access = result.check.users[0].findings.find((f) => f.requirement === 'oauth app access Vendor_Locked');
    expect([access?.status, access?.grantedBy]).to.deep.equal(['pass', [{ kind: 'PermissionSet', name: setName }]]);
  });

  it('a second grant finds the set already listed: no second policies deploy, the list unchanged', async () => {
    const before = await appOf();
    const r = await runCli(emu.home, ['integration', 'grant', '--manifest', manifest, '-o', emu.alias, '--user', 'rep@eca.example', '--deploy', '--no-prompt', '--output-dir', join(emu.home, 'src'), '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const result = r.json!.result as GrantResult;
    expect(result.assignments.find((a) => a.item.startsWith('app access Vendor_Locked'))?.status).to.equal('alreadyAssigned');
    expect((await appOf()).permissionSets).to.deep.equal(before.permissionSets);
  });

  it('a separate check afterwards passes app access for the user through the generated set', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '--manifest', manifest, '-o', emu.alias, '--user', 'rep@eca.example', '--json']);
    expect(r.code, r.stdout).to.equal(0);
    const access = (r.json!.result as CheckResult).users[0].findings.find((f) => f.requirement === 'oauth app access Vendor_Locked');
    expect(access?.status).to.equal('pass');
  });
});
