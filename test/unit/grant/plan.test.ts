import { expect } from 'chai';
import fc from 'fast-check';
import {
  defaultPermissionSetName,
  diffPlanAgainstUser,
  INTEGRATION_PSL,
  PLAN_MARKER,
  permissionSetNameProblem,
  planPermissionSet,
} from '../../../src/grant/index.js';
import type { PermissionSetPlan, PlanObjectPermission } from '../../../src/grant/index.js';
import {
  describeFixture,
  fixtureFields,
  names,
  objectRequirement,
  permissionSource,
  rawDescribe,
  requirements,
  snapshot,
  user,
} from './orgFixtures.js';

function objectEntry(plan: PermissionSetPlan, object: string): PlanObjectPermission {
  const entry = plan.objectPermissions.find((candidate) => candidate.object === object);
  if (entry === undefined) throw new Error(`no objectPermissions for ${object} in ${JSON.stringify(plan.objectPermissions.map((e) => e.object))}`);
  return entry;
}

function flags(entry: PlanObjectPermission): Record<string, boolean> {
  const { read, create, edit, delete: del, viewAll, modifyAll, viewAllFields } = entry;
  return { read, create, edit, delete: del, viewAll, modifyAll, viewAllFields };
}

function userPermissionNames(plan: PermissionSetPlan): string[] {
  return plan.userPermissions.map((entry) => entry.name);
}

const NO_FLAGS = { read: false, create: false, edit: false, delete: false, viewAll: false, modifyAll: false, viewAllFields: false };

describe('grant plan: object permission closure', () => {
  it('Edit brings Read, as a dependency of the requirement that asked for Edit', () => {
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Contact', { access: ['edit'] })] }), snapshot(), {});
    const contact = objectEntry(plan, 'Contact');
    expect(flags(contact)).to.deep.equal({ ...NO_FLAGS, read: true, edit: true });
    expect(contact.reasons).to.deep.include({ path: 'objects.Contact.access[0]', kind: 'required' });
    expect(contact.reasons).to.deep.include({ path: 'objects.Contact.access[0]', kind: 'dependency', note: 'Edit requires Read' });
  });

  it('Modify All brings Read, Edit, Delete and View All but not Create', () => {
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Account', { access: ['modifyAll'] })] }), snapshot(), {});
    expect(flags(objectEntry(plan, 'Account'))).to.deep.equal({ ...NO_FLAGS, read: true, edit: true, delete: true, viewAll: true, modifyAll: true });
  });

  it('Delete brings Edit and Read; Create brings only Read; View All Fields brings Read', () => {
    const plan = planPermissionSet(
      requirements({
        objects: [
          objectRequirement('Case', { access: ['delete'] }),
          objectRequirement('Lead', { access: ['create'] }),
          objectRequirement('Opportunity', { access: ['viewAllFields'] }),
        ],
      }),
      snapshot(),
      {}
    );
    expect(flags(objectEntry(plan, 'Case'))).to.deep.equal({ ...NO_FLAGS, read: true, edit: true, delete: true });
    expect(flags(objectEntry(plan, 'Lead'))).to.deep.equal({ ...NO_FLAGS, read: true, create: true });
    expect(flags(objectEntry(plan, 'Opportunity'))).to.deep.equal({ ...NO_FLAGS, read: true, viewAllFields: true });
  });

  it('a field requirement alone gives Read on its object as a dependency', () => {
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Opportunity', { read: ['Amount'] })] }), snapshot(), {});
    const opportunity = objectEntry(plan, 'Opportunity');
    expect(flags(opportunity)).to.deep.equal({ ...NO_FLAGS, read: true });
    expect(opportunity.reasons).to.deep.equal([
      { path: 'objects.Opportunity.fields.read[0]', kind: 'dependency', note: 'field access needs Read on Opportunity' },
    ]);
  });

  it('an object absent from the org is omitted, with its fields', () => {
    const plan = planPermissionSet(
      requirements({ objects: [objectRequirement('Incident', { access: ['read'], read: ['Subject'] })] }),
      snapshot({ objects: { ...snapshot().objects, Incident: null } }),
      {}
    );
    expect(plan.objectPermissions).to.deep.equal([]);
    expect(plan.fieldPermissions).to.deep.equal([]);
    expect(plan.omitted).to.deep.equal([{ item: 'Incident', path: 'objects.Incident', why: 'object does not exist in this org (check reports it as an error)' }]);
  });
});

