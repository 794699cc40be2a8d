/*
 * UserEntityAccess / UserFieldAccess: one user's effective access computed when queried (profile,
 * permission sets, group aggregates minus muting; session-based sets not counted), Salesforce's
 * filter restrictions, the access-overrides test endpoint and the INVALID_TYPE fault.
 */
import { expect } from 'chai';
import { OrgModel } from '../../emulator/src/context.js';
import { startEmulator, type EmulatorHandle } from '../../emulator/src/index.js';
import type { OrgState } from '../../emulator/src/orgState.js';
import { SoqlError } from '../../emulator/src/soql.js';
import { demoState, permissionableFields } from './helpers.js';

type Rec = Record<string, unknown>;
const data = { tooling: false, apiVersion: '62.0' };

const UEA = 'SELECT DurableId, EntityDefinitionId, IsReadable, IsCreatable, IsEditable, IsDeletable FROM UserEntityAccess';
const UFA = 'SELECT DurableId, EntityDefinitionId, IsAccessible, IsUpdatable, IsCreatable FROM UserFieldAccess';
const inList = (names: string[]): string => names.map((n) => `'${n}'`).join(',');

/** Small org: one situation per user. */
const smallState = (): OrgState => ({
  profiles: [
    { name: 'Basic', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled', 'EditTask'], objectPermissions: { Account: ['read'], Contact: ['read'] } },
    { name: 'Auditor', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled', 'ViewSetup', 'ViewAllData'] },
    { name: 'Superuser', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled', 'ViewSetup', 'ViewAllData', 'ModifyAllData'] },
  ],
  permissionSets: [
    {
      name: 'Session_Editor',
      sessionBased: true,
      systemPermissions: ['EditEvent'],
      objectPermissions: { Account: ['read', 'create', 'edit', 'delete'] },
      fieldPermissions: { 'Account.Website': 'edit' },
    },
    { name: 'All_Contact_Fields', objectPermissions: { Contact: ['read', 'viewAllFields'] } },
    { name: 'Activity_Fields', fieldPermissions: { 'Task.Description': 'edit', 'Event.Description': 'read' } },
  ],
  users: [
    { username: 'session@small.example', profile: 'Basic', permissionSets: ['Session_Editor', 'Activity_Fields'] },
    { username: 'auditor@small.example', profile: 'Auditor' },
    { username: 'super@small.example', profile: 'Superuser' },
    { username: 'fields@small.example', profile: 'Basic', permissionSets: ['All_Contact_Fields'], isActive: false },
  ],
});

const userId = (model: OrgModel, username: string): string =>
  String(model.engine.run(`SELECT Id FROM User WHERE Username = '${username}'`, data).records[0].Id);

/** Rows by EntityDefinitionId (UEA) or by 'Object.Field' (UFA). */
const byKey = (records: Rec[]): Map<string, Rec> =>
  new Map(records.map((r) => [String(r.DurableId).split('.').slice(0, -1).join('.'), r]));

const verdict = (r: Rec | undefined, columns: string[]): Rec => Object.fromEntries(columns.map((c) => [c, r?.[c]]));
const OBJ = ['IsReadable', 'IsCreatable', 'IsEditable', 'IsDeletable'];
const FLD = ['IsAccessible', 'IsUpdatable', 'IsCreatable'];

describe('emulator UserEntityAccess / UserFieldAccess', function () {
  this.timeout(120_000);

  describe('computed from the demo org', () => {
    const model = new OrgModel(demoState());
    const entities = (username: string, objects: string[]): Map<string, Rec> =>
      byKey(model.engine.run(`${UEA} WHERE UserId = '${userId(model, username)}' AND EntityDefinitionId IN (${inList(objects)})`, data).records as Rec[]);
    const fields = (username: string, objects: string[]): Map<string, Rec> =>
      byKey(model.engine.run(`${UFA} WHERE UserId = '${userId(model, username)}' AND EntityDefinitionId IN (${inList(objects)})`, data).records as Rec[]);

    it('shapes rows like Salesforce: DurableId = entity.user, one per named object, relationships to EntityDefinition and User', () => {
      const id = userId(model, 'agent@acme.example');
      const rows = model.engine.run(
        `SELECT Id, DurableId, EntityDefinitionId, UserId, IsUndeletable, IsMergeable, EntityDefinition.QualifiedApiName, User.Username FROM UserEntityAccess WHERE UserId = '${id.slice(0, 15)}' AND EntityDefinitionId IN ('Account','Contact')`,
        data
      ).records as Rec[];
      expect(rows.map((r) => r.DurableId)).to.deep.equal([`Account.${id}`, `Contact.${id}`]);
      expect(rows[0]).to.include({ Id: null, EntityDefinitionId: 'Account', UserId: id, IsUndeletable: false, IsMergeable: false });
      expect((rows[0].EntityDefinition as Rec).QualifiedApiName).to.equal('Account');
      expect((rows[1].User as Rec).Username).to.equal('agent@acme.example');
      const f = model.engine.run(`SELECT DurableId, UserId FROM UserFieldAccess WHERE UserId = '${id}' AND EntityDefinitionId = 'Contact'`, data).records;
      expect(f.map((r) => r.DurableId)).to.include(`Contact.Email.${id}`);
      expect(f).to.have.length(model.describes.get('Contact')?.fields.length ?? -1);
    });

    it('grants through the profile: Sales Agent reads/creates/edits Contact, edits Contact.Email, only reads Contact.HomePhone', () => {
      expect(verdict(entities('agent@acme.example', ['Contact']).get('Contact'), OBJ)).to.deep.equal({
        IsReadable: true,
        IsCreatable: true,
        IsEditable: true,
        IsDeletable: false,
      });
      const f = fields('agent@acme.example', ['Contact']);
      expect(verdict(f.get('Contact.Email'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: true, IsCreatable: true });
      expect(verdict(f.get('Contact.HomePhone'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: false });
      // no field-level security on MobilePhone anywhere
      expect(verdict(f.get('Contact.MobilePhone'), FLD)).to.deep.equal({ IsAccessible: false, IsUpdatable: false, IsCreatable: false });
    });

    it('grants through a permission set: CrankWheel_User gives agent@ read on Account.PersonEmail', () => {
      const f = fields('agent@acme.example', ['Account']);
      expect(verdict(f.get('Account.PersonEmail'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: false });
      // without the set (frozen@, Standard User) there is none
      expect(fields('frozen@acme.example', ['Account']).get('Account.PersonEmail')?.IsAccessible).to.equal(false);
    });

    it('grants through a group aggregate with the muted permission taken away', () => {
      const e = entities('ops@acme.example', ['Lead', 'Case', 'Contact']);
      // Lead read and Case read come only from the group's members
      expect(verdict(e.get('Lead'), OBJ)).to.deep.equal({ IsReadable: true, IsCreatable: false, IsEditable: false, IsDeletable: false });
      expect(e.get('Case')?.IsReadable).to.equal(true);
      const f = fields('ops@acme.example', ['Contact']);
      // Sales_Base edits Contact.Phone; the muting set takes the edit away, read stays
      expect(verdict(f.get('Contact.Phone'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: false });
      expect(f.get('Contact.MobilePhone')?.IsAccessible).to.equal(true);
    });

    it('gives readable Task/Event and User, changeable by Edit Tasks / Edit Events / Manage Users', () => {
      const agent = entities('agent@acme.example', ['Task', 'Event', 'User']);
      expect(verdict(agent.get('Task'), OBJ)).to.deep.equal({ IsReadable: true, IsCreatable: true, IsEditable: true, IsDeletable: true });
      expect(verdict(agent.get('Event'), OBJ)).to.deep.equal({ IsReadable: true, IsCreatable: false, IsEditable: false, IsDeletable: false });
      expect(verdict(agent.get('User'), OBJ)).to.deep.equal({ IsReadable: true, IsCreatable: false, IsEditable: false, IsDeletable: false });
      expect(entities('admin@acme.example', ['User']).get('User')?.IsEditable).to.equal(true);
      const f = fields('agent@acme.example', ['Event']);
      expect(verdict(f.get('Event.Location'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: false });
    });

    it('answers nothing for an Id that is no user and for an object the org lacks', () => {
      expect(model.engine.run(`${UEA} WHERE UserId = '005000000000000AAA'`, data).records).to.deep.equal([]);
      expect(model.engine.run(`${UEA} WHERE UserId = '${userId(model, 'agent@acme.example')}' AND EntityDefinitionId = 'Nope__c'`, data).records).to.deep.equal([]);
    });
  });

  describe('computed from a small org', () => {
    const model = new OrgModel(smallState());
    const entity = (username: string, object: string): Rec =>
      verdict(model.engine.run(`${UEA} WHERE UserId = '${userId(model, username)}' AND EntityDefinitionId = '${object}'`, data).records[0] as Rec, OBJ);
    const fields = (username: string, object: string): Map<string, Rec> =>
      byKey(model.engine.run(`${UFA} WHERE UserId = '${userId(model, username)}' AND EntityDefinitionId = '${object}'`, data).records as Rec[]);

    it('does not count a session-based permission set (never activated)', () => {
      expect(entity('session@small.example', 'Account')).to.deep.equal({ IsReadable: true, IsCreatable: false, IsEditable: false, IsDeletable: false });
      expect(fields('session@small.example', 'Account').get('Account.Website')?.IsAccessible).to.equal(false);
      // its Edit Events does not count either
      expect(entity('session@small.example', 'Event').IsEditable).to.equal(false);
      expect(entity('session@small.example', 'Task').IsEditable).to.equal(true);
    });

    it('gives Task/Event fields their own field-level security', () => {
      const task = fields('session@small.example', 'Task');
      expect(verdict(task.get('Task.Description'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: true, IsCreatable: true });
      const event = fields('session@small.example', 'Event');
      expect(verdict(event.get('Event.Description'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: false });
    });

    it('View All Data makes every object readable but grants no field access', () => {
      expect(entity('auditor@small.example', 'Opportunity')).to.deep.equal({ IsReadable: true, IsCreatable: false, IsEditable: false, IsDeletable: false });
      const f = fields('auditor@small.example', 'Account');
      expect(f.get('Account.Phone')?.IsAccessible).to.equal(false);
      // a field without field-level security is readable with the object
      expect(f.get('Account.Name')?.IsAccessible).to.equal(true);
    });

    it('Modify All Data gives every object access, still no field access', () => {
      expect(entity('super@small.example', 'Lead')).to.deep.equal({ IsReadable: true, IsCreatable: true, IsEditable: true, IsDeletable: true });
      const f = fields('super@small.example', 'Lead');
      expect(verdict(f.get('Lead.Email'), FLD)).to.deep.equal({ IsAccessible: false, IsUpdatable: false, IsCreatable: false });
      expect(verdict(f.get('Lead.LastName'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: true, IsCreatable: true });
    });

    it('View All Fields reads every field of the object (an inactive user is computed anyway)', () => {
      const f = fields('fields@small.example', 'Contact');
      const permissionable = permissionableFields('Contact');
      expect(permissionable.length).to.be.greaterThan(10);
      for (const name of permissionable) expect(verdict(f.get(`Contact.${name}`), FLD), name).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: false });
      // not for another object
      expect(fields('fields@small.example', 'Account').get('Account.Phone')?.IsAccessible).to.equal(false);
    });

    it('a non-permissionable field follows the object: readable, updatable only with object edit', () => {
      const f = fields('fields@small.example', 'Contact');
      expect(verdict(f.get('Contact.LastName'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: false });
      expect(verdict(f.get('Contact.Id'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: false });
    });
  });

  describe("Salesforce's filter rules", () => {
    const model = new OrgModel(demoState());
    const id = userId(model, 'agent@acme.example');
    const refused = (q: string): SoqlError => {
      try {
        model.engine.run(q, data);
      } catch (e) {
        return e as SoqlError;
      }
      throw new Error(`expected '${q}' to be refused`);
    };

    it('refuses a query without UserId = …', () => {
      for (const q of [UEA, `${UFA} WHERE EntityDefinitionId = 'Account'`, `${UEA} WHERE UserId IN ('${id}')`]) {
        const e = refused(q);
        expect(e).to.be.instanceOf(SoqlError);
        expect([e.status, e.errorCode]).to.deep.equal([400, 'MALFORMED_QUERY']);
        expect(e.message).to.match(/a filter on UserId with '=' is required$/);
      }
    });

    it('refuses OR, NOT and !=', () => {
      expect(refused(`${UEA} WHERE UserId = '${id}' OR EntityDefinitionId = 'Account'`).message).to.match(/Disjunctions not supported$/);
      expect(refused(`${UEA} WHERE UserId = '${id}' AND NOT EntityDefinitionId = 'Account'`).message).to.match(/Only equals comparisons permitted$/);
      expect(refused(`${UFA} WHERE UserId = '${id}' AND EntityDefinitionId != 'Account'`).message).to.match(/Only equals comparisons permitted$/);
      expect(refused(`${UFA} WHERE UserId = '${id}' AND EntityDefinitionId NOT IN ('Account')`).errorCode).to.equal('MALFORMED_QUERY');
    });

    it('ignores LIMIT and filters on DurableId', () => {
      expect(model.engine.run(`${UEA} WHERE UserId = '${id}' AND EntityDefinitionId IN ('Account','Contact','Lead') LIMIT 1`, data).records).to.have.length(3);
      const rows = model.engine.run(`${UFA} WHERE UserId = '${id}' AND DurableId IN ('Contact.Email.${id}','Account.Phone.${id}')`, data).records;
      expect(rows.map((r) => r.DurableId)).to.deep.equal([`Account.Phone.${id}`, `Contact.Email.${id}`]);
    });
  });

  describe('over HTTP: overrides, composite and the INVALID_TYPE fault', () => {
    let h: EmulatorHandle;
    let agentId: string;
    const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> => {
      const res = await fetch(`${h.instanceUrl}${path}`, {
        method,
        headers: { Authorization: `Bearer ${h.accessToken}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
    };
    const query = async (soql: string, tooling = false): Promise<{ status: number; json: unknown }> =>
      call('GET', `/services/data/v62.0/${tooling ? 'tooling/' : ''}query?q=${encodeURIComponent(soql)}`);
    const records = async (soql: string, tooling = false): Promise<Rec[]> => ((await query(soql, tooling)).json as { records: Rec[] }).records;

    before(async () => {
      h = await startEmulator({ state: demoState() });
      const users = await records("SELECT Id FROM User WHERE Username = 'agent@acme.example'");
      agentId = String(users[0].Id);
    });
    after(async () => {
      await h?.stop();
    });

    it('serves both objects on /query and /tooling/query, and refuses a bad filter with 400 MALFORMED_QUERY', async () => {
      const rest = await records(`${UEA} WHERE UserId = '${agentId}' AND EntityDefinitionId IN ('Account','Contact')`);
      const tooling = await records(`${UEA} WHERE UserId = '${agentId}' AND EntityDefinitionId IN ('Account','Contact')`, true);
      expect(rest.map((r) => r.DurableId)).to.deep.equal([`Account.${agentId}`, `Contact.${agentId}`]);
      expect(tooling.map((r) => r.DurableId)).to.deep.equal(rest.map((r) => r.DurableId));
      const bad = await query(`${UFA} WHERE UserId = '${agentId}' OR EntityDefinitionId = 'Account'`);
      expect(bad.status).to.equal(400);
      expect((bad.json as Rec[])[0]).to.include({ errorCode: 'MALFORMED_QUERY' });
    });

    it('applies access overrides to the named rows only, and clears them with []', async () => {
      const put = await call('PUT', '/__emulator/access-overrides', [
        { username: 'agent@acme.example', object: 'Contact', values: { IsReadable: false, IsDeletable: true } },
        { username: 'agent@acme.example', object: 'Contact', field: 'Email', values: { IsUpdatable: false } },
        { username: 'ops@acme.example', object: 'Account', values: { IsReadable: false } },
      ]);
      expect(put.status).to.equal(200);
      const e = byKey(await records(`${UEA} WHERE UserId = '${agentId}' AND EntityDefinitionId IN ('Account','Contact')`));
      expect(verdict(e.get('Contact'), OBJ)).to.deep.equal({ IsReadable: false, IsCreatable: true, IsEditable: true, IsDeletable: true });
      expect(e.get('Account')?.IsReadable).to.equal(true);
      const f = byKey(await records(`${UFA} WHERE UserId = '${agentId}' AND EntityDefinitionId = 'Contact'`));
      expect(verdict(f.get('Contact.Email'), FLD)).to.deep.equal({ IsAccessible: true, IsUpdatable: false, IsCreatable: true });
      expect(f.get('Contact.Phone')?.IsUpdatable).to.equal(true);
      // the permission tables themselves are untouched
      const perms = await records(
        `SELECT PermissionsRead FROM ObjectPermissions WHERE SobjectType = 'Contact' AND ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE AssigneeId = '${agentId}')`
      );
      expect(perms.map((r) => r.PermissionsRead)).to.deep.equal([true]);
      expect(((await call('GET', '/__emulator/access-overrides')).json as unknown[]).length).to.equal(3);

      expect((await call('PUT', '/__emulator/access-overrides', [])).status).to.equal(200);
      const cleared = byKey(await records(`${UEA} WHERE UserId = '${agentId}' AND EntityDefinitionId = 'Contact'`));
      expect(verdict(cleared.get('Contact'), OBJ)).to.deep.equal({ IsReadable: true, IsCreatable: true, IsEditable: true, IsDeletable: false });
    });

    it('refuses an override naming a column of the other object', async () => {
      const res = await call('PUT', '/__emulator/access-overrides', [{ username: 'agent@acme.example', object: 'Contact', values: { IsAccessible: false } }]);
      expect(res.status).to.equal(400);
      expect((res.json as Rec).error).to.match(/IsAccessible: not a UserEntityAccess column/);
      expect((await call('PUT', '/__emulator/access-overrides', { username: 'x' })).status).to.equal(400);
    });

    it('fails one composite subrequest with INVALID_TYPE while the others answer', async () => {
      h.setFaults([{ match: 'FROM UserFieldAccess', fault: 'INVALID_TYPE', subrequests: true }]);
      const q = (soql: string): string => `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`;
      const res = await call('POST', '/services/data/v62.0/composite', {
        compositeRequest: [
          { method: 'GET', url: q(`${UEA} WHERE UserId = '${agentId}' AND EntityDefinitionId IN ('Account','Contact')`), referenceId: 'entities' },
          { method: 'GET', url: q(`${UFA} WHERE UserId = '${agentId}' AND EntityDefinitionId IN ('Account','Contact')`), referenceId: 'fields' },
        ],
      });
      h.setFaults([]);
      const [entities, fields] = (res.json as { compositeResponse: Array<{ httpStatusCode: number; body: unknown }> }).compositeResponse;
      expect(entities.httpStatusCode).to.equal(200);
      expect((entities.body as { totalSize: number }).totalSize).to.equal(2);
      expect(fields.httpStatusCode).to.equal(400);
      const error = (fields.body as Rec[])[0];
      expect(error.errorCode).to.equal('INVALID_TYPE');
      expect(error.message).to.match(/sObject type 'UserFieldAccess' is not supported\./);
    });

    it('answers a top-level INVALID_TYPE fault with HTTP 400', async () => {
      h.setFaults([{ match: 'FROM+UserEntityAccess', fault: 'INVALID_TYPE' }]);
      const res = await call('GET', `/services/data/v62.0/query?q=${`${UEA} WHERE UserId = '${agentId}'`.replace(/ /g, '+')}`);
      h.setFaults([]);
      expect(res.status).to.equal(400);
      expect((res.json as Rec[])[0].errorCode).to.equal('INVALID_TYPE');
      expect((res.json as Rec[])[0].message).to.match(/sObject type 'UserEntityAccess' is not supported\./);
    });
  });
});
