import { expect } from 'chai';
import { BUILTIN_PERMISSION_LABELS, evaluateUser } from '../../../src/evaluation/index.js';
import {
  API_ONLY_INTEGRATION_PROFILE,
  BuiltOrg,
  MINIMUM_ACCESS,
  OrgSpec,
  PLATFORM_PROFILE,
  SYSTEM_ADMINISTRATOR,
  buildSnapshot,
} from '../../fixtures/snapshots/builder.js';
import { makeRequirements } from '../../fixtures/snapshots/requirements.js';
import { realPermissionLabels, realPermissionNames } from '../../fixtures/snapshots/salesforceData.js';
import { expectWellFormed, findingOf, verdictOf } from './helpers.js';

const USER = 'sync@acme.example';
const ADMIN = 'admin@acme.example';

const org = (spec: Partial<OrgSpec> & { sets?: string[]; groupNames?: string[]; user?: Partial<OrgSpec['users'][number]> } = {}): BuiltOrg =>
  buildSnapshot({
    ...spec,
    profiles: [MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR, PLATFORM_PROFILE, API_ONLY_INTEGRATION_PROFILE],
    users: [
      { username: USER, profile: MINIMUM_ACCESS.name, permissionSets: spec.sets ?? [], groups: spec.groupNames ?? [], ...(spec.user ?? {}) },
      { username: ADMIN, profile: SYSTEM_ADMINISTRATOR.name },
    ],
  });

const API = makeRequirements({ systemPermissions: ['ApiEnabled'] });

describe('evaluation: org', () => {
  const cases: Array<{ edition: string; status: string }> = [
    { edition: 'Enterprise Edition', status: 'pass' },
    { edition: 'Unlimited Edition', status: 'pass' },
    { edition: 'Developer Edition', status: 'pass' },
    { edition: 'Professional Edition', status: 'warn' },
    { edition: 'Team Edition', status: 'error' },
    { edition: 'Personal Edition', status: 'error' },
  ];
  for (const c of cases) {
    it(`${c.edition} → ${c.status}`, () => {
      const v = verdictOf(API, org({ edition: c.edition }), USER);
      const f = findingOf(v, 'API access (edition)');
      expect(f.kind).to.equal('org');
      expect(f.status).to.equal(c.status);
      expectWellFormed(v);
    });
  }

  it('warns when fewer than 10 % of the daily API requests remain', () => {
    expect(findingOf(verdictOf(API, org({ dailyApiRequests: { max: 100_000, remaining: 9999 } }), USER), 'daily API requests').status).to.equal('warn');
    expect(findingOf(verdictOf(API, org({ dailyApiRequests: { max: 100_000, remaining: 10_000 } }), USER), 'daily API requests').status).to.equal('pass');
  });
});

describe('evaluation: user status', () => {
  // issue 14 §3: an inactive user is something the admin fixes, like a frozen one (`error` is for what the org cannot do)
  it('an inactive user fails with the fix "activate the user"', () => {
    const v = verdictOf(API, org({ user: { isActive: false } }), USER);
    const f = findingOf(v, 'user is active');
    expect(f.status).to.equal('fail');
    expect(f.message).to.contain('is inactive');
    expect(f.fix).to.match(/^Activate the user \(Setup > Users > sync@acme.example > Edit > Active\)/);
    expect(v.passed).to.equal(false);
  });

  it('a frozen user fails with the unfreeze fix', () => {
    const v = verdictOf(API, org({ user: { isFrozen: true } }), USER);
    const f = findingOf(v, 'user is active');
    expect(f.status).to.equal('fail');
    expect(f.fix).to.contain('Unfreeze');
    expect(f.fix).to.contain('Setup > Users');
    expect(v.passed).to.equal(false);
  });

  it('an active user passes', () => {
    expect(findingOf(verdictOf(API, org(), USER), 'user is active').status).to.equal('pass');
  });
});

