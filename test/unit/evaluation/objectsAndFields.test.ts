import { expect } from 'chai';
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
import { rawField } from '../../fixtures/snapshots/salesforceData.js';
import { expectWellFormed, findingOf, verdictOf } from './helpers.js';

const USER = 'sync@acme.example';
const ADMIN = 'admin@acme.example';

const org = (spec: Partial<OrgSpec> & { sets?: string[] } = {}): BuiltOrg =>
  buildSnapshot({
    ...spec,
    profiles: [MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR, PLATFORM_PROFILE, API_ONLY_INTEGRATION_PROFILE, ...(spec.profiles ?? [])],
    users: spec.users ?? [
      { username: USER, profile: MINIMUM_ACCESS.name, permissionSets: spec.sets ?? [] },
      { username: ADMIN, profile: SYSTEM_ADMINISTRATOR.name },
    ],
  });

describe('evaluation: objects', () => {
  it('passes object access granted by a permission set and names it', () => {
    const o = org({ permissionSets: [{ name: 'Contact_Reader', objectPermissions: { Contact: ['read'] } }], sets: ['Contact_Reader'] });
    const f = findingOf(verdictOf(makeRequirements({ objects: { Contact: { access: ['read'] } } }), o, USER), 'Contact: read');
    expect(f.status).to.equal('pass');
    expect(f.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Contact_Reader' }]);
    expect(f.path).to.equal('objects.Contact.access[0]');
  });

  it('fails missing object access with a fix naming the access and object', () => {
    const v = verdictOf(makeRequirements({ objects: { Contact: { access: ['edit'] } } }), org(), USER);
    const f = findingOf(v, 'Contact: edit');
    expect(f.status).to.equal('fail');
    expect(f.grantedBy).to.deep.equal([]);
    expect(f.fix).to.contain('Add Edit on Contact to a permission set assigned to the user');
    expect(f.fix).to.contain('sf integration grant');
    expect(v.passed).to.equal(false);
  });

  it('object Modify All does not grant Create (and the message says so)', () => {
    const o = org({
      permissionSets: [{ name: 'Contact_Steward', objectPermissions: { Contact: ['read', 'edit', 'delete', 'viewAll', 'modifyAll'] } }],
      sets: ['Contact_Steward'],
    });
    const v = verdictOf(makeRequirements({ objects: { Contact: { access: ['create', 'edit', 'delete', 'viewAll'] } } }), o, USER);
    const create = findingOf(v, 'Contact: create');
    expect(create.status).to.equal('fail');
    expect(create.message).to.contain('Modify All on Contact does not include Create');
    for (const a of ['edit', 'delete', 'viewAll']) {
      expect(findingOf(v, `Contact: ${a}`).status, a).to.equal('pass');
    }
  });

  it('Modify All Data grants Create on any object through the implication chain', () => {
    const f = findingOf(verdictOf(makeRequirements({ objects: { Lead: { access: ['create'] } } }), org(), ADMIN), 'Lead: create');
    expect(f.status).to.equal('pass');
    expect(f.grantedBy).to.deep.equal([{ kind: 'Profile', name: 'System Administrator', via: 'ModifyAllData' }]);
  });

  it('an object the org does not have is ONE error finding, its fields are not evaluated', () => {
    const o = org({ absentObjects: ['Incident'] });
    const v = verdictOf(makeRequirements({ objects: { Incident: { access: ['read'], fields: { read: ['Subject', 'Status'] } } } }), o, USER);
    const incident = v.findings.filter((f) => f.requirement.startsWith('Incident'));
    expect(incident).to.have.length(1);
    expect(incident[0].status).to.equal('error');
    expect(incident[0].message).to.equal('Incident does not exist in this org');
    expect(incident[0].fix).to.be.a('string');
  });

  describe('objects without object permissions', () => {
    const cases: Array<{ object: string; access: 'read' | 'create' | 'edit' | 'delete' | 'viewAll'; sets: string[]; status: string; contains: string }> = [
      { object: 'Event', access: 'read', sets: [], status: 'pass', contains: 'Event has no object permissions: reading follows access to related records' },
      { object: 'Task', access: 'read', sets: [], status: 'pass', contains: 'Task has no object permissions' },
      { object: 'User', access: 'read', sets: [], status: 'pass', contains: 'User has no object permissions' },
      { object: 'Event', access: 'create', sets: [], status: 'fail', contains: 'EditEvent' },
      { object: 'Event', access: 'create', sets: ['Edit_Events'], status: 'pass', contains: 'granted by PermissionSet: Edit_Events' },
      { object: 'Event', access: 'edit', sets: ['Edit_Events'], status: 'pass', contains: 'EditEvent' },
      { object: 'Task', access: 'edit', sets: ['Edit_Events'], status: 'fail', contains: 'EditTask' },
      { object: 'User', access: 'edit', sets: [], status: 'fail', contains: 'Manage Users' },
      { object: 'User', access: 'viewAll', sets: ['User_Viewer'], status: 'pass', contains: 'View All Users' },
      { object: 'User', access: 'delete', sets: [], status: 'error', contains: 'Users cannot be deleted' },
      // CaseComment follows its parent Case (Object Reference, CaseComment): no Read on Case, no comments
      { object: 'CaseComment', access: 'read', sets: [], status: 'fail', contains: 'follows access to the parent Case' },
      { object: 'CaseComment', access: 'read', sets: ['Case_Editor'], status: 'pass', contains: 'granted by PermissionSet: Case_Editor' },
      { object: 'CaseComment', access: 'create', sets: [], status: 'fail', contains: 'EditCaseComments (Edit Case Comments)' },
      { object: 'CaseComment', access: 'create', sets: ['Case_Editor'], status: 'pass', contains: 'granted by PermissionSet: Case_Editor' },
    ];
    for (const c of cases) {
      it(`${c.object}: ${c.access} with [${c.sets.join(', ')}] → ${c.status}`, () => {
        const o = org({
          permissionSets: [
            { name: 'Edit_Events', systemPermissions: ['EditEvent'] },
            { name: 'User_Viewer', systemPermissions: ['ViewAllUsers', 'ViewSetup'] },
            { name: 'Case_Editor', objectPermissions: { Case: ['read', 'edit'] } },
          ],
          sets: c.sets,
        });
        const v = verdictOf(makeRequirements({ objects: { [c.object]: { access: [c.access] } } }), o, USER);
        const f = findingOf(v, `${c.object}: ${c.access}`);
        expect(f.status).to.equal(c.status);
        expect(`${f.message} ${f.fix ?? ''}`).to.contain(c.contains);
        expectWellFormed(v);
      });
    }
  });

  describe('licence limits', () => {
    it('a Salesforce Platform user cannot hold Lead: error, not fail, with no field findings', () => {
      const o = org({ users: [{ username: USER, profile: PLATFORM_PROFILE.name, permissionSets: [] }] });
      const v = verdictOf(makeRequirements({ objects: { Lead: { access: ['read'], fields: { read: ['Email'] } }, Contact: { access: ['read'] } } }), o, USER);
      const lead = v.findings.filter((f) => f.requirement.startsWith('Lead'));
      expect(lead).to.have.length(1);
      expect(lead[0].status).to.equal('error');
      expect(lead[0].message).to.equal(
        'the Salesforce Platform licence cannot hold Lead access; no permission set can grant it — use a Salesforce licence'
      );
      // Contact is fine on Platform (the profile grants Read)
      expect(findingOf(v, 'Contact: read').status).to.equal('pass');
    });

    it('a Salesforce Integration user without the API Integration PSL gets object fixes that start with the PSL', () => {
      const o = org({
        permissionSets: [{ name: 'Integration_Contacts', objectPermissions: {} }],
        users: [{ username: USER, profile: API_ONLY_INTEGRATION_PROFILE.name }],
      });
      const f = findingOf(verdictOf(makeRequirements({ objects: { Contact: { access: ['read'] } } }), o, USER), 'Contact: read');
      expect(f.status).to.equal('fail');
      expect(f.fix).to.match(/^Assign the Salesforce API Integration permission set licence first/);
    });
  });
});

describe('evaluation: visibility all', () => {
  const req = makeRequirements({ objects: { Account: { access: ['read'], visibility: 'all' }, Contact: { access: ['read'], visibility: 'all' } } });
  const readers = [{ name: 'Readers', objectPermissions: { Account: ['read' as const], Contact: ['read' as const] } }];

  it('View All on the object meets it', () => {
    const o = org({ permissionSets: [{ name: 'Account_View_All', objectPermissions: { Account: ['read', 'viewAll'] } }], sets: ['Account_View_All'] });
    const f = findingOf(verdictOf(req, o, USER), 'Account: visibility all');
    expect(f.status).to.equal('pass');
    expect(f.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Account_View_All' }]);
  });

  it('View All Data meets it on every object', () => {
    const o = org({ permissionSets: [{ name: 'Auditor', systemPermissions: ['ViewAllData', 'ViewSetup'] }], sets: ['Auditor'] });
    const f = findingOf(verdictOf(req, o, USER), 'Account: visibility all');
    expect(f.status).to.equal('pass');
    expect(f.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Auditor', via: 'ViewAllData' }]);
  });

  it('a public org-wide default meets it', () => {
    const o = org({ sharing: { Account: 'Read' }, permissionSets: readers, sets: ['Readers'] });
    const f = findingOf(verdictOf(req, o, USER), 'Account: visibility all');
    expect(f.status).to.equal('pass');
    expect(f.grantedBy[0]?.kind).to.equal('Org');
  });

  it('a Private org-wide default is a warning naming the sharing model', () => {
    const o = org({ sharing: { Account: 'Private' }, permissionSets: readers, sets: ['Readers'] });
    const v = verdictOf(req, o, USER);
    const f = findingOf(v, 'Account: visibility all');
    expect(f.status).to.equal('warn');
    expect(f.message).to.contain('Account sharing is Private: the user sees only records shared with them');
    expect(f.fix).to.contain('View All on Account');
  });

  it('Controlled by Parent follows the parent: Account private → warning naming Account', () => {
    const o = org({ sharing: { Account: 'Private', Contact: 'ControlledByParent' }, permissionSets: readers, sets: ['Readers'] });
    const f = findingOf(verdictOf(req, o, USER), 'Contact: visibility all');
    expect(f.status).to.equal('warn');
    expect(f.message).to.contain('follows the parent (Account)');
  });

  it('Controlled by Parent with a public parent is met', () => {
    const o = org({ sharing: { Account: 'ReadWrite', Contact: 'ControlledByParent' }, permissionSets: readers, sets: ['Readers'] });
    expect(findingOf(verdictOf(req, o, USER), 'Contact: visibility all').status).to.equal('pass');
  });
});

describe('evaluation: fields', () => {
  it('Modify All Data does not grant field-level security (System Administrator without FLS fails)', () => {
    const v = verdictOf(makeRequirements({ objects: { Contact: { access: ['read'], fields: { read: ['MobilePhone'] } } } }), org(), ADMIN);
    expect(findingOf(v, 'Contact: read').status).to.equal('pass');
    const f = findingOf(v, 'Contact.MobilePhone: read');
    expect(f.status).to.equal('fail');
    expect(f.message).to.contain('View All Data and Modify All Data do not grant field access');
    expect(f.fix).to.contain('Enable field-level security Read on Contact.MobilePhone');
  });

  it('View All Fields on the object grants read on every field', () => {
    const o = org({ permissionSets: [{ name: 'Contact_All_Fields', objectPermissions: { Contact: ['read', 'viewAllFields'] } }], sets: ['Contact_All_Fields'] });
    const v = verdictOf(makeRequirements({ objects: { Contact: { fields: { read: ['MobilePhone', 'HomePhone'], edit: ['Email'] } } } }), o, USER);
    const mobile = findingOf(v, 'Contact.MobilePhone: read');
    expect(mobile.status).to.equal('pass');
    expect(mobile.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Contact_All_Fields', via: 'ViewAllFields' }]);
    expect(findingOf(v, 'Contact.Email: edit').status).to.equal('fail');
  });

  describe('non-permissionable fields are readable with the object', () => {
    for (const field of ['Name', 'Id']) {
      it(`Contact.${field} (permissionable false in the real describe)`, () => {
        expect(rawField('Contact', field)?.permissionable).to.equal(false);
        const withRead = org({ permissionSets: [{ name: 'Contact_Reader', objectPermissions: { Contact: ['read'] } }], sets: ['Contact_Reader'] });
        const req = makeRequirements({ objects: { Contact: { fields: { read: [field] } } } });
        const pass = findingOf(verdictOf(req, withRead, USER), `Contact.${field}: read`);
        expect(pass.status).to.equal('pass');
        expect(pass.message).to.contain('not permissionable: readable with the object');
        expect(pass.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Contact_Reader' }]);

        const fail = findingOf(verdictOf(req, org(), USER), `Contact.${field}: read`);
        expect(fail.status).to.equal('fail');
        expect(fail.fix).to.contain('Read on Contact');
      });
    }

    it('Event.Subject is readable without any object permission (Event has none)', () => {
      expect(rawField('Event', 'Subject')?.permissionable).to.equal(false);
      const f = findingOf(verdictOf(makeRequirements({ objects: { Event: { fields: { read: ['Subject'] } } } }), org(), USER), 'Event.Subject: read');
      expect(f.status).to.equal('pass');
      expect(f.message).to.contain('reading follows access to related records');
    });

    it('edit of a non-permissionable writable field (Contact.LastName) follows object Edit', () => {
      const fact = rawField('Contact', 'LastName');
      expect([fact?.permissionable, fact?.updateable]).to.deep.equal([false, true]);
      const req = makeRequirements({ objects: { Contact: { fields: { edit: ['LastName'] } } } });
      const editor = org({ permissionSets: [{ name: 'Contact_Editor', objectPermissions: { Contact: ['read', 'edit'] } }], sets: ['Contact_Editor'] });
      expect(findingOf(verdictOf(req, editor, USER), 'Contact.LastName: edit').status).to.equal('pass');
      const reader = org({ permissionSets: [{ name: 'Contact_Reader', objectPermissions: { Contact: ['read'] } }], sets: ['Contact_Reader'] });
      const f = findingOf(verdictOf(req, reader, USER), 'Contact.LastName: edit');
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('Edit on Contact');
    });

    it('edit of a non-permissionable Task field needs Edit Tasks, not an object permission', () => {
      const fact = rawField('Task', 'Subject');
      expect([fact?.permissionable, fact?.updateable]).to.deep.equal([false, true]);
      const req = makeRequirements({ objects: { Task: { fields: { edit: ['Subject'] } } } });
      const f = findingOf(verdictOf(req, org(), USER), 'Task.Subject: edit');
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('EditTask (Edit Tasks)');
      expect(f.fix).to.not.contain('on Task');
      const o = org({ permissionSets: [{ name: 'Task_Writer', systemPermissions: ['EditTask'] }], sets: ['Task_Writer'] });
      expect(findingOf(verdictOf(req, o, USER), 'Task.Subject: edit').grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Task_Writer' }]);
    });

    it('edit of the compound Contact.Name is impossible (error)', () => {
      const fact = rawField('Contact', 'Name');
      expect([fact?.createable, fact?.updateable]).to.deep.equal([false, false]);
      const f = findingOf(verdictOf(makeRequirements({ objects: { Contact: { fields: { edit: ['Name'] } } } }), org(), ADMIN), 'Contact.Name: edit');
      expect(f.status).to.equal('error');
    });
  });

  it('a field permission without object Read fails and the fix names the object permission', () => {
    const o = org({ permissionSets: [{ name: 'Fls_Only', fieldPermissions: { 'Contact.Email': 'read' } }], sets: ['Fls_Only'] });
    const f = findingOf(verdictOf(makeRequirements({ objects: { Contact: { fields: { read: ['Email'] } } } }), o, USER), 'Contact.Email: read');
    expect(f.status).to.equal('fail');
    expect(f.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Fls_Only' }]);
    expect(f.message).to.contain('Contact is not readable');
    expect(f.fix).to.contain('Add Read on Contact');
  });

  it('field edit needs object Edit or Create as well as field Edit', () => {
    const req = makeRequirements({ objects: { Contact: { fields: { edit: ['Email'] } } } });
    const readOnly = org({ permissionSets: [{ name: 'Fls_Edit', objectPermissions: { Contact: ['read'] }, fieldPermissions: { 'Contact.Email': 'edit' } }], sets: ['Fls_Edit'] });
    expect(findingOf(verdictOf(req, readOnly, USER), 'Contact.Email: edit').status).to.equal('fail');
    const editor = org({ permissionSets: [{ name: 'Fls_Edit', objectPermissions: { Contact: ['read', 'edit'] }, fieldPermissions: { 'Contact.Email': 'edit' } }], sets: ['Fls_Edit'] });
    expect(findingOf(verdictOf(req, editor, USER), 'Contact.Email: edit').status).to.equal('pass');
  });

  it('field edit implies field read', () => {
    const o = org({ permissionSets: [{ name: 'Fls_Edit', objectPermissions: { Contact: ['read', 'edit'] }, fieldPermissions: { 'Contact.Email': 'edit' } }], sets: ['Fls_Edit'] });
    expect(findingOf(verdictOf(makeRequirements({ objects: { Contact: { fields: { read: ['Email'] } } } }), o, USER), 'Contact.Email: read').status).to.equal('pass');
  });

  describe('fields that are not in the org', () => {
    it('an optional field that is absent is skipped ("not in this org")', () => {
      // Lead.HomePhone: not in the real Lead describe (CrankWheel's document names it)
      expect(rawField('Lead', 'HomePhone')).to.equal(undefined);
      const f = findingOf(verdictOf(makeRequirements({ objects: { Lead: { fields: { read: ['HomePhone?'] } } } }), org(), ADMIN), 'Lead.HomePhone?: read');
      expect(f.status).to.equal('skip');
      expect(f.message).to.contain('not in this org');
    });

    it('a required field that is absent is an error', () => {
      const f = findingOf(verdictOf(makeRequirements({ objects: { Lead: { fields: { read: ['HomePhone'] } } } }), org(), ADMIN), 'Lead.HomePhone: read');
      expect(f.status).to.equal('error');
      expect(f.message).to.equal('Lead.HomePhone does not exist in this org');
      expect(f.fix).to.contain('HomePhone?');
    });

    it('an optional field removed from this org is skipped too', () => {
      const o = org({ absentFields: ['Contact.MobilePhone'] });
      const f = findingOf(verdictOf(makeRequirements({ objects: { Contact: { fields: { read: ['MobilePhone?'] } } } }), o, ADMIN), 'Contact.MobilePhone?: read');
      expect(f.status).to.equal('skip');
    });
  });

  describe('Person Account fields', () => {
    const req = makeRequirements({ objects: { Account: { access: ['read'], fields: { read: ['PersonEmail?', 'PersonMobilePhone?'] } } } });
    const sets = [{ name: 'Account_Reader', objectPermissions: { Account: ['read' as const] }, fieldPermissions: { 'Account.PersonEmail': 'read' as const } }];

    it('are skipped when Person Accounts are off', () => {
      const v = verdictOf(req, org({ permissionSets: sets, sets: ['Account_Reader'] }), USER);
      expect(findingOf(v, 'Account.PersonEmail?: read').status).to.equal('skip');
      expect(findingOf(v, 'Account.PersonMobilePhone?: read').status).to.equal('skip');
      expect(v.passed).to.equal(true);
    });

    it('are checked when Person Accounts are on', () => {
      const v = verdictOf(req, org({ personAccounts: true, permissionSets: sets, sets: ['Account_Reader'] }), USER);
      expect(findingOf(v, 'Account.PersonEmail?: read').status).to.equal('pass');
      expect(findingOf(v, 'Account.PersonMobilePhone?: read').status).to.equal('fail');
      expect(v.passed).to.equal(false);
    });
  });

  it('Event fields with field permissions need field-level security (Event.Location)', () => {
    expect(rawField('Event', 'Location')?.permissionable).to.equal(true);
    const req = makeRequirements({ objects: { Event: { fields: { read: ['Location'] } } } });
    expect(findingOf(verdictOf(req, org(), USER), 'Event.Location: read').status).to.equal('fail');
    const o = org({ permissionSets: [{ name: 'Activity_Fields', fieldPermissions: { 'Event.Location': 'read' } }], sets: ['Activity_Fields'] });
    expect(findingOf(verdictOf(req, o, USER), 'Event.Location: read').status).to.equal('pass');
  });
});
