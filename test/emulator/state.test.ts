import { expect } from 'chai';
import type { OrgState } from '../../emulator/src/orgState.js';
import { loadStateFile, parseStateText, serializeState, StateError, validateState } from '../../emulator/src/state.js';
import { buildDescribes } from '../../emulator/src/describes.js';
import { compileTables } from '../../emulator/src/tables.js';
import { demoState, demoStatePath, permissionableFields } from './helpers.js';

const refusal = (state: OrgState): StateError => {
  try {
    validateState(state);
  } catch (e) {
    if (e instanceof StateError) return e;
    throw e;
  }
  throw new Error('the state was accepted');
};

const base = (): OrgState => ({
  permissionSetLicenses: [{ developerName: 'SalesforceAPIIntegrationPsl' }],
  profiles: [
    { name: 'Custom Integration', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled'] },
    { name: 'API Only', userLicense: 'Salesforce Integration', systemPermissions: ['ApiEnabled'] },
    { name: 'Platform User', userLicense: 'Salesforce Platform' },
  ],
  permissionSets: [
    { name: 'First', objectPermissions: { Account: ['read'] } },
    { name: 'Second' },
    { name: 'Vendor_Access', objectPermissions: { Contact: ['read'] } },
  ],
  users: [{ username: 'sync@acme.example', profile: 'Custom Integration' }],
});

describe('emulator state loader', () => {
  it('loads the demo org without violations', () => {
    const state = loadStateFile(demoStatePath);
    expect(state.users?.map((u) => u.username)).to.include.members([
      'admin@acme.example',
      'agent@acme.example',
      'integration@acme.example',
      'integration-nopsl@acme.example',
      'platform@acme.example',
      'ops@acme.example',
      'frozen@acme.example',
      'former@acme.example',
    ]);
  });

  it('refuses Edit without Read and names the place', () => {
    const s = base();
    s.permissionSets![2].objectPermissions = { Contact: ['edit'] };
    const e = refusal(s);
    expect(e.rule).to.equal('object-permission-dependencies');
    expect(e.place).to.equal('permissionSets[2].objectPermissions.Contact');
    expect(e.message).to.contain('permissionSets[2].objectPermissions.Contact').and.contain('Read');
  });

  it('refuses Modify All without View All / Delete', () => {
    const s = base();
    s.profiles![0].objectPermissions = { Account: ['read', 'edit', 'modifyAll'] };
    const e = refusal(s);
    expect(e.place).to.equal('profiles[0].objectPermissions.Account');
    expect(e.reason).to.contain('Delete').and.contain('View All');
  });

  it('refuses field permissions on fields that are not permissionable or do not exist', () => {
    const s = base();
    // Contact.LastName exists in the real describe but is not permissionable (required)
    s.permissionSets![1].fieldPermissions = { 'Contact.LastName': 'read' };
    expect(refusal(s).rule).to.equal('field-not-permissionable');
    const t = base();
    t.permissionSets![1].fieldPermissions = { 'Lead.HomePhone': 'read' };
    const e = refusal(t);
    expect(e.rule).to.equal('unknown-field');
    expect(e.place).to.equal('permissionSets[1].fieldPermissions.Lead.HomePhone');
  });

  it('accepts every permissionable field of the real Contact describe', () => {
    const s = base();
    const fields = permissionableFields('Contact');
    expect(fields.length).to.be.greaterThan(20);
    s.permissionSets![1].fieldPermissions = Object.fromEntries(fields.map((f) => [`Contact.${f}`, 'read' as const]));
    expect(() => validateState(s)).not.to.throw();
  });

  it('honours objects.absent and personAccounts', () => {
    const s = base();
    s.permissionSets![1].fieldPermissions = { 'Account.PersonEmail': 'read' };
    expect(refusal(s).rule).to.equal('unknown-field');
    s.personAccounts = true;
    expect(() => validateState(s)).not.to.throw();
    s.objects = { absent: ['Account.PersonEmail'] };
    expect(refusal(s).rule).to.equal('unknown-field');
    const t = base();
    t.objects = { absent: ['Lead'] };
    t.permissionSets![1].objectPermissions = { Lead: ['read'] };
    expect(refusal(t).rule).to.equal('unknown-object');
  });

  it('refuses object permissions on Task, Event and User', () => {
    const s = base();
    s.permissionSets![1].objectPermissions = { Event: ['read'] };
    expect(refusal(s).rule).to.equal('no-object-permissions');
  });

  it('refuses a permission set with a licence on a user without that licence', () => {
    const s = base();
    s.permissionSets![1].license = 'SalesforceAPIIntegrationPsl';
    s.users![0].permissionSets = ['Second'];
    const e = refusal(s);
    expect(e.rule).to.equal('permission-set-license');
    expect(e.place).to.equal('users[0].permissionSets[0]');
  });

  it('refuses object access for an integration-licence user without the API integration PSL', () => {
    const s = base();
    s.users!.push({ username: 'api@acme.example', profile: 'API Only', permissionSets: ['Vendor_Access'] });
    const e = refusal(s);
    expect(e.rule).to.equal('user-license');
    expect(e.place).to.equal('users[1].permissionSets[0]');
    expect(e.reason).to.equal("The user license doesn't allow the permission: Read Contact");
    s.users![1].permissionSetLicenses = ['SalesforceAPIIntegrationPsl'];
    expect(() => validateState(s)).not.to.throw();
  });

  it('refuses CRM objects on a Salesforce Platform user', () => {
    const s = base();
    s.permissionSets!.push({ name: 'Leads', objectPermissions: { Lead: ['read'] } });
    s.users!.push({ username: 'p@acme.example', profile: 'Platform User', permissionSets: ['Leads'] });
    expect(refusal(s).reason).to.equal("The user license doesn't allow the permission: Read Lead");
  });

  it('refuses unknown references, unknown permissions and missing system permission dependencies', () => {
    const s = base();
    s.users![0].profile = 'Nope';
    expect(refusal(s)).to.include({ rule: 'unknown-reference', place: 'users[0].profile' });
    const t = base();
    t.permissionSets![0].systemPermissions = ['ApiEnabeld'];
    expect(refusal(t)).to.include({ rule: 'unknown-permission', place: 'permissionSets[0].systemPermissions[0]' });
    const u = base();
    u.permissionSets![0].systemPermissions = ['UseAnyApiClient'];
    expect(refusal(u).rule).to.equal('unknown-permission');
    u.apiAccessControl = true;
    expect(() => validateState(u)).not.to.throw();
    const v = base();
    v.permissionSets![0].systemPermissions = ['ModifyAllData', 'ViewAllData'];
    const e = refusal(v);
    expect(e.rule).to.equal('system-permission-dependencies');
    expect(e.reason).to.equal('Permission ViewAllData depends on permission(s): ViewSetup');
  });

  it('refuses a custom permission the org does not define, and compiles one SetupEntityAccess row per granting set', () => {
    const s = base();
    s.permissionSets![1].customPermissions = ['Acme_Sync'];
    expect(refusal(s)).to.include({ rule: 'unknown-custom-permission', place: 'permissionSets[1].customPermissions[0]' });
    s.customPermissions = [{ name: 'Acme_Sync' }, { name: 'acme__Export', label: 'Export' }];
    s.profiles![0].customPermissions = ['acme__Export'];
    expect(() => validateState(s)).not.to.throw();
    const db = compileTables(s, buildDescribes(s));
    const definitions = db.table('CustomPermission')?.rows ?? [];
    expect(definitions.map((r) => [r.DeveloperName, r.NamespacePrefix])).to.deep.equal([
      ['Acme_Sync', null],
      ['Export', 'acme'],
    ]);
    const access = (db.table('SetupEntityAccess')?.rows ?? []).filter((r) => r.SetupEntityType === 'CustomPermission');
    expect(access).to.have.length(2);
  });

  it('reports every violation, not only the first', () => {
    const s = base();
    s.permissionSets![0].objectPermissions = { Account: ['edit'] };
    s.permissionSets![1].fieldPermissions = { 'Contact.Nope__c': 'read' };
    expect(refusal(s).violations).to.have.length(2);
  });

  it('refuses bad YAML and duplicate keys with the file name', () => {
    expect(() => parseStateText('users: [', 'x.yaml')).to.throw(StateError, /x\.yaml/);
    expect(() => parseStateText('edition: A\nedition: B\n', 'dup.yaml')).to.throw(StateError);
  });

  it('reads JSON state text as YAML would, refusing a repeated key (escaped spellings too)', () => {
    const state = demoState();
    const json = JSON.stringify(state);
    expect(parseStateText(json)).to.deep.equal(state);
    expect(parseStateText(JSON.stringify(state, null, 2))).to.deep.equal(state);
    expect(parseStateText('{"name": "a\\"b", "edition": "Enterprise"}')).to.deep.equal({ name: 'a"b', edition: 'Enterprise' });
    expect(() => parseStateText('{"edition": "A", "edition": "B"}', 'dup.json')).to.throw(StateError, /dup\.json/);
    expect(() => parseStateText('{"users": [{"username": "a", "profile": "P", "username": "b"}]}')).to.throw(StateError);
    expect(() => parseStateText('{"edition": "A", "\\u0065dition": "B"}')).to.throw(StateError);
    // the same key in different objects is no repeat
    expect(parseStateText('{"users": [{"username": "a"}, {"username": "b"}]}').users).to.have.length(2);
  });

  it('serializes back to YAML that loads to the same state and the same Ids', () => {
    const state = demoState();
    const again = parseStateText(serializeState(state));
    expect(again).to.deep.equal(state);
    const ids = (s: OrgState): string[] =>
      compileTables(s, buildDescribes(s))
        .table('PermissionSet')!
        .rows.map((r) => `${String(r.Name)}=${String(r.Id)}`);
    expect(ids(again)).to.deep.equal(ids(state));
    expect(ids(state).every((x) => /=0PS[0-9A-Za-z]{15}$/.test(x))).to.equal(true);
  });
});