describe('evaluation: licences and permission set licences', () => {
  it('a Platform user fails a Salesforce licence requirement, with a fix', () => {
    const o = org({ user: { profile: PLATFORM_PROFILE.name } });
    const f = findingOf(verdictOf(makeRequirements({ licenses: ['Salesforce'] }), o, USER), 'user licence Salesforce');
    expect(f.status).to.equal('fail');
    expect(f.message).to.contain('Salesforce Platform');
    expect(f.fix).to.contain('Salesforce licence');
  });

  it('alternative licences pass on any of them', () => {
    const o = org({ user: { profile: PLATFORM_PROFILE.name } });
    const f = findingOf(verdictOf(makeRequirements({ licenses: [['Salesforce', 'Salesforce Platform']] }), o, USER), 'user licence Salesforce or Salesforce Platform');
    expect(f.status).to.equal('pass');
    expect(f.chosen).to.equal('Salesforce Platform');
  });

  describe('Salesforce Integration licence', () => {
    const req = makeRequirements({ objects: { Contact: { access: ['read'] } } });
    const requirement = 'permission set licence SalesforceAPIIntegrationPsl (object access for the Salesforce Integration licence)';

    it('without the Salesforce API Integration PSL: fail, fix assigns the PSL first', () => {
      const o = org({ user: { profile: API_ONLY_INTEGRATION_PROFILE.name } });
      const f = findingOf(verdictOf(req, o, USER), requirement);
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('Assign the Salesforce API Integration permission set licence first');
    });

    it('with the PSL: pass', () => {
      const o = org({ user: { profile: API_ONLY_INTEGRATION_PROFILE.name, permissionSetLicenses: ['SalesforceAPIIntegrationPsl'] } });
      expect(findingOf(verdictOf(req, o, USER), requirement).status).to.equal('pass');
    });

    it('when the org does not have the PSL: error', () => {
      const o = org({ user: { profile: API_ONLY_INTEGRATION_PROFILE.name }, permissionSetLicenses: { SalesConsoleUser: 'Sales Console User' } });
      expect(findingOf(verdictOf(req, o, USER), requirement).status).to.equal('error');
    });
  });

  describe('required permission set licences', () => {
    const req = makeRequirements({ permissionSetLicenses: ['SalesforceAPIIntegrationPsl'] });
    it('assigned → pass', () => {
      const o = org({ user: { permissionSetLicenses: ['SalesforceAPIIntegrationPsl'] } });
      expect(findingOf(verdictOf(req, o, USER), 'permission set licence SalesforceAPIIntegrationPsl').status).to.equal('pass');
    });
    it('not assigned → fail with fix', () => {
      const f = findingOf(verdictOf(req, org(), USER), 'permission set licence SalesforceAPIIntegrationPsl');
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('Permission Set License Assignments');
    });
    it('unknown in the org → error', () => {
      const f = findingOf(verdictOf(makeRequirements({ permissionSetLicenses: ['CRMAnalyticsPlusPsl'] }), org(), USER), 'permission set licence CRMAnalyticsPlusPsl');
      expect(f.status).to.equal('error');
    });
  });
});

