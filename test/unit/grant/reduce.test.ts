/*
 * The reduction planner (src/grant/reduce.ts) on the demo org (emulator/states/demo.yaml, turned into a
 * snapshot by the fixtures' builder with the real describes and permission names), the shipped presets
 * and the real least-privilege planner: what grant --reduce would plan against `npm run demo`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseStateText } from '../../../emulator/src/state.js';
import { loadPreset } from '../../../src/requirements/presets.js';
import { applyFeatures } from '../../../src/requirements/index.js';
import type { Requirements } from '../../../src/requirements/types.js';
import { planPermissionSet } from '../../../src/grant/plan.js';
import { MINIMAL_INTEGRATION_PROFILE, MINIMAL_PROFILE, planUserReduction } from '../../../src/grant/reduce.js';
import type { ReductionUser } from '../../../src/grant/reduce.js';
import type { PermissionSetPlan } from '../../../src/grant/types.js';
import { buildSnapshot, type BuiltOrg, type OrgSpec } from '../../fixtures/snapshots/builder.js';
import { REPO_ROOT } from '../../sharedFixtures.js';

/** The demo org state as a builder spec (same profiles, sets, groups with muting, users, org-wide defaults). */
const demoOrg = (): BuiltOrg => {
  const state = parseStateText(readFileSync(join(REPO_ROOT, 'emulator', 'states', 'demo.yaml'), 'utf8'));
  const spec: OrgSpec = {
    personAccounts: state.personAccounts === true,
    sharing: state.orgWideDefaults,
    profiles: (state.profiles ?? []).map((p) => ({ ...p })),
    permissionSets: (state.permissionSets ?? []).map((s) => ({ ...s })),
    groups: (state.permissionSetGroups ?? []).map((g) => ({ name: g.name, members: g.members, ...(g.mutingPermissionSet ? { muting: g.mutingPermissionSet } : {}) })),
    users: (state.users ?? []).map((u) => ({
      username: u.username,
      profile: u.profile,
      permissionSets: u.permissionSets,
      groups: u.permissionSetGroups,
      permissionSetLicenses: u.permissionSetLicenses,
      isActive: u.isActive,
      isFrozen: u.isFrozen,
    })),
  };
  return buildSnapshot(spec);
};

const preset = async (name: string): Promise<Requirements> => applyFeatures(await loadPreset(name), []);

const reduce = async (presetName: string, username: string, edit?: (plan: PermissionSetPlan) => PermissionSetPlan): Promise<ReductionUser> => {
  const org = demoOrg();
  const user = org.user(username);
  // as `grant --user USERNAME` reads it: the snapshot holds the users asked for only
  const snapshot = { ...org.snapshot, users: [user] };
  const requirements = await preset(presetName);
  const plan = planPermissionSet(requirements, snapshot, {});
  return planUserReduction(requirements, snapshot, edit ? edit(plan) : plan, user);
};

const names = (sets: Array<{ kind: string; name: string }>): string[] => sets.map((s) => `${s.kind} ${s.name}`);

describe('grant --reduce: the reduction plan on the demo org', () => {
  it('integration@ (Ciro): Legacy_Data_Sync contributes only excess and Ciro_Integration is covered by the new set: both go', async () => {
    const r = await reduce('ciro', 'integration@acme.example');
    expect(names(r.unassign)).to.deep.equal(['PermissionSet Ciro_Integration', 'PermissionSet Legacy_Data_Sync']);
    expect(r.keep).to.deep.equal([]);
    // the API-only integration profile grants nothing high-risk: no manual profile step
    expect(r.profile).to.deep.include({ name: MINIMAL_INTEGRATION_PROFILE, overGrants: [] });
    expect(r.profile.suggestion).to.equal(undefined);
  });

  it('a set that grants something required the new set does not carry stays, naming what only it provides', async () => {
    // the agent's CrankWheel_User grants Approve Uninstalled Connected Apps; a generated set without it
    // (an older copy, deployed before the manifest asked for it) cannot replace CrankWheel_User
    const full = await reduce('crankwheel', 'agent@acme.example');
    expect(names(full.unassign)).to.deep.equal(['PermissionSet CrankWheel_User']);
    const r = await reduce('crankwheel', 'agent@acme.example', (plan) => ({
      ...plan,
      userPermissions: plan.userPermissions.filter((p) => p.name !== 'CanApproveUninstalledApps'),
    }));
    expect(r.unassign).to.deep.equal([]);
    expect(names(r.keep)).to.deep.equal(['PermissionSet CrankWheel_User']);
    expect(r.keep[0].provides.join(' ')).to.match(/CanApproveUninstalledApps/);
  });

  it('a permission set group (with its muting set) is a candidate as a whole: ops@ loses Sales_Ops once the new set covers it', async () => {
    const org = demoOrg();
    const groupId = org.setId('Sales_Ops');
    const r = await reduce('crankwheel', 'ops@acme.example');
    expect(r.unassign.map((s) => [s.kind, s.name, s.permissionSetId])).to.deep.equal([['PermissionSetGroup', 'Sales_Ops', groupId]]);
    // a new set without Lead access (held through the group's Sales_Base member): the group stays
    const kept = await reduce('crankwheel', 'ops@acme.example', (plan) => ({ ...plan, objectPermissions: plan.objectPermissions.filter((o) => o.object !== 'Lead') }));
    expect(names(kept.keep)).to.deep.equal(['PermissionSetGroup Sales_Ops']);
    expect(kept.keep[0].provides).to.include('Lead: read');
  });

  it('the profile is never unassigned; when it over-grants at high risk, a minimal profile is a manual step', async () => {
    const r = await reduce('ciro', 'admin@acme.example');
    expect(r.unassign.map((s) => s.kind)).to.not.include('Profile');
    expect(r.profile.name).to.equal('System Administrator');
    expect(r.profile.overGrants).to.include.members(['ModifyAllData', 'ViewAllData', 'AuthorApex', 'ManageUsers']);
    expect(r.profile.suggestion).to.equal(MINIMAL_PROFILE);
    // the Standard User profile grants nothing high-risk the crankwheel manifest does not need
    const ops = await reduce('crankwheel', 'ops@acme.example');
    expect(ops.profile).to.deep.include({ name: 'Standard User', overGrants: [] });
    expect(ops.profile.suggestion).to.equal(undefined);
  });
});