describe('grant plan: visibility all', () => {
  it('asks for View All (and Read) under a private org-wide default', () => {
    const org = snapshot();
    org.objects.Account = describeFixture('Account', 'Private');
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Account', { access: ['read'], visibility: 'all' })] }), org, {});
    expect(flags(objectEntry(plan, 'Account'))).to.deep.equal({ ...NO_FLAGS, read: true, viewAll: true });
  });

  it('adds nothing under a public org-wide default, and says why', () => {
    const org = snapshot();
    org.objects.Account = describeFixture('Account', 'ReadWrite');
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Account', { access: ['read'], visibility: 'all' })] }), org, {});
    expect(flags(objectEntry(plan, 'Account'))).to.deep.equal({ ...NO_FLAGS, read: true });
    const note = plan.omitted.find((entry) => entry.path === 'objects.Account.visibility');
    expect(note?.why).to.contain('ReadWrite');
  });
});

describe('grant plan: system permission dependencies', () => {
  it("follows the org's PermissionDependency when the snapshot has it", () => {
    const org = snapshot({ permissionDependencies: { CustomizeApplication: ['ViewSetup'], ViewSetup: [] } });
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'CustomizeApplication')] }), org, {});
    expect(userPermissionNames(plan)).to.deep.equal(['CustomizeApplication', 'ViewSetup']);
    const viewSetup = plan.userPermissions.find((entry) => entry.name === 'ViewSetup');
    expect(viewSetup?.reason).to.deep.equal({
      path: 'systemPermissions[0]',
      kind: 'dependency',
      note: 'CustomizeApplication requires ViewSetup (org PermissionDependency)',
    });
  });

  it("uses the org's table alone when it has one: the fallback is not mixed in", () => {
    // The org reports no dependency for ModifyAllData; the built-in table would add ViewAllData.
    const org = snapshot({ permissionDependencies: { CustomizeApplication: ['ViewSetup'] } });
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'ModifyAllData')] }), org, {});
    expect(userPermissionNames(plan)).to.deep.equal(['ModifyAllData']);
  });

  it('falls back to the built-in table when the snapshot has no dependencies, transitively', () => {
    const plan = planPermissionSet(
      requirements({
        systemPermissions: [names('systemPermissions[0]', 'CustomizeApplication'), names('systemPermissions[1]', 'ModifyAllData')],
      }),
      snapshot({ permissionDependencies: {} }),
      {}
    );
    expect(userPermissionNames(plan)).to.deep.equal(['CustomizeApplication', 'ModifyAllData', 'ViewAllData', 'ViewSetup']);
    const viewAllData = plan.userPermissions.find((entry) => entry.name === 'ViewAllData');
    expect(viewAllData?.reason.kind).to.equal('dependency');
    expect(viewAllData?.reason.path).to.equal('systemPermissions[1]');
    expect(viewAllData?.reason.note).to.contain('built-in fallback');
  });

  it('Manage Users brings View Roles and View Setup (fallback)', () => {
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'ManageUsers')] }), snapshot(), {});
    expect(userPermissionNames(plan)).to.deep.equal(['ManageUsers', 'ViewRoles', 'ViewSetup']);
  });

  it('omits a permission the org does not have, except Approve Uninstalled Connected Apps', () => {
    const org = snapshot({ availablePermissions: ['ApiEnabled', 'ViewSetup'] });
    const plan = planPermissionSet(
      requirements({
        systemPermissions: [
          names('systemPermissions[0]', 'ApiEnabled'),
          names('systemPermissions[1]', 'UseAnyApiClient'),
          names('systemPermissions[2]', 'CanApproveUninstalledApps'),
        ],
      }),
      org,
      {}
    );
    expect(userPermissionNames(plan)).to.deep.equal(['ApiEnabled', 'CanApproveUninstalledApps']);
    expect(plan.omitted.map((entry) => [entry.item, entry.path])).to.deep.equal([['UseAnyApiClient', 'systemPermissions[1]']]);
  });

  it('never puts a forbidden permission in the set', () => {
    const plan = planPermissionSet(
      requirements({
        user: { licenses: [], permissionSetLicenses: [], permissionSets: [], forbiddenPermissions: [names('user.forbiddenPermissions[0]', 'ApiUserOnly')] },
        systemPermissions: [names('systemPermissions[0]', 'ApiEnabled'), names('systemPermissions[1]', 'ApiUserOnly')],
      }),
      snapshot(),
      {}
    );
    expect(userPermissionNames(plan)).to.deep.equal(['ApiEnabled']);
    expect(plan.omitted.map((entry) => entry.item)).to.include('ApiUserOnly');
  });
});