describe('evaluation: required permission sets', () => {
  const sets = [{ name: 'Vendor_Package_User', systemPermissions: [] }, { name: 'Reports', systemPermissions: ['RunReports'] }];
  it('assigned by name → pass', () => {
    const o = org({ permissionSets: sets, sets: ['Vendor_Package_User'] });
    const f = findingOf(verdictOf(makeRequirements({ permissionSets: ['Vendor_Package_User'] }), o, USER), 'permission set Vendor_Package_User');
    expect(f.status).to.equal('pass');
    expect(f.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Vendor_Package_User' }]);
  });
  it('a permission set group name counts', () => {
    const o = org({ permissionSets: sets, groups: [{ name: 'Sales_Ops', members: ['Reports'] }], groupNames: ['Sales_Ops'] });
    expect(findingOf(verdictOf(makeRequirements({ permissionSets: ['Sales_Ops'] }), o, USER), 'permission set Sales_Ops').status).to.equal('pass');
  });
  it('not assigned → fail with an assignment fix', () => {
    const f = findingOf(verdictOf(makeRequirements({ permissionSets: ['Vendor_Package_User'] }), org({ permissionSets: sets }), USER), 'permission set Vendor_Package_User');
    expect(f.status).to.equal('fail');
    expect(f.fix).to.contain('sf org assign permset --name Vendor_Package_User');
  });
});

describe('evaluation: system permissions', () => {
  it('the requirement text carries the Setup label', () => {
    const f = findingOf(verdictOf(API, org(), USER), 'ApiEnabled (API Enabled)');
    expect(f.kind).to.equal('systemPermission');
    expect(f.status).to.equal('pass');
    expect(f.grantedBy).to.deep.equal([{ kind: 'Profile', name: 'Minimum Access - Salesforce' }]);
    expect(f.path).to.equal('systemPermissions[0]');
  });

  it('the built-in labels agree with user-permission-labels.tsv', () => {
    const labels = realPermissionLabels();
    for (const [name, label] of Object.entries(BUILTIN_PERMISSION_LABELS)) {
      if (!labels.has(name)) continue; // UseAnyApiClient: no labelled source (see fixtures README)
      expect(label, name).to.equal(labels.get(name));
    }
  });

  it('labels permissions outside the built-in table from the label catalogue the caller passes (evaluation reads no files)', () => {
    const label = realPermissionLabels().get('EmailMass');
    expect(label).to.be.a('string');
    expect(BUILTIN_PERMISSION_LABELS).to.not.have.property('EmailMass');
    const o = org({ permissionSets: [{ name: 'Mass_Mail', systemPermissions: ['EmailMass'] }], sets: ['Mass_Mail'] });
    const req = makeRequirements({ systemPermissions: ['EmailMass'] });
    const f = findingOf(evaluateUser(req, o.snapshot, o.user(USER), { permissionLabel: (n) => realPermissionLabels().get(n) }), `EmailMass (${label as string})`);
    expect(f.status).to.equal('pass');
    // without the caller's catalogue only the built-in labels are known
    expect(findingOf(verdictOf(req, o, USER), 'EmailMass').status).to.equal('pass');
  });

  it('a caller-supplied label lookup takes precedence; a throwing one falls back', () => {
    const o = org();
    const req = makeRequirements({ systemPermissions: ['ApiEnabled'] });
    const custom = evaluateUser(req, o.snapshot, o.user(USER), { permissionLabel: (n) => (n === 'ApiEnabled' ? 'API aktiviert' : undefined) });
    expect(custom.findings.map((f) => f.requirement)).to.include('ApiEnabled (API aktiviert)');
    const throwing = evaluateUser(req, o.snapshot, o.user(USER), {
      permissionLabel: () => {
        throw new Error('no labels');
      },
    });
    expect(throwing.findings.map((f) => f.requirement)).to.include('ApiEnabled (API Enabled)');
  });

  it('a permission the org does not have is an error, not a fail', () => {
    expect(realPermissionNames()).to.not.include('ApiX');
    const f = findingOf(verdictOf(makeRequirements({ systemPermissions: ['ApiX'] }), org(), USER), 'ApiX');
    expect(f.status).to.equal('error');
    expect(f.message).to.equal('ApiX is not available in this org (edition or feature not enabled)');
  });

  it('UseAnyApiClient exists only with API Access Control: absent from the org → error', () => {
    expect(realPermissionNames()).to.include('UseAnyApiClient');
    const o = org({ absentPermissions: ['UseAnyApiClient'] });
    expect(findingOf(verdictOf(makeRequirements({ systemPermissions: ['UseAnyApiClient'] }), o, USER), 'UseAnyApiClient (Use Any API Client)').status).to.equal('error');
  });

  describe('CanApproveUninstalledApps when the reader fell back to readMetadata', () => {
    const req = makeRequirements({ systemPermissions: ['CanApproveUninstalledApps'] });
    const requirement = 'CanApproveUninstalledApps (Approve Uninstalled Connected Apps)';
    it('counts as available when a permission set lists it', () => {
      const o = org({ absentPermissions: ['CanApproveUninstalledApps'], permissionSets: [{ name: 'Approver', systemPermissions: ['CanApproveUninstalledApps'] }], sets: ['Approver'] });
      expect(findingOf(verdictOf(req, o, USER), requirement).status).to.equal('pass');
    });
    it('is an error when neither the org nor any set lists it', () => {
      const o = org({ absentPermissions: ['CanApproveUninstalledApps'] });
      expect(findingOf(verdictOf(req, o, USER), requirement).status).to.equal('error');
    });
  });

  describe('anyOf', () => {
    const requirement = 'ModifyAllData (Modify All Data) or ManageRemoteAccess (Manage Connected Apps)';
    const req = makeRequirements({ systemPermissions: [['ModifyAllData', 'ManageRemoteAccess']] });

    it('fails when no member is granted and suggests the least powerful member, never Modify All Data first', () => {
      const f = findingOf(verdictOf(req, org(), USER), requirement);
      expect(f.status).to.equal('fail');
      expect(f.chosen).to.equal('ManageRemoteAccess');
      expect(f.fix).to.contain('ManageRemoteAccess (Manage Connected Apps)');
      expect(f.fix).to.not.contain('ModifyAllData');
    });

    it('passes on any granted member and reports it in chosen', () => {
      const o = org({ permissionSets: [{ name: 'Apps', systemPermissions: ['ManageRemoteAccess', 'ViewSetup'] }], sets: ['Apps'] });
      const f = findingOf(verdictOf(req, o, USER), requirement);
      expect(f.status).to.equal('pass');
      expect(f.chosen).to.equal('ManageRemoteAccess');
      expect(f.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Apps' }]);
    });

    it('names every granted member, least powerful first (issue 14 §3)', () => {
      const o = org({
        permissionSets: [
          { name: 'Apps', systemPermissions: ['ManageRemoteAccess', 'ViewSetup'] },
          { name: 'Everything', systemPermissions: ['ModifyAllData', 'ViewAllData', 'ViewSetup'] },
        ],
        sets: ['Apps', 'Everything'],
      });
      const f = findingOf(verdictOf(req, o, USER), requirement);
      expect(f.status).to.equal('pass');
      expect(f.chosen).to.equal('ManageRemoteAccess');
      expect(f.message).to.equal('ManageRemoteAccess granted by PermissionSet: Apps; ModifyAllData granted by PermissionSet: Everything');
      expect(f.grantedBy).to.deep.equal([
        { kind: 'PermissionSet', name: 'Apps' },
        { kind: 'PermissionSet', name: 'Everything' },
      ]);
    });

    it('met through Use Any API Client next to Approve Uninstalled Connected Apps: passes as a permission, noting the Dec 2025 change (Help 005228838)', () => {
      const o = org({ permissionSets: [{ name: 'Any_Client', systemPermissions: ['UseAnyApiClient'] }], sets: ['Any_Client'] });
      const f = findingOf(
        verdictOf(makeRequirements({ systemPermissions: [['CanApproveUninstalledApps', 'UseAnyApiClient']] }), o, USER),
        'CanApproveUninstalledApps (Approve Uninstalled Connected Apps) or UseAnyApiClient (Use Any API Client)'
      );
      expect(f.status).to.equal('pass');
      expect(f.chosen).to.equal('UseAnyApiClient');
      expect(f.message).to.contain('since the week of 8 December 2025 Use Any API Client no longer lets a user authorize an uninstalled connected app (Salesforce Help 005228838)');
    });

    it('passes with a member that is absent from the org when another is granted', () => {
      const o = org({ absentPermissions: ['UseAnyApiClient'], permissionSets: [{ name: 'Approver', systemPermissions: ['CanApproveUninstalledApps'] }], sets: ['Approver'] });
      const f = findingOf(
        verdictOf(makeRequirements({ systemPermissions: [['CanApproveUninstalledApps', 'UseAnyApiClient']] }), o, USER),
        'CanApproveUninstalledApps (Approve Uninstalled Connected Apps) or UseAnyApiClient (Use Any API Client)'
      );
      expect(f.status).to.equal('pass');
      expect(f.chosen).to.equal('CanApproveUninstalledApps');
    });
  });

  it('a permission muted by a permission set group fails and names the muting set', () => {
    const o = org({
      permissionSets: [{ name: 'Vendor_Access', systemPermissions: ['EditEvent'] }],
      groups: [{ name: 'Sales_Ops', members: ['Vendor_Access'], muting: { name: 'Sales_Ops_Muting', systemPermissions: ['EditEvent'] } }],
      groupNames: ['Sales_Ops'],
    });
    const v = verdictOf(makeRequirements({ systemPermissions: ['EditEvent'] }), o, USER);
    const f = findingOf(v, 'EditEvent (Edit Events)');
    expect(f.status).to.equal('fail');
    expect(f.message).to.contain("muted by the group's muting permission set Sales_Ops_Muting");
    expect(f.message).to.contain('Vendor_Access');
    expect(f.fix).to.contain('Sales_Ops_Muting');
  });

  it('a permission granted only by a session-based set is a warning', () => {
    const o = org({ permissionSets: [{ name: 'Elevated_Session', sessionBased: true, systemPermissions: ['EditEvent'] }], sets: ['Elevated_Session'] });
    const v = verdictOf(makeRequirements({ systemPermissions: ['EditEvent'] }), o, USER);
    const f = findingOf(v, 'EditEvent (Edit Events)');
    expect(f.status).to.equal('warn');
    expect(f.message).to.equal('granted only by session-based permission set Elevated_Session (counts only while activated)');
    expect(v.passed).to.equal(true);
  });
});

describe('evaluation: forbidden permissions', () => {
  const req = makeRequirements({ forbiddenPermissions: ['ApiUserOnly'] });
  it('held → fail naming what grants it', () => {
    const o = org({ user: { profile: API_ONLY_INTEGRATION_PROFILE.name } });
    const f = findingOf(verdictOf(req, o, USER), 'not ApiUserOnly (API Only User)');
    expect(f.kind).to.equal('forbiddenPermission');
    expect(f.status).to.equal('fail');
    expect(f.message).to.equal('must not hold ApiUserOnly; granted by Profile: Minimum Access - API Only Integrations');
  });
  it('not held → pass', () => {
    expect(findingOf(verdictOf(req, org(), USER), 'not ApiUserOnly (API Only User)').status).to.equal('pass');
  });
});

describe('evaluation: over-granting', () => {
  it('warns about Modify All Data, Customize Application and Author Apex held by the profile but not required', () => {
    const v = verdictOf(API, org(), ADMIN);
    const over = v.findings.filter((f) => f.kind === 'overGrant');
    expect(over.map((f) => f.requirement)).to.deep.equal([
      'not required: ModifyAllData (Modify All Data)',
      'not required: CustomizeApplication (Customize Application)',
      'not required: AuthorApex (Author Apex)',
    ]);
    for (const f of over) {
      expect(f.status).to.equal('warn');
      expect(f.grantedBy).to.deep.equal([{ kind: 'Profile', name: 'System Administrator' }]);
    }
    expect(v.passed).to.equal(true);
  });

  it('does not warn about what the requirements ask for', () => {
    const v = verdictOf(makeRequirements({ systemPermissions: ['ApiEnabled', 'CustomizeApplication'] }), org(), ADMIN);
    expect(v.findings.filter((f) => f.kind === 'overGrant').map((f) => f.requirement)).to.not.include('not required: CustomizeApplication (Customize Application)');
  });

  // issue 14 §3: what a required permission implies is not an over-grant (Modify All Data implies View All
  // Data: "View All and Modify All Permissions Overview"; Author Apex requires Modify All Data)
  it('a manifest requiring Modify All Data gets no View All Data (or other implied) warning', () => {
    const o = org({ permissionSets: [{ name: 'Everything', systemPermissions: ['ModifyAllData', 'ViewAllData', 'ViewSetup'] }], sets: ['Everything'] });
    const over = verdictOf(makeRequirements({ systemPermissions: ['ModifyAllData'] }), o, USER).findings.filter((f) => f.kind === 'overGrant');
    expect(over).to.deep.equal([]);
  });

  it('a manifest requiring Author Apex gets no Modify All Data or View All Data warning; Customize Application still warns', () => {
    const over = verdictOf(makeRequirements({ systemPermissions: ['AuthorApex'] }), org(), ADMIN).findings.filter((f) => f.kind === 'overGrant');
    expect(over.map((f) => f.requirement)).to.deep.equal(['not required: CustomizeApplication (Customize Application)']);
  });

  it('warns about View All Data held through a permission set', () => {
    const o = org({ permissionSets: [{ name: 'Auditor', systemPermissions: ['ViewAllData', 'ViewSetup'] }], sets: ['Auditor'] });
    const over = verdictOf(API, o, USER).findings.filter((f) => f.kind === 'overGrant');
    expect(over).to.have.length(1);
    expect(over[0].message).to.contain('granted by PermissionSet: Auditor');
  });

  it('a least-privilege user gets no over-grant warning', () => {
    expect(verdictOf(API, org(), USER).findings.filter((f) => f.kind === 'overGrant')).to.deep.equal([]);
  });
});
