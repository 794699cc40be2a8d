import { expect } from 'chai';
import { computeExcess } from '../../../src/excess/index.js';
import type { ExcessItem, UserExcess } from '../../../src/excess/index.js';
import { SYSTEM_PERMISSION_RISKS, systemPermissionRisk } from '../../../src/salesforce/riskTiers.js';
import { MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR, buildSnapshot } from '../../fixtures/snapshots/builder.js';
import type { OrgSpec } from '../../fixtures/snapshots/builder.js';
import { makeRequirements } from '../../fixtures/snapshots/requirements.js';
import { realPermissionNames } from '../../fixtures/snapshots/salesforceData.js';

const ADMIN = 'admin@acme.example';
const SYNC = 'sync@acme.example';

/** A read-only contact sync: API, Contact read with Email and Phone. */
const contactSync = makeRequirements({
  systemPermissions: ['ApiEnabled'],
  objects: { Contact: { access: ['read'], fields: { read: ['Email', 'Phone'] } } },
});

const excessOf = (spec: OrgSpec, username: string, requirements = contactSync): UserExcess => {
  const org = buildSnapshot(spec);
  return computeExcess(requirements, org.snapshot, org.user(username));
};

const byKey = (excess: UserExcess, key: string): ExcessItem | undefined => excess.items.find((i) => i.key === key);
const keys = (excess: UserExcess): string[] => excess.items.map((i) => i.key);