describe('grant plan: anyOf', () => {
  const anyOfApproval = names('systemPermissions[0]', 'CanApproveUninstalledApps', 'UseAnyApiClient');

  it('chooses the member a target user already holds', () => {
    const vendorSet = permissionSource({ id: '0PS000000000001AAA', name: 'Report_Exporter', systemPermissions: ['ExportReport'] });
    const org = snapshot({
      permissionSets: { [vendorSet.id]: vendorSet },
      users: [user({ username: 'sync@acme.example', permissionSetIds: [vendorSet.id] })],
    });
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'RunReports', 'ExportReport')] }), org, {});
    expect(userPermissionNames(plan)).to.deep.equal(['ExportReport']);
    expect(plan.userPermissions[0].reason.kind).to.equal('anyOf');
    expect(plan.userPermissions[0].reason.note).to.contain('sync@acme.example (PermissionSet: Report_Exporter)');
  });

  it('but never Use Any API Client for an anyOf with Approve Uninstalled Connected Apps, even when the user holds it (Help 005228838)', () => {
    const vendorSet = permissionSource({ id: '0PS000000000001AAA', name: 'Api_Client_Access', systemPermissions: ['UseAnyApiClient'] });
    const org = snapshot({
      permissionSets: { [vendorSet.id]: vendorSet },
      users: [user({ username: 'sync@acme.example', permissionSetIds: [vendorSet.id] })],
    });
    const plan = planPermissionSet(requirements({ systemPermissions: [anyOfApproval] }), org, {});
    expect(userPermissionNames(plan)).to.deep.equal(['CanApproveUninstalledApps']);
    expect(plan.userPermissions[0].reason.kind).to.equal('anyOf');
  });

  it('without a held member, chooses the least powerful: Manage Connected Apps over Modify All Data', () => {
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'ModifyAllData', 'ManageRemoteAccess')] }), snapshot(), {});
    expect(userPermissionNames(plan)).to.deep.equal(['ManageRemoteAccess', 'ViewSetup']);
  });

  it('does not choose a broad permission just because the user holds it when a narrow one is available', () => {
    const profile = permissionSource({ id: '0PS000000000002AAA', name: 'Admin', kind: 'Profile', label: 'System Administrator', type: 'Profile', systemPermissions: ['ModifyAllData', 'ApiEnabled'] });
    const org = snapshot({ permissionSets: { [profile.id]: profile }, users: [user({ username: 'admin@acme.example', permissionSetIds: [profile.id] })] });
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'ModifyAllData', 'ManageRemoteAccess')] }), org, {});
    expect(userPermissionNames(plan)).to.not.include('ModifyAllData');
    expect(plan.userPermissions.find((entry) => entry.name === 'ManageRemoteAccess')?.reason.note).to.contain('ModifyAllData is held by admin@acme.example');
  });

  it('among broad members only, chooses View All Data over Modify All Data', () => {
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'ModifyAllData', 'ViewAllData')] }), snapshot(), {});
    expect(userPermissionNames(plan)).to.deep.equal(['ViewAllData', 'ViewSetup']);
  });

  it('reuses a member that is already required elsewhere', () => {
    const plan = planPermissionSet(
      requirements({
        systemPermissions: [names('systemPermissions[0]', 'ModifyAllData', 'CustomizeApplication'), names('systemPermissions[1]', 'CustomizeApplication')],
      }),
      snapshot(),
      {}
    );
    expect(userPermissionNames(plan)).to.deep.equal(['CustomizeApplication', 'ViewSetup']);
    expect(plan.userPermissions[0].reason).to.deep.equal({ path: 'systemPermissions[1]', kind: 'required' });
  });
});

