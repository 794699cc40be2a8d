import { expect } from 'chai';
import type { ObjectAccess } from '../../../src/requirements/types.js';
import type { PermissionSource } from '../../../src/snapshot/types.js';
import { effectiveAccess } from '../../../src/evaluation/index.js';
import type { GrantSource } from '../../../src/evaluation/index.js';
import { BuiltOrg, MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR, buildSnapshot, flagsOf } from '../../fixtures/snapshots/builder.js';

const USER = 'sync@acme.example';

/** One user on Minimum Access with the given permission sets (and groups). */
const orgWith = (spec: Omit<Parameters<typeof buildSnapshot>[0], 'profiles' | 'users'> & { sets?: string[]; groupNames?: string[] }): BuiltOrg =>
  buildSnapshot({
    ...spec,
    profiles: [MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR],
    users: [{ username: USER, profile: MINIMUM_ACCESS.name, permissionSets: spec.sets ?? [], groups: spec.groupNames ?? [] }],
  });

describe('effectiveAccess', () => {
  describe('union of profile, permission sets and permission set groups', () => {
    const org = orgWith({
      permissionSets: [
        { name: 'Event_Writer', systemPermissions: ['EditEvent'] },
        { name: 'Reports', systemPermissions: ['RunReports'] },
      ],
      groups: [{ name: 'Sales_Ops', members: ['Reports'] }],
      sets: ['Event_Writer'],
      groupNames: ['Sales_Ops'],
    });
    const access = effectiveAccess(org.snapshot, org.user(USER));

    const cases: Array<{ permission: string; expected: GrantSource[] }> = [
      { permission: 'ApiEnabled', expected: [{ kind: 'Profile', name: 'Minimum Access - Salesforce' }] },
      { permission: 'EditEvent', expected: [{ kind: 'PermissionSet', name: 'Event_Writer' }] },
      { permission: 'RunReports', expected: [{ kind: 'PermissionSetGroup', name: 'Sales_Ops', via: 'Reports' }] },
      { permission: 'ModifyAllData', expected: [] },
    ];
    for (const c of cases) {
      it(`${c.permission} → ${c.expected.map((g) => g.kind).join(', ') || 'nothing'}`, () => {
        expect(access.systemPermission(c.permission)).to.deep.equal(c.expected);
      });
    }

    it('ignores a permission set id the snapshot does not hold', () => {
      const user = { ...org.user(USER), permissionSetIds: [...org.user(USER).permissionSetIds, '0PS999999999999AAA'] };
      expect(effectiveAccess(org.snapshot, user).systemPermission('EditEvent')).to.have.length(1);
    });
  });

  describe('implied access', () => {
    type Row = { title: string; set: Partial<PermissionSource>; query: (a: ReturnType<typeof effectiveAccess>) => GrantSource[]; via: string | null };
    const rows: Row[] = [
      { title: 'Modify All Data ⇒ View All Data', set: { systemPermissions: ['ModifyAllData'] }, query: (a) => a.systemPermission('ViewAllData'), via: 'ModifyAllData' },
      { title: 'Modify All Data ⇒ Edit Tasks (documented table)', set: { systemPermissions: ['ModifyAllData'] }, query: (a) => a.systemPermission('EditTask'), via: 'ModifyAllData' },
      { title: 'Modify All Data does not imply Manage Users (not in the table)', set: { systemPermissions: ['ModifyAllData'] }, query: (a) => a.systemPermission('ManageUsers'), via: null },
      { title: 'Modify All Data ⇒ Create on every object', set: { systemPermissions: ['ModifyAllData'] }, query: (a) => a.objectAccess('Lead', 'create'), via: 'ModifyAllData' },
      { title: 'Modify All Data ⇒ Delete on every object', set: { systemPermissions: ['ModifyAllData'] }, query: (a) => a.objectAccess('Opportunity', 'delete'), via: 'ModifyAllData' },
      { title: 'View All Data ⇒ Read on every object', set: { systemPermissions: ['ViewAllData'] }, query: (a) => a.objectAccess('Lead', 'read'), via: 'ViewAllData' },
      { title: 'View All Data ⇒ View All on every object', set: { systemPermissions: ['ViewAllData'] }, query: (a) => a.objectAccess('Case', 'viewAll'), via: 'ViewAllData' },
      { title: 'View All Data does not grant Edit', set: { systemPermissions: ['ViewAllData'] }, query: (a) => a.objectAccess('Lead', 'edit'), via: null },
      { title: 'Modify All Data does not grant field read', set: { systemPermissions: ['ModifyAllData'] }, query: (a) => a.fieldAccess('Contact', 'Email', 'read'), via: null },
      { title: 'View All Data does not grant field read', set: { systemPermissions: ['ViewAllData'] }, query: (a) => a.fieldAccess('Contact', 'Email', 'read'), via: null },
      { title: 'Modify All Data does not imply View All Fields', set: { systemPermissions: ['ModifyAllData'] }, query: (a) => a.objectAccess('Contact', 'viewAllFields'), via: null },
      {
        title: 'object Modify All does not include Create',
        set: { objectPermissions: { Contact: flagsOf(['read', 'edit', 'delete', 'viewAll', 'modifyAll']) } },
        query: (a) => a.objectAccess('Contact', 'create'),
        via: null,
      },
      {
        title: 'object Modify All ⇒ Edit (row as read back without Edit)',
        set: { objectPermissions: { Contact: flagsOf(['modifyAll']) } },
        query: (a) => a.objectAccess('Contact', 'edit'),
        via: 'ModifyAll',
      },
      { title: 'object Modify All ⇒ View All', set: { objectPermissions: { Contact: flagsOf(['modifyAll']) } }, query: (a) => a.objectAccess('Contact', 'viewAll'), via: 'ModifyAll' },
      { title: 'object Delete ⇒ Edit', set: { objectPermissions: { Contact: flagsOf(['delete']) } }, query: (a) => a.objectAccess('Contact', 'edit'), via: 'Delete' },
      { title: 'object Create ⇒ Read', set: { objectPermissions: { Contact: flagsOf(['create']) } }, query: (a) => a.objectAccess('Contact', 'read'), via: 'Create' },
      { title: 'object View All ⇒ Read', set: { objectPermissions: { Contact: flagsOf(['viewAll']) } }, query: (a) => a.objectAccess('Contact', 'read'), via: 'ViewAll' },
      { title: 'object Read does not give Edit', set: { objectPermissions: { Contact: flagsOf(['read']) } }, query: (a) => a.objectAccess('Contact', 'edit'), via: null },
      {
        title: 'View All Fields ⇒ read on every field of the object',
        set: { objectPermissions: { Contact: flagsOf(['read', 'viewAllFields']) } },
        query: (a) => a.fieldAccess('Contact', 'MobilePhone', 'read'),
        via: 'ViewAllFields',
      },
      {
        title: 'View All Fields does not grant field edit',
        set: { objectPermissions: { Contact: flagsOf(['read', 'viewAllFields']) } },
        query: (a) => a.fieldAccess('Contact', 'MobilePhone', 'edit'),
        via: null,
      },
      {
        title: 'View All Fields on Contact does not reach Account fields',
        set: { objectPermissions: { Contact: flagsOf(['read', 'viewAllFields']) } },
        query: (a) => a.fieldAccess('Account', 'Phone', 'read'),
        via: null,
      },
      {
        title: 'field edit ⇒ field read',
        set: { fieldPermissions: { 'Contact.Email': { read: false, edit: true } } },
        query: (a) => a.fieldAccess('Contact', 'Email', 'read'),
        via: 'FieldEdit',
      },
    ];
    for (const row of rows) {
      it(row.title, () => {
        const org = orgWith({ permissionSets: [{ name: 'Under_Test' }], sets: ['Under_Test'] });
        const ps = org.snapshot.permissionSets[org.setId('Under_Test')];
        Object.assign(ps, row.set);
        const grants = row.query(effectiveAccess(org.snapshot, org.user(USER)));
        if (row.via === null) expect(grants).to.deep.equal([]);
        else expect(grants).to.deep.equal([{ kind: 'PermissionSet', name: 'Under_Test', via: row.via }]);
      });
    }

    it('names the profile as the source of an implied grant', () => {
      const org = buildSnapshot({ profiles: [SYSTEM_ADMINISTRATOR], users: [{ username: USER, profile: SYSTEM_ADMINISTRATOR.name }] });
      expect(effectiveAccess(org.snapshot, org.user(USER)).objectAccess('Lead', 'create')).to.deep.equal([
        { kind: 'Profile', name: 'System Administrator', via: 'ModifyAllData' },
      ]);
    });
  });

  describe('objects without object permissions', () => {
    const org = orgWith({ permissionSets: [{ name: 'Activities', systemPermissions: ['EditEvent'] }], sets: ['Activities'] });
    const access = effectiveAccess(org.snapshot, org.user(USER));
    const cases: Array<[string, ObjectAccess, GrantSource[]]> = [
      ['Event', 'read', [{ kind: 'Org', name: 'Event', via: 'no object permissions' }]],
      ['Event', 'edit', [{ kind: 'PermissionSet', name: 'Activities' }]],
      ['Task', 'edit', []],
      ['User', 'delete', []],
      ['User', 'viewAll', []],
    ];
    for (const [object, a, expected] of cases) {
      it(`${object} ${a}`, () => expect(access.objectAccess(object, a)).to.deep.equal(expected));
    }
  });

  describe('permission set group muting', () => {
    const org = orgWith({
      permissionSets: [
        { name: 'Vendor_Access', systemPermissions: ['EditEvent'], objectPermissions: { Contact: ['read'] }, fieldPermissions: { 'Contact.Email': 'read' } },
        { name: 'Reports', systemPermissions: ['RunReports'] },
      ],
      groups: [
        {
          name: 'Sales_Ops',
          members: ['Vendor_Access', 'Reports'],
          muting: { name: 'Sales_Ops_Muting', systemPermissions: ['EditEvent'], fieldPermissions: { 'Contact.Email': 'read' } },
        },
      ],
      groupNames: ['Sales_Ops'],
    });
    const access = effectiveAccess(org.snapshot, org.user(USER));

    it('a member grant that survives muting names the group and the member', () => {
      expect(access.systemPermission('RunReports')).to.deep.equal([{ kind: 'PermissionSetGroup', name: 'Sales_Ops', via: 'Reports' }]);
      expect(access.objectAccess('Contact', 'read')).to.deep.equal([{ kind: 'PermissionSetGroup', name: 'Sales_Ops', via: 'Vendor_Access' }]);
    });

    it('a muted system permission is not granted, and the muting set is named', () => {
      expect(access.systemPermission('EditEvent')).to.deep.equal([]);
      expect(access.explain({ type: 'systemPermission', name: 'EditEvent' }).muted).to.deep.equal([
        { group: 'Sales_Ops', member: 'Vendor_Access', mutingSet: 'Sales_Ops_Muting', mutedByMutingSet: true },
      ]);
    });

    it('a muted field permission is not granted', () => {
      expect(access.fieldAccess('Contact', 'Email', 'read')).to.deep.equal([]);
      expect(access.explain({ type: 'field', object: 'Contact', field: 'Email', access: 'read' }).muted[0]?.mutingSet).to.equal('Sales_Ops_Muting');
    });
  });

  describe('session-based permission sets', () => {
    const org = orgWith({ permissionSets: [{ name: 'Elevated_Session', sessionBased: true, systemPermissions: ['ModifyAllData'] }], sets: ['Elevated_Session'] });
    const access = effectiveAccess(org.snapshot, org.user(USER));

    it('do not count as granted', () => {
      expect(access.systemPermission('ModifyAllData')).to.deep.equal([]);
      expect(access.objectAccess('Lead', 'create')).to.deep.equal([]);
    });

    it('are reported as session-only', () => {
      expect(access.explain({ type: 'systemPermission', name: 'ModifyAllData' }).sessionOnly).to.deep.equal([{ kind: 'PermissionSet', name: 'Elevated_Session' }]);
    });
  });

  describe('connected app access (SetupEntityAccess)', () => {
    const org = buildSnapshot({
      profiles: [{ ...MINIMUM_ACCESS, appAccess: ['Acme_Sync'] }],
      users: [{ username: USER, profile: MINIMUM_ACCESS.name }],
      app: { name: 'Acme_Sync', kind: 'connectedApp', installed: true, scopes: ['api'], permittedUsers: 'adminApproved', id: '0H4000000000042AAA' },
    });
    const access = effectiveAccess(org.snapshot, org.user(USER));

    it('is granted by the profile, also when asked with the 15-character Id', () => {
      expect(access.appAccess('0H4000000000042AAA')).to.deep.equal([{ kind: 'Profile', name: 'Minimum Access - Salesforce' }]);
      expect(access.appAccess('0H4000000000042')).to.deep.equal([{ kind: 'Profile', name: 'Minimum Access - Salesforce' }]);
    });

    it('is not granted for another app', () => {
      expect(access.appAccess('0H4000000000043AAA')).to.deep.equal([]);
    });
  });
});