describe('excess privilege', () => {
  describe('the risk tier table', () => {
    it('names real permissions (the v67.0 PermissionSet columns), each with a reason and a source', () => {
      const real = new Set(realPermissionNames());
      for (const r of SYSTEM_PERMISSION_RISKS) {
        // UseAnyApiClient exists only where API Access Control is on, and is not in the field reference list
        if (r.name !== 'UseAnyApiClient') expect(real.has(r.name), r.name).to.equal(true);
        expect(r.reason, r.name).to.not.equal('');
        expect(r.source, r.name).to.match(/Salesforce/);
      }
    });

    it('ranks the permissions the issue names (and Salesforce requires phishing-resistant MFA for the first four)', () => {
      for (const name of ['ModifyAllData', 'ViewAllData', 'AuthorApex', 'CustomizeApplication', 'ManageUsers', 'AssignPermissionSets', 'ManageProfilesPermissionsets', 'ModifyMetadata']) {
        expect(systemPermissionRisk(name).tier, name).to.equal('critical');
      }
      for (const name of ['ExportReport', 'DataExport', 'BulkApiHardDelete', 'ViewEncryptedData', 'CanApproveUninstalledApps', 'UseAnyApiClient']) {
        expect(systemPermissionRisk(name).tier, name).to.equal('high');
      }
      expect(systemPermissionRisk('ChatterInternalUser').tier).to.equal('low');
    });
  });

  describe('system permissions', () => {
    it('lists every admin permission the integration does not need, with the profile as source and its tier', () => {
      const excess = excessOf({ profiles: [SYSTEM_ADMINISTRATOR], users: [{ username: ADMIN, profile: 'System Administrator' }] }, ADMIN);
      const mad = byKey(excess, 'systemPermission:ModifyAllData');
      expect(mad?.tier).to.equal('critical');
      expect(mad?.sources).to.deep.equal([{ kind: 'Profile', name: 'System Administrator' }]);
      expect(byKey(excess, 'systemPermission:AuthorApex')?.tier).to.equal('critical');
      expect(byKey(excess, 'systemPermission:ManageRemoteAccess')?.tier).to.equal('high');
      expect(byKey(excess, 'systemPermission:ViewSetup')?.tier).to.equal('medium');
      // required: never excess
      expect(byKey(excess, 'systemPermission:ApiEnabled')).to.equal(undefined);
      expect(excess.highest).to.equal('critical');
      expect(excess.counts.critical).to.equal(5); // MAD, VAD, Author Apex, Customize Application, Manage Users
      // riskiest first
      expect(excess.items[0].tier).to.equal('critical');
    });

    it('does not count what a required permission depends on (Customize Application needs View Setup: grant/dependencies.ts)', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled', 'CustomizeApplication'] });
      const excess = excessOf({ profiles: [SYSTEM_ADMINISTRATOR], users: [{ username: ADMIN, profile: 'System Administrator' }] }, ADMIN, requirements);
      expect(keys(excess)).to.not.include('systemPermission:CustomizeApplication');
      expect(keys(excess)).to.not.include('systemPermission:ViewSetup');
      expect(keys(excess)).to.include('systemPermission:ModifyAllData');
    });

    it('a required Modify All Data implies View All Data and every object access (Help: View All and Modify All Permissions Overview)', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled', 'ModifyAllData'] });
      const excess = excessOf({ profiles: [SYSTEM_ADMINISTRATOR], users: [{ username: ADMIN, profile: 'System Administrator' }] }, ADMIN, requirements);
      expect(keys(excess)).to.not.include('systemPermission:ViewAllData');
      expect(excess.items.filter((i) => i.kind === 'objectAccess')).to.deep.equal([]);
      expect(keys(excess)).to.include('systemPermission:AuthorApex');
    });

    it('of an anyOf held twice, keeps the first alternative and reports the other (Use Any API Client where not required)', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled', ['CanApproveUninstalledApps', 'UseAnyApiClient']] });
      const spec: OrgSpec = {
        profiles: [{ ...MINIMUM_ACCESS, systemPermissions: ['ApiEnabled', 'CanApproveUninstalledApps', 'UseAnyApiClient'] }],
        users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }],
      };
      const excess = excessOf(spec, SYNC, requirements);
      expect(keys(excess)).to.deep.equal(['systemPermission:UseAnyApiClient']);
      expect(excess.items[0].tier).to.equal('high');
    });

    it('API Only User restricts rather than grants: never excess (Help 000386319)', () => {
      const spec: OrgSpec = {
        profiles: [{ ...MINIMUM_ACCESS, systemPermissions: ['ApiEnabled', 'ApiUserOnly', 'RunReports'], objectPermissions: { Contact: ['read'] }, fieldPermissions: { 'Contact.Email': 'read', 'Contact.Phone': 'read' } }],
        users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }],
      };
      expect(keys(excessOf(spec, SYNC))).to.deep.equal(['systemPermission:RunReports']);
    });

    it('Edit Events is required by Event create/edit (Event has no object permissions: rules.ts specialObjectAccess)', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled'], objects: { Event: { access: ['create', 'edit'] } } });
      const spec: OrgSpec = { profiles: [{ ...MINIMUM_ACCESS, systemPermissions: ['ApiEnabled', 'EditEvent', 'EditTask'] }], users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }] };
      const excess = excessOf(spec, SYNC, requirements);
      expect(keys(excess)).to.deep.equal(['systemPermission:EditTask']);
    });

    it('says which required items an excess permission meets by implication (Modify All Data reading Account without an object permission)', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled'], objects: { Account: { access: ['read'] } } });
      const spec: OrgSpec = { profiles: [{ ...MINIMUM_ACCESS, systemPermissions: ['ApiEnabled', 'ModifyAllData', 'ViewAllData'] }], users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }] };
      const excess = excessOf(spec, SYNC, requirements);
      expect(byKey(excess, 'systemPermission:ModifyAllData')?.meetsRequired).to.deep.equal(['Account: Read']);
      expect(byKey(excess, 'systemPermission:ViewAllData')?.meetsRequired).to.deep.equal(['Account: Read']);
    });
  });

  describe('object permissions', () => {
    it('lists the verbs beyond the required ones, Modify All and View All first, tiered by the riskiest', () => {
      const excess = excessOf({ profiles: [SYSTEM_ADMINISTRATOR], users: [{ username: ADMIN, profile: 'System Administrator' }] }, ADMIN);
      const contact = byKey(excess, 'objectAccess:Contact');
      expect(contact?.access).to.deep.equal(['modifyAll', 'viewAll', 'delete', 'edit', 'create']);
      expect(contact?.tier).to.equal('high');
      expect(contact?.item).to.equal('Contact: Modify All, View All, Delete, Edit, Create (beyond Read)');
      const account = byKey(excess, 'objectAccess:Account');
      expect(account?.access).to.deep.equal(['modifyAll', 'viewAll', 'delete', 'edit', 'create', 'read']);
      expect(account?.item).to.match(/not needed at all/);
    });

    it('a required Modify All on an object implies Read, Edit, Delete and View All on it but not Create (Help: View All and Modify All Permissions Overview)', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled'], objects: { Contact: { access: ['modifyAll'] } } });
      const spec: OrgSpec = {
        profiles: [{ ...MINIMUM_ACCESS, objectPermissions: { Contact: ['read', 'create', 'edit', 'delete', 'viewAll', 'modifyAll'] } }],
        users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }],
      };
      const excess = excessOf(spec, SYNC, requirements);
      expect(byKey(excess, 'objectAccess:Contact')?.access).to.deep.equal(['create']);
      expect(byKey(excess, 'objectAccess:Contact')?.tier).to.equal('low');
    });

    it('visibility all needs View All unless the org-wide default shows every record', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled'], objects: { Account: { access: ['read'], visibility: 'all' }, Lead: { access: ['read'], visibility: 'all' } } });
      const spec: OrgSpec = {
        profiles: [{ ...MINIMUM_ACCESS, objectPermissions: { Account: ['read', 'viewAll'], Lead: ['read', 'viewAll'] } }],
        users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }],
      };
      // DEFAULT_SHARING: Account Private, Lead ReadWriteTransfer (public)
      const excess = excessOf(spec, SYNC, requirements);
      expect(keys(excess)).to.deep.equal(['objectAccess:Lead']);
      expect(byKey(excess, 'objectAccess:Lead')?.access).to.deep.equal(['viewAll']);
      expect(byKey(excess, 'objectAccess:Lead')?.tier).to.equal('medium');
    });

    it('field requirements imply Read on their object (as grant plans it)', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled'], objects: { Contact: { fields: { read: ['Email'] } } } });
      const spec: OrgSpec = {
        profiles: [{ ...MINIMUM_ACCESS, objectPermissions: { Contact: ['read'] }, fieldPermissions: { 'Contact.Email': 'read' } }],
        users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }],
      };
      expect(excessOf(spec, SYNC, requirements).items).to.deep.equal([]);
    });
  });

  describe('field permissions', () => {
    it('summarises fields beyond the manifest per object: editable where only read is needed, and unneeded fields', () => {
      const spec: OrgSpec = {
        profiles: [
          {
            ...MINIMUM_ACCESS,
            objectPermissions: { Contact: ['read'] },
            fieldPermissions: { 'Contact.Email': 'edit', 'Contact.Phone': 'read', 'Contact.Title': 'read', 'Contact.MobilePhone': 'edit' },
          },
        ],
        users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }],
      };
      const excess = excessOf(spec, SYNC);
      const contact = byKey(excess, 'fieldAccess:Contact');
      expect(contact?.fields).to.deep.equal({ edit: ['Email', 'MobilePhone'], read: ['Title'] });
      expect(contact?.item).to.equal('Contact: 3 fields beyond the manifest (2 editable, 1 read-only)');
      expect(contact?.tier).to.equal('low');
    });

    it('Task and Event fields are met by Activity field permissions (they share the Activity fields’ FLS)', () => {
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled'], objects: { Event: { fields: { read: ['Description'] } } } });
      const spec: OrgSpec = { profiles: [{ ...MINIMUM_ACCESS, fieldPermissions: { 'Activity.Description': 'read', 'Event.Location': 'read' } }], users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }] };
      const excess = excessOf(spec, SYNC, requirements);
      expect(keys(excess)).to.deep.equal(['fieldAccess:Event']);
      expect(byKey(excess, 'fieldAccess:Event')?.fields).to.deep.equal({ edit: [], read: ['Location'] });
    });
  });

  describe('permission sets and groups', () => {
    const spec: OrgSpec = {
      profiles: [MINIMUM_ACCESS],
      permissionSets: [
        { name: 'Contact_Sync', objectPermissions: { Contact: ['read'] }, fieldPermissions: { 'Contact.Email': 'read', 'Contact.Phone': 'read' } },
        { name: 'Data_Loader', systemPermissions: ['BulkApiHardDelete', 'ExportReport'], objectPermissions: { Lead: ['read', 'edit'] } },
        { name: 'Report_Builder', systemPermissions: ['ViewAllData'] },
        { name: 'Case_Reader', objectPermissions: { Case: ['read'] } },
      ],
      groups: [{ name: 'Ops', members: ['Report_Builder', 'Case_Reader'] }],
      users: [{ username: SYNC, profile: MINIMUM_ACCESS.name, permissionSets: ['Contact_Sync', 'Data_Loader'], groups: ['Ops'] }],
    };

    it('names a set that grants no required item, with the riskiest tier of what it grants', () => {
      const excess = excessOf(spec, SYNC);
      const loader = byKey(excess, 'permissionSet:PermissionSet:Data_Loader');
      expect(loader?.tier).to.equal('high');
      expect(loader?.permissionSet?.kind).to.equal('PermissionSet');
      expect(keys(excess)).to.not.include('permissionSet:PermissionSet:Contact_Sync');
    });

    it('names a group the same way, and a group member as the source of what it grants', () => {
      const excess = excessOf(spec, SYNC);
      const ops = byKey(excess, 'permissionSet:PermissionSetGroup:Ops');
      // Report_Builder's View All Data makes Contact readable: the group contributes a required item by implication
      expect(ops).to.equal(undefined);
      expect(byKey(excess, 'systemPermission:ViewAllData')?.sources).to.deep.equal([{ kind: 'PermissionSetGroup', name: 'Ops', via: 'Report_Builder' }]);
      expect(byKey(excess, 'objectAccess:Case')?.sources).to.deep.equal([{ kind: 'PermissionSetGroup', name: 'Ops', via: 'Case_Reader' }]);
    });

    it('a group that contributes nothing is excess', () => {
      const withoutVad: OrgSpec = { ...spec, permissionSets: spec.permissionSets?.map((s) => (s.name === 'Report_Builder' ? { ...s, systemPermissions: ['RunReports'] } : s)) };
      const excess = excessOf(withoutVad, SYNC);
      const ops = byKey(excess, 'permissionSet:PermissionSetGroup:Ops');
      expect(ops?.tier).to.equal('low');
      expect(ops?.item).to.match(/permission set group Ops: grants nothing the manifest needs \(2 excess items\)/);
    });

    it('what a permission set the manifest requires grants is never excess', () => {
      const requirements = makeRequirements({ ...{ systemPermissions: ['ApiEnabled'] }, permissionSets: ['Data_Loader'], objects: { Contact: { access: ['read'], fields: { read: ['Email', 'Phone'] } } } });
      const excess = excessOf(spec, SYNC, requirements);
      expect(keys(excess)).to.not.include('systemPermission:BulkApiHardDelete');
      expect(keys(excess)).to.not.include('permissionSet:PermissionSet:Data_Loader');
    });
  });

  describe('app access', () => {
    it('reports access to an admin-approved app other than the integration’s own', () => {
      const org = buildSnapshot({
        profiles: [{ ...MINIMUM_ACCESS, appAccess: ['Acme_Sync'] }],
        users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }],
        app: { name: 'Acme_Sync', kind: 'connectedApp', installed: true, scopes: ['api'] },
      });
      const requirements = makeRequirements({ systemPermissions: ['ApiEnabled'], oauth: { app: 'Acme_Sync' } });
      const profile = Object.values(org.snapshot.permissionSets).find((s) => s.kind === 'Profile');
      profile?.appAccess.push('0H4000000000009AAA');
      org.snapshot.appNames = { '0H4000000000009AAA': 'Data_Exporter', '0H4000000000001AAA': 'Acme_Sync' };
      const excess = computeExcess(requirements, org.snapshot, org.user(SYNC));
      expect(keys(excess)).to.deep.equal(['appAccess:Data_Exporter']);
      expect(excess.items[0].tier).to.equal('medium');
      expect(excess.items[0].sources).to.deep.equal([{ kind: 'Profile', name: MINIMUM_ACCESS.name }]);
    });
  });

  it('a user holding exactly the manifest has no excess', () => {
    const spec: OrgSpec = {
      profiles: [{ ...MINIMUM_ACCESS, objectPermissions: { Contact: ['read'] }, fieldPermissions: { 'Contact.Email': 'read', 'Contact.Phone': 'read' } }],
      users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }],
    };
    const excess = excessOf(spec, SYNC);
    expect(excess).to.deep.equal({ items: [], counts: { critical: 0, high: 0, medium: 0, low: 0 } });
  });
});