describe('grant plan: fields (real describes)', () => {
  it('omits non-permissionable and absent optional fields, plans the rest', () => {
    // CrankWheel's Contact and Account field lists.
    const contactFields = ['Name', 'Email', 'Phone', 'MobilePhone', 'HomePhone'];
    const plan = planPermissionSet(
      requirements({
        objects: [
          objectRequirement('Contact', { access: ['read'], read: contactFields }),
          objectRequirement('Account', { access: ['read'], read: ['PersonEmail?', 'PersonMobilePhone?'] }),
        ],
      }),
      snapshot(),
      {}
    );
    const permissionable = new Set(fixtureFields('Contact', true));
    const expected = contactFields.filter((field) => permissionable.has(field)).map((field) => `Contact.${field}`).sort();
    expect(expected).to.not.include('Contact.Name'); // the fixture says Name is not permissionable
    expect(plan.fieldPermissions.map((entry) => entry.field)).to.deep.equal(expected);
    expect(plan.fieldPermissions.every((entry) => entry.readable && !entry.editable)).to.equal(true);
    expect(plan.omitted).to.deep.include({ item: 'Contact.Name', path: 'objects.Contact.fields.read[0]', why: 'not permissionable: readable with the object' });
    expect(plan.omitted).to.deep.include({ item: 'Account.PersonEmail', path: 'objects.Account.fields.read[0]', why: 'optional field not in this org' });
    expect(plan.omitted).to.deep.include({ item: 'Account.PersonMobilePhone', path: 'objects.Account.fields.read[1]', why: 'optional field not in this org' });
  });

  it('plans exactly the permissionable Event fields and no Event object permissions', () => {
    const eventFields = ['Subject', 'Description', 'StartDateTime', 'EndDateTime', 'OwnerId', 'Location', 'WhoId', 'WhatId'];
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Event', { read: eventFields })] }), snapshot(), {});
    const permissionable = new Set(fixtureFields('Event', true));
    expect(plan.fieldPermissions.map((entry) => entry.field)).to.deep.equal(
      eventFields.filter((field) => permissionable.has(field)).map((field) => `Event.${field}`).sort()
    );
    expect(plan.objectPermissions).to.deep.equal([]);
  });

  it('reports a required field that does not exist (Lead.HomePhone) as omitted', () => {
    expect(rawDescribe('Lead').fields.map((field) => field.name)).to.not.include('HomePhone');
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Lead', { access: ['read'], read: ['HomePhone', 'Email'] })] }), snapshot(), {});
    expect(plan.fieldPermissions.map((entry) => entry.field)).to.deep.equal(['Lead.Email']);
    expect(plan.omitted).to.deep.include({
      item: 'Lead.HomePhone',
      path: 'objects.Lead.fields.read[0]',
      why: 'field does not exist in this org (check reports it as an error)',
    });
  });

  it('edit gives readable + editable; edit on a read-only field (Opportunity.ExpectedRevenue) gives read only', () => {
    const expectedRevenue = rawDescribe('Opportunity').fields.find((field) => field.name === 'ExpectedRevenue');
    expect(expectedRevenue?.permissionable).to.equal(true);
    expect(expectedRevenue?.updateable).to.equal(false);
    const plan = planPermissionSet(
      requirements({ objects: [objectRequirement('Opportunity', { access: ['read'], edit: ['Amount', 'ExpectedRevenue'] })] }),
      snapshot(),
      {}
    );
    expect(plan.fieldPermissions.map(({ field, readable, editable }) => ({ field, readable, editable }))).to.deep.equal([
      { field: 'Opportunity.Amount', readable: true, editable: true },
      { field: 'Opportunity.ExpectedRevenue', readable: true, editable: false },
    ]);
  });

  it('merges read and edit requirements on one field', () => {
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Contact', { read: ['Email'], edit: ['Email'] })] }), snapshot(), {});
    expect(plan.fieldPermissions).to.have.length(1);
    expect(plan.fieldPermissions[0]).to.include({ field: 'Contact.Email', readable: true, editable: true });
    expect(plan.fieldPermissions[0].reasons.map((reason) => reason.path)).to.deep.equal(['objects.Contact.fields.edit[0]', 'objects.Contact.fields.read[0]']);
  });
});

describe('grant plan: objects without object permissions', () => {
  it('Event create/edit becomes Edit Events; Task delete becomes Edit Tasks; no objectPermissions rows', () => {
    const plan = planPermissionSet(
      requirements({ objects: [objectRequirement('Event', { access: ['read', 'create', 'edit'] }), objectRequirement('Task', { access: ['delete'] })] }),
      snapshot(),
      {}
    );
    expect(plan.objectPermissions).to.deep.equal([]);
    expect(userPermissionNames(plan)).to.deep.equal(['EditEvent', 'EditTask']);
    expect(plan.userPermissions[0].reason).to.deep.include({ path: 'objects.Event.access[1]', kind: 'required' });
    expect(plan.omitted.map((entry) => entry.item)).to.include('Event: Read');
  });

  it('Event visibility all becomes View All Activities; CaseComment edit becomes Edit on Case', () => {
    const plan = planPermissionSet(
      requirements({ objects: [objectRequirement('Event', { visibility: 'all' }), objectRequirement('CaseComment', { access: ['create'] })] }),
      snapshot(),
      {}
    );
    expect(userPermissionNames(plan)).to.deep.equal(['ViewAllActivities']);
    expect(flags(objectEntry(plan, 'Case'))).to.deep.equal({ ...NO_FLAGS, read: true, edit: true });
    expect(plan.objectPermissions.map((entry) => entry.object)).to.deep.equal(['Case']);
  });

  it('Modify All on Task is only Modify All Data: left out with a manual step, unless the manifest asks for Modify All Data', () => {
    const task = objectRequirement('Task', { access: ['modifyAll'] });
    const plan = planPermissionSet(requirements({ objects: [task] }), snapshot(), {});
    expect(userPermissionNames(plan)).to.deep.equal([]);
    expect(plan.omitted.map((entry) => entry.item)).to.include('Task: Modify All');
    expect(plan.manualSteps.map((entry) => entry.path)).to.deep.equal(['objects.Task.access[0]']);

    const explicit = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'ModifyAllData')], objects: [task] }), snapshot(), {});
    expect(userPermissionNames(explicit)).to.include('ModifyAllData');
    expect(explicit.manualSteps).to.deep.equal([]);
  });

  it('User delete cannot be granted (users are deactivated, not deleted)', () => {
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('User', { access: ['delete'] })] }), snapshot(), {});
    expect(plan.userPermissions).to.deep.equal([]);
    expect(plan.omitted.map((entry) => entry.item)).to.deep.equal(['User: Delete']);
  });

  it('User read needs nothing', () => {
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('User', { access: ['read'] })] }), snapshot(), {});
    expect(plan.objectPermissions).to.deep.equal([]);
    expect(plan.userPermissions).to.deep.equal([]);
  });
});

describe('grant plan: licences', () => {
  const crm = [objectRequirement('Lead', { access: ['read'], read: ['Email'] }), objectRequirement('Contact', { access: ['read'] })];

  it('a Salesforce Platform user cannot hold Lead: omitted with a manual step, other objects planned', () => {
    const org = snapshot({ users: [user({ username: 'platform@acme.example', userLicense: 'Salesforce Platform' })] });
    const plan = planPermissionSet(requirements({ objects: crm }), org, {});
    expect(plan.objectPermissions.map((entry) => entry.object)).to.deep.equal(['Contact']);
    expect(plan.fieldPermissions).to.deep.equal([]);
    expect(plan.omitted.find((entry) => entry.item === 'Lead')?.why).to.contain('licence cannot hold it');
    const step = plan.manualSteps.find((entry) => entry.path === 'objects.Lead');
    expect(step?.step).to.contain('Salesforce user licence').and.to.contain('platform@acme.example');
  });

  it('a Salesforce licence user gets Lead', () => {
    const plan = planPermissionSet(requirements({ objects: crm }), snapshot({ users: [user({ username: 'crm@acme.example' })] }), {});
    expect(plan.objectPermissions.map((entry) => entry.object)).to.deep.equal(['Contact', 'Lead']);
  });

  it('Integration licence users need the API Integration PSL; the set declares it when every user has that licence', () => {
    const integration = user({ username: 'api@acme.example', userLicense: 'Salesforce Integration', profileName: 'Minimum Access - API Only Integrations' });
    const all = planPermissionSet(requirements({ objects: crm }), snapshot({ users: [integration] }), {});
    expect(all.licenseAssignments).to.deep.equal([INTEGRATION_PSL]);
    expect(all.license).to.equal(INTEGRATION_PSL);

    const mixed = planPermissionSet(requirements({ objects: crm }), snapshot({ users: [integration, user({ username: 'crm@acme.example' })] }), {});
    expect(mixed.licenseAssignments).to.deep.equal([INTEGRATION_PSL]);
    expect(mixed.license).to.equal(undefined);

    const none = planPermissionSet(requirements({ objects: crm }), snapshot({ users: [user({ username: 'crm@acme.example' })] }), {});
    expect(none.licenseAssignments).to.deep.equal([]);
  });

  it('a missing user licence is a manual step', () => {
    const plan = planPermissionSet(
      requirements({ user: { licenses: [names('user.licenses[0]', 'Salesforce')], permissionSetLicenses: [], permissionSets: [], forbiddenPermissions: [] } }),
      snapshot({ users: [user({ username: 'p@acme.example', userLicense: 'Salesforce Platform' })] }),
      {}
    );
    expect(plan.manualSteps.map((entry) => entry.path)).to.deep.equal(['user.licenses[0]']);
  });
});

describe('grant plan: manual steps and apps', () => {
  it('connected-app policies are manual steps, only where the app differs', () => {
    const plan = planPermissionSet(
      requirements({
        oauth: {
          app: 'CrankWheel',
          scopes: [names('oauth.scopes[0]', 'api'), names('oauth.scopes[1]', 'refresh_token')],
          refreshTokenPolicy: { value: 'infinite', path: 'oauth.refreshTokenPolicy' },
          ipRelaxation: { value: 'relaxed', path: 'oauth.ipRelaxation' },
          path: 'oauth',
        },
      }),
      snapshot({
        app: { name: 'CrankWheel', id: '0H4000000000001AAA', kind: 'connectedApp', installed: true, scopes: ['api'], refreshTokenPolicy: 'zero', ipRelaxation: 'relaxed', permittedUsers: 'any' },
      }),
      {}
    );
    expect(plan.manualSteps.map((entry) => entry.path)).to.deep.equal(['oauth.refreshTokenPolicy', 'oauth.scopes[1]']);
    expect(plan.manualSteps[0].step).to.equal(
      'Setup > App Manager > CrankWheel > Manage > Edit Policies: Refresh Token Policy = Refresh token is valid until revoked.'
    );
    expect(plan.appAccess).to.equal(undefined);
  });

  it('an uninstalled vendor app adds Approve Uninstalled Connected Apps even when the user holds Use Any API Client (Help 005228838, since 2025-12-08)', () => {
    const app = { name: 'Vendor', kind: 'connectedApp' as const, installed: false, scopes: [] };
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'ApiEnabled')] }), snapshot({ app }), {});
    const approve = plan.userPermissions.find((entry) => entry.name === 'CanApproveUninstalledApps');
    expect(approve?.reason.note).to.contain('vendor app not installed: needed to authorize (OAUTH_APPROVAL_ERROR_GENERIC)');

    const covered = planPermissionSet(
      requirements({ systemPermissions: [names('systemPermissions[0]', 'UseAnyApiClient', 'CanApproveUninstalledApps')] }),
      snapshot({
        app,
        permissionSets: { ps: permissionSource({ id: 'ps', name: 'Api_Client', systemPermissions: ['UseAnyApiClient'] }) },
        users: [user({ username: 'u@acme.example', permissionSetIds: ['ps'] })],
      }),
      {}
    );
    // anyOf(UseAnyApiClient, CanApproveUninstalledApps) with a user holding Use Any API Client: grant never
    // picks it for this purpose; Approve Uninstalled Connected Apps is planned, once
    expect(userPermissionNames(covered)).to.deep.equal(['CanApproveUninstalledApps']);
    expect(covered.userPermissions[0].reason).to.deep.include({ path: 'systemPermissions[0]', kind: 'anyOf' });
  });

  it('an anyOf of Use Any API Client and Approve Uninstalled Connected Apps never plans Use Any API Client, app installed or not', () => {
    const plan = planPermissionSet(requirements({ systemPermissions: [names('systemPermissions[0]', 'UseAnyApiClient', 'CanApproveUninstalledApps')] }), snapshot(), {});
    expect(userPermissionNames(plan)).to.deep.equal(['CanApproveUninstalledApps']);
  });

  it('an uninstalled app gets Approve Uninstalled Connected Apps when the manifest asks only for an unavailable Use Any API Client', () => {
    const plan = planPermissionSet(
      requirements({ systemPermissions: [names('systemPermissions[0]', 'UseAnyApiClient')] }),
      snapshot({
        app: { name: 'Vendor', kind: 'connectedApp', installed: false, scopes: [] },
        availablePermissions: ['ApiEnabled', 'CanApproveUninstalledApps'],
      }),
      {}
    );
    expect(userPermissionNames(plan)).to.deep.equal(['CanApproveUninstalledApps']);
    expect(plan.omitted.map((entry) => entry.item)).to.deep.equal(['UseAnyApiClient']);
  });

  it('judges app settings the way check does: full covers api, a more relaxed IP policy is enough', () => {
    const plan = planPermissionSet(
      requirements({
        oauth: {
          scopes: [names('oauth.scopes[0]', 'api'), names('oauth.scopes[1]', 'refresh_token')],
          ipRelaxation: { value: 'relaxedRefresh', path: 'oauth.ipRelaxation' },
          permittedUsers: { value: 'any', path: 'oauth.permittedUsers' },
          path: 'oauth',
        },
      }),
      snapshot({ app: { name: 'Sync', kind: 'externalClientApp', installed: true, scopes: ['full', 'refresh_token'], ipRelaxation: 'relaxed', permittedUsers: 'adminApproved' } }),
      {}
    );
    expect(plan.manualSteps).to.deep.equal([
      {
        requirement: 'oauth Permitted Users: any',
        path: 'oauth.permittedUsers',
        step: 'Setup > External Client App Manager > Sync > Edit Policies > OAuth Policies: Permitted Users = All users may self-authorize.',
      },
    ]);
    expect(plan.appAccess).to.deep.equal({ appName: 'Sync' });
  });

  it('an admin-approved installed app gives appAccess', () => {
    const plan = planPermissionSet(
      requirements(),
      snapshot({ app: { name: 'Acme_Sync', id: '0H4000000000002AAA', kind: 'connectedApp', installed: true, scopes: ['api'], permittedUsers: 'adminApproved' } }),
      {}
    );
    expect(plan.appAccess).to.deep.equal({ appName: 'Acme_Sync', appId: '0H4000000000002AAA' });
  });

  it('a forbidden permission held through a profile, and a required set someone else owns, are manual steps', () => {
    const profile = permissionSource({ id: 'prof', name: 'Integration', kind: 'Profile', label: 'Custom Integration', type: 'Profile', systemPermissions: ['ApiEnabled', 'ApiUserOnly'] });
    const plan = planPermissionSet(
      requirements({
        user: {
          licenses: [],
          permissionSetLicenses: [],
          permissionSets: [names('user.permissionSets[0]', 'Vendor_Access')],
          forbiddenPermissions: [names('user.forbiddenPermissions[0]', 'ApiUserOnly')],
        },
      }),
      snapshot({ permissionSets: { prof: profile }, users: [user({ username: 'sync@acme.example', permissionSetIds: ['prof'], isFrozen: true })] }),
      {}
    );
    const steps = Object.fromEntries(plan.manualSteps.map((entry) => [entry.path, entry.step]));
    expect(steps['user.forbiddenPermissions[0]']).to.equal('Remove ApiUserOnly from profile Custom Integration, or move sync@acme.example to a profile without it.');
    expect(steps['user.permissionSets[0]']).to.contain('Assign permission set Vendor_Access to sync@acme.example');
    expect(steps.user).to.contain('Unfreeze sync@acme.example');
  });
});

describe('grant plan: names and determinism', () => {
  it('derives a valid API name from the label', () => {
    expect(defaultPermissionSetName({ label: 'CrankWheel', name: 'crankwheel' })).to.equal('CrankWheel_Integration');
    expect(defaultPermissionSetName({ label: 'Ampersand (Connected App)', name: 'x' })).to.equal('Ampersand_Connected_App_Integration');
    expect(defaultPermissionSetName({ label: 'Salesforce Integration', name: 'x' })).to.equal('Salesforce_Integration');
    expect(defaultPermissionSetName({ label: '8x8 — Zoë', name: 'x' })).to.equal('App_8x8_Zoe_Integration');
    expect(defaultPermissionSetName({ label: '', name: 'ticketing-api' })).to.equal('ticketing_api_Integration');
  });

  it('always derives a valid API name, whatever the label', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 40 }), (label, name) => {
        const derived = defaultPermissionSetName({ label, name });
        expect(permissionSetNameProblem(derived), derived).to.equal(undefined);
      }),
      { numRuns: 500 }
    );
  });

  it('rejects an invalid --permission-set-name', () => {
    expect(() => planPermissionSet(requirements(), snapshot(), { name: 'Bad__Name' })).to.throw(/not a valid permission set API name/);
    expect(permissionSetNameProblem('1abc')).to.equal('it must begin with a letter');
    expect(permissionSetNameProblem('Ends_')).to.equal('it may not end with an underscore');
  });

  it('marks the description so our sets can be recognised, within 255 characters', () => {
    const plan = planPermissionSet(requirements({ label: 'X'.repeat(300), features: ['subscribe-actions'] }), snapshot(), {});
    expect(plan.description.length).to.be.at.most(255);
    expect(plan.description).to.contain(`${PLAN_MARKER} manifest=crankwheel features=subscribe-actions`);
    expect(plan.label.length).to.be.at.most(80);
  });

  const manifest = requirements({
    systemPermissions: [
      names('systemPermissions[0]', 'ApiEnabled'),
      names('systemPermissions[1]', 'CanApproveUninstalledApps', 'UseAnyApiClient'),
      names('systemPermissions[2]', 'EditEvent'),
      names('systemPermissions[3]', 'CustomizeApplication'),
    ],
    objects: [
      objectRequirement('Contact', { access: ['read', 'edit'], read: ['Name', 'Email', 'Phone', 'MobilePhone', 'HomePhone'], edit: ['Title'] }),
      objectRequirement('Account', { access: ['read'], visibility: 'all', read: ['PersonEmail?', 'Industry', 'Website'] }),
      objectRequirement('Event', { access: ['create', 'edit'], read: ['Subject', 'Description', 'WhoId', 'WhatId', 'Location'] }),
      objectRequirement('Lead', { access: ['read'], read: ['Email', 'Phone', 'HomePhone?'] }),
      objectRequirement('Opportunity', { access: ['modifyAll'], read: ['Amount'] }),
    ],
  });

  it('lists are sorted', () => {
    const plan = planPermissionSet(manifest, snapshot(), {});
    const sorted = (list: string[]): string[] => [...list].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    expect(plan.userPermissions.map((entry) => entry.name)).to.deep.equal(sorted(plan.userPermissions.map((entry) => entry.name)));
    expect(plan.objectPermissions.map((entry) => entry.object)).to.deep.equal(['Account', 'Contact', 'Lead', 'Opportunity']);
    expect(plan.fieldPermissions.map((entry) => entry.field)).to.deep.equal(sorted(plan.fieldPermissions.map((entry) => entry.field)));
  });

  it('gives the same plan whatever the order of the input', () => {
    const reference = planPermissionSet(manifest, snapshot(), {});
    const shuffledObjects = fc.shuffledSubarray(manifest.objects, { minLength: manifest.objects.length });
    const shuffledPermissions = fc.shuffledSubarray(manifest.systemPermissions, { minLength: manifest.systemPermissions.length });
    fc.assert(
      fc.property(shuffledObjects, shuffledPermissions, fc.boolean(), (objects, systemPermissions, reverseFields) => {
        const reordered = objects.map((object) => ({
          ...object,
          access: reverseFields ? [...object.access].reverse() : object.access,
          fields: reverseFields ? [...object.fields].reverse() : object.fields,
        }));
        const org = snapshot();
        const reversedObjects = Object.fromEntries(Object.entries(org.objects).reverse());
        const plan = planPermissionSet({ ...manifest, objects: reordered, systemPermissions }, { ...org, objects: reversedObjects }, {});
        expect(plan).to.deep.equal(reference);
      }),
      { numRuns: 40 }
    );
  });
});

describe('grant plan: diff against a user', () => {
  it('splits the plan into what the user holds and what the set would add', () => {
    const profile = permissionSource({
      id: 'prof',
      name: 'Integration',
      kind: 'Profile',
      type: 'Profile',
      systemPermissions: ['ApiEnabled'],
      objectPermissions: { Contact: { read: true, create: false, edit: false, delete: false, viewAll: false, modifyAll: false, viewAllFields: false } },
      fieldPermissions: { 'Contact.Email': { read: true, edit: false } },
    });
    const sync = user({ username: 'sync@acme.example', permissionSetIds: ['prof'] });
    const org = snapshot({ permissionSets: { prof: profile }, users: [sync] });
    const plan = planPermissionSet(
      requirements({
        systemPermissions: [names('systemPermissions[0]', 'ApiEnabled')],
        objects: [objectRequirement('Contact', { access: ['edit'], read: ['Email', 'Phone'] })],
      }),
      org,
      {}
    );
    expect(diffPlanAgainstUser(plan, org, sync)).to.deep.equal({
      toAdd: ['Contact: Edit', 'Contact.Phone: Read'],
      alreadyHeld: ['System permission: ApiEnabled', 'Contact: Read', 'Contact.Email: Read'],
    });
  });

  it('counts Modify All Data as holding object access but not field access', () => {
    const admin = permissionSource({ id: 'adm', name: 'Admin', kind: 'Profile', type: 'Profile', systemPermissions: ['ModifyAllData'] });
    const sync = user({ username: 'admin@acme.example', permissionSetIds: ['adm'] });
    const org = snapshot({ permissionSets: { adm: admin }, users: [sync] });
    const plan = planPermissionSet(requirements({ objects: [objectRequirement('Contact', { access: ['delete'], read: ['Email'] })] }), org, {});
    const diff = diffPlanAgainstUser(plan, org, sync);
    expect(diff.alreadyHeld).to.deep.equal(['Contact: Read', 'Contact: Edit', 'Contact: Delete']);
    expect(diff.toAdd).to.deep.equal(['Contact.Email: Read']);
  });
});
