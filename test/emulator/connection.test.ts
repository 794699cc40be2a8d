/*
 * Fidelity tests: a real @salesforce/core Org / Connection (jsforce-node underneath) against the
 * emulator, registered in the sf auth store of a temporary HOME.
 */
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import { registerOrg, startEmulator, type EmulatorHandle } from '../../emulator/src/index.js';
import type { OrgState } from '../../emulator/src/orgState.js';
import { demoState, permissionableFields, useTempHome } from './helpers.js';

type Rec = Record<string, unknown>;
type SfErr = Error & { errorCode?: string; data?: unknown };

const failure = async (p: PromiseLike<unknown>): Promise<SfErr> => {
  try {
    await p;
  } catch (e) {
    return e as SfErr;
  }
  throw new Error('expected the call to fail');
};

describe('emulator through a real @salesforce/core connection', function () {
  this.timeout(120_000);
  let env: ReturnType<typeof useTempHome>;
  let h: EmulatorHandle;
  let conn: Connection;

  before(async () => {
    env = useTempHome();
    h = await startEmulator({ state: demoState() });
    await registerOrg({ ...h, alias: 'acme-emu' });
    const { Org } = await import('@salesforce/core');
    const org = await Org.create({ aliasOrUsername: 'acme-emu' });
    conn = org.getConnection();
  });

  after(async () => {
    await h?.stop();
    env?.restore();
  });

  it('registers the org: the alias resolves to the admin and the auth file knows the edition', async () => {
    const { Org } = await import('@salesforce/core');
    const org = await Org.create({ aliasOrUsername: 'acme-emu' });
    expect(org.getUsername()).to.equal('admin@acme.example');
    expect(org.getField(Org.Fields.ORG_EDITION)).to.equal('Enterprise Edition');
    expect(conn.instanceUrl).to.equal(h.instanceUrl);
  });

  it('queries with relationship paths and nested relationship objects', async () => {
    const res = await conn.query<Rec>(
      "SELECT Id, Username, Profile.Name, Profile.UserLicense.Name FROM User WHERE Username = 'integration@acme.example'"
    );
    expect(res.totalSize).to.equal(1);
    const u = res.records[0];
    expect(u.Id).to.match(/^005[0-9A-Za-z]{15}$/);
    const profile = u.Profile as Rec;
    expect(profile.Name).to.equal('Minimum Access - API Only Integrations');
    expect((profile.UserLicense as Rec).Name).to.equal('Salesforce Integration');
    expect((profile.attributes as Rec).type).to.equal('Profile');
  });

  it('lists assignments including the profile set and the group aggregate, with null lookups', async () => {
    const res = await conn.query<Rec>(
      "SELECT PermissionSet.Name, PermissionSet.Type, PermissionSet.IsOwnedByProfile, PermissionSet.Profile.Name, PermissionSetGroup.DeveloperName FROM PermissionSetAssignment WHERE Assignee.Username = 'ops@acme.example' ORDER BY PermissionSet.Type"
    );
    expect(res.records.map((r) => (r.PermissionSet as Rec).Type)).to.deep.equal(['Group', 'Profile']);
    const [group, profile] = res.records;
    expect((group.PermissionSetGroup as Rec).DeveloperName).to.equal('Sales_Ops');
    expect(((profile.PermissionSet as Rec).Profile as Rec).Name).to.equal('Standard User');
    expect(profile.PermissionSetGroup).to.equal(null);
  });

  it('serves the group aggregate as members minus muting', async () => {
    const res = await conn.query<Rec>(
      "SELECT Field, PermissionsRead, PermissionsEdit FROM FieldPermissions WHERE ParentId IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = 'ops@acme.example' AND PermissionSetGroupId != null) AND SobjectType = 'Contact' AND Field = 'Contact.Phone'"
    );
    expect(res.records).to.have.length(1);
    expect(res.records[0]).to.include({ PermissionsRead: true, PermissionsEdit: false });
    const ps = await conn.query<Rec>(
      "SELECT PermissionsRunReports, PermissionsCreateCustomizeReports FROM PermissionSet WHERE PermissionSetGroup.DeveloperName = 'Sales_Ops'"
    );
    expect(ps.records[0]).to.include({ PermissionsRunReports: true, PermissionsCreateCustomizeReports: false });
  });

  it('answers semi-joins, NOT IN, OR/NOT precedence, ORDER BY, LIMIT/OFFSET and COUNT', async () => {
    const agentSets = await conn.query<Rec>(
      "SELECT Name FROM PermissionSet WHERE Id IN (SELECT PermissionSetId FROM PermissionSetAssignment WHERE Assignee.Username = 'agent@acme.example') AND IsOwnedByProfile = false"
    );
    expect(agentSets.records.map((r) => r.Name)).to.deep.equal(['CrankWheel_User']);
    const notIn = await conn.query<Rec>(
      'SELECT Username FROM User WHERE Id NOT IN (SELECT AssigneeId FROM PermissionSetAssignment WHERE PermissionSet.IsOwnedByProfile = false) ORDER BY Username DESC'
    );
    expect(notIn.records.map((r) => r.Username)).to.deep.equal([
      'platform@acme.example',
      'integration-nopsl@acme.example',
      'frozen@acme.example',
      'former@acme.example',
      'admin@acme.example',
    ]);
    const logic = await conn.query<Rec>(
      "SELECT Username FROM User WHERE NOT IsActive = false AND (Username LIKE 'int%' OR Username = 'OPS@acme.example') ORDER BY Username LIMIT 2 OFFSET 1"
    );
    expect(logic.records.map((r) => r.Username)).to.deep.equal(['integration@acme.example', 'ops@acme.example']);
    const count = await conn.query('SELECT COUNT() FROM User WHERE IsActive = true');
    expect(count.totalSize).to.equal(7);
    expect(count.records).to.deep.equal([]);
    const agg = await conn.query<Rec>('SELECT COUNT(Id) n FROM UserLogin WHERE IsFrozen = true');
    expect(agg.records[0].n).to.equal(1);
  });

  it('answers INVALID_FIELD, INVALID_TYPE and MALFORMED_QUERY like Salesforce', async () => {
    const field = await failure(conn.query('SELECT Id, PermissionsUseAnyApiClient FROM PermissionSet'));
    expect(field.errorCode).to.equal('INVALID_FIELD');
    expect(field.message).to.match(/ERROR at Row:1:Column:12\nNo such column 'PermissionsUseAnyApiClient' on entity 'PermissionSet'/);
    const rel = await failure(conn.query('SELECT Id, Nope.Name FROM User'));
    expect(rel.errorCode).to.equal('INVALID_FIELD');
    expect(rel.message).to.contain("Didn't understand relationship 'Nope'");
    const type = await failure(conn.query('SELECT Id FROM ScratchOrgInfo'));
    expect(type.errorCode).to.equal('INVALID_TYPE');
    expect(type.message).to.contain("sObject type 'ScratchOrgInfo' is not supported.");
    const bad = await failure(conn.query('SELECT FROM WHERE'));
    expect(bad.errorCode).to.equal('MALFORMED_QUERY');
  });

  it('serves Tooling queries (PermissionDependency, SandboxProcess, EntityParticle)', async () => {
    const deps = await conn.tooling.query<Rec>("SELECT Permission, RequiredPermission FROM PermissionDependency WHERE Permission = 'ManageUsers' ORDER BY RequiredPermission");
    expect(deps.records.map((r) => r.RequiredPermission)).to.deep.equal(['ViewRoles', 'ViewSetup']);
    const sandboxes = await conn.tooling.query('SELECT Id FROM SandboxProcess');
    expect(sandboxes.totalSize).to.equal(0);
    const particles = await conn.tooling.query<Rec>(
      "SELECT QualifiedApiName, IsPermissionable FROM EntityParticle WHERE EntityDefinition.QualifiedApiName = 'Contact' AND QualifiedApiName IN ('Email', 'LastName', 'MobilePhone') ORDER BY QualifiedApiName"
    );
    expect(particles.records.map((r) => [r.QualifiedApiName, r.IsPermissionable])).to.deep.equal([
      ['Email', true],
      ['LastName', false],
      ['MobilePhone', true],
    ]);
    const owd = await conn.query<Rec>("SELECT QualifiedApiName, InternalSharingModel FROM EntityDefinition WHERE QualifiedApiName IN ('Account', 'Contact', 'Event')");
    expect(Object.fromEntries(owd.records.map((r) => [r.QualifiedApiName, r.InternalSharingModel]))).to.deep.equal({
      Account: 'Private',
      Contact: 'ControlledByParent',
      Event: 'ReadWrite',
    });
  });

  it('describes objects from the real fixtures, adjusted by the state', async () => {
    const account = await conn.describe('Account');
    const names = account.fields.map((f) => f.name);
    expect(names).to.include.members(['Name', 'Website', 'PersonEmail', 'PersonMobilePhone', 'IsPersonAccount']);
    expect(account.fields.find((f) => f.name === 'Website')?.permissionable).to.equal(true);
    const ps = await conn.describe('PermissionSet');
    const psFields = new Set(ps.fields.map((f) => f.name));
    expect(psFields.has('PermissionsApiEnabled')).to.equal(true);
    expect(psFields.has('PermissionsCanApproveUninstalledApps')).to.equal(true);
    expect(psFields.has('PermissionsUseAnyApiClient')).to.equal(false);
    const global = await conn.describeGlobal();
    expect(global.sobjects.map((s) => s.name)).to.include.members(['Account', 'User', 'PermissionSetAssignment', 'FieldPermissions']);
    const user = (await conn.request<Rec>(`/services/data/v62.0/sobjects/User/${String((await conn.query<Rec>("SELECT Id FROM User WHERE Username = 'agent@acme.example'")).records[0].Id)}`));
    expect(user.Username).to.equal('agent@acme.example');
  });

  it('inserts a PermissionSetAssignment, refuses the duplicate and a licence violation', async () => {
    const ids = await conn.query<Rec>(
      "SELECT Id, Username FROM User WHERE Username IN ('platform@acme.example', 'integration-nopsl@acme.example')"
    );
    const userId = (name: string): string => String(ids.records.find((r) => r.Username === name)?.Id);
    const sets = await conn.query<Rec>("SELECT Id, Name FROM PermissionSet WHERE Name IN ('CrankWheel_User', 'Sales_Base')");
    const setId = (name: string): string => String(sets.records.find((r) => r.Name === name)?.Id);

    const created = await conn.sobject('PermissionSetAssignment').create({ AssigneeId: userId('platform@acme.example'), PermissionSetId: setId('CrankWheel_User') });
    expect(created.success).to.equal(true);
    expect(created.id).to.match(/^0Pa/);
    const check = await conn.query<Rec>(`SELECT PermissionSet.Name FROM PermissionSetAssignment WHERE Id = '${String(created.id)}'`);
    expect((check.records[0].PermissionSet as Rec).Name).to.equal('CrankWheel_User');

    const dup = await failure(conn.sobject('PermissionSetAssignment').create({ AssigneeId: userId('platform@acme.example'), PermissionSetId: setId('CrankWheel_User') }));
    expect(dup.errorCode).to.equal('DUPLICATE_VALUE');
    expect(dup.message).to.contain(String(created.id));

    // Sales_Base grants Opportunity (and Lead) read: a Salesforce Platform licence cannot hold them
    const platform = await failure(conn.sobject('PermissionSetAssignment').create({ AssigneeId: userId('platform@acme.example'), PermissionSetId: setId('Sales_Base') }));
    expect(platform.errorCode).to.equal('FIELD_INTEGRITY_EXCEPTION');
    expect(platform.message).to.equal("The user license doesn't allow the permission: Read Opportunity");
    // an integration user without the PSL cannot get object access
    const nopsl = await failure(conn.sobject('PermissionSetAssignment').create({ AssigneeId: userId('integration-nopsl@acme.example'), PermissionSetId: setId('CrankWheel_User') }));
    expect(nopsl.message).to.equal("The user license doesn't allow the permission: Read Account");
    expect(h.getState().users?.find((u) => u.username === 'integration-nopsl@acme.example')?.permissionSets).to.equal(undefined);

    await conn.sobject('PermissionSetAssignment').destroy(String(created.id));
    const after = await conn.query(`SELECT Id FROM PermissionSetAssignment WHERE Id = '${String(created.id)}'`);
    expect(after.totalSize).to.equal(0);
    const unknown = await failure(conn.sobject('PermissionSetAssignment').create({ AssigneeId: '005000000000000AAA', PermissionSetId: setId('Sales_Base') }));
    expect(unknown.errorCode).to.equal('INVALID_CROSS_REFERENCE_KEY');
  });

  it('answers composite/batch as one logged request, with subrequests through the same router', async () => {
    h.clearLog();
    const body = {
      haltOnError: false,
      batchRequests: [
        { method: 'GET', url: `v62.0/query?q=${encodeURIComponent("SELECT Username FROM User WHERE Username = 'agent@acme.example'")}` },
        { method: 'GET', url: `v62.0/tooling/query?q=${encodeURIComponent('SELECT Permission FROM PermissionDependency LIMIT 1')}` },
        { method: 'GET', url: `v62.0/query?q=${encodeURIComponent('SELECT Nope FROM User')}` },
        { method: 'GET', url: 'v62.0/sobjects/PermissionSet/describe' },
      ],
    };
    const res = (await conn.request<{ hasErrors: boolean; results: Array<{ statusCode: number; result: Rec | Rec[] }> }>({ method: 'POST', url: '/services/data/v62.0/composite/batch', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }));
    expect(res.hasErrors).to.equal(true);
    expect(res.results.map((r) => r.statusCode)).to.deep.equal([200, 200, 400, 200]);
    expect(((res.results[0].result as Rec).records as Rec[])[0].Username).to.equal('agent@acme.example');
    expect((res.results[2].result as Rec[])[0].errorCode).to.equal('INVALID_FIELD');
    const log = h.requestLog();
    expect(log).to.have.length(1);
    expect(log[0]).to.include({ method: 'POST', path: '/services/data/v62.0/composite/batch', status: 200 });
    expect(log[0].bytesIn).to.equal(Buffer.byteLength(JSON.stringify(body)));
    expect(log[0].bytesOut).to.be.greaterThan(1000);
  });

  it('answers composite with references and composite/sobjects with allOrNone', async () => {
    const composite = (await conn.request<{ compositeResponse: Array<{ httpStatusCode: number; body: Rec; referenceId: string }> }>({
      method: 'POST',
      url: '/services/data/v62.0/composite',
      body: JSON.stringify({
        compositeRequest: [
          { method: 'GET', referenceId: 'u', url: `/services/data/v62.0/query?q=${encodeURIComponent("SELECT Id FROM User WHERE Username = 'agent@acme.example'")}` },
          { method: 'GET', referenceId: 'rec', url: '/services/data/v62.0/sobjects/User/@{u.records[0].Id}' },
        ],
      }),
      headers: { 'content-type': 'application/json' },
    }));
    expect(composite.compositeResponse.map((r) => r.httpStatusCode)).to.deep.equal([200, 200]);
    expect(composite.compositeResponse[1].body.Username).to.equal('agent@acme.example');

    const ids = await conn.query<Rec>("SELECT Id FROM User WHERE Username = 'ops@acme.example'");
    const sets = await conn.query<Rec>("SELECT Id FROM PermissionSet WHERE Name IN ('CrankWheel_User', 'Report_Builder') ORDER BY Name");
    const records = sets.records.map((s) => ({ attributes: { type: 'PermissionSetAssignment' }, AssigneeId: ids.records[0].Id, PermissionSetId: s.Id }));
    records.push({ attributes: { type: 'PermissionSetAssignment' }, AssigneeId: ids.records[0].Id, PermissionSetId: '0PS000000000000AAA' });
    const res = (await conn.request<Array<{ success: boolean; errors: Array<{ statusCode: string }> }>>({
      method: 'POST',
      url: '/services/data/v62.0/composite/sobjects',
      body: JSON.stringify({ allOrNone: true, records }),
      headers: { 'content-type': 'application/json' },
    }));
    expect(res.map((r) => r.success)).to.deep.equal([false, false, false]);
    expect(res[0].errors[0].statusCode).to.equal('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(res[2].errors[0].statusCode).to.equal('INVALID_CROSS_REFERENCE_KEY');
    expect(h.getState().users?.find((u) => u.username === 'ops@acme.example')?.permissionSets).to.equal(undefined);
  });

  it('logs when each request arrived and what it cost, and its body only while asked to', async () => {
    const log = async (method: string, body?: unknown): Promise<unknown> => {
      const res = await fetch(`${h.instanceUrl}/__emulator/log`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
      return res.json();
    };
    const composite = {
      compositeRequest: [{ method: 'GET', referenceId: 'u', url: `/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM User')}` }],
    };
    const send = (): Promise<unknown> =>
      conn.request({ method: 'POST', url: '/services/data/v62.0/composite', body: JSON.stringify(composite), headers: { 'content-type': 'application/json' } });
    h.clearLog();
    const before = Date.now();
    await send();
    expect(await log('PUT', { bodies: true })).to.deep.equal({ ok: true });
    await send();
    await log('PUT', { bodies: false });
    await send();
    const entries = h.requestLog();
    expect(entries).to.have.length(3);
    for (const e of entries) {
      expect(e.startedAt).to.be.within(before, Date.now());
      expect(e.cpuMs).to.be.a('number').and.to.be.at.least(0);
    }
    expect(entries[0].startedAt + entries[0].ms).to.be.at.most(entries[1].startedAt);
    expect(entries.map((e) => e.body === undefined)).to.deep.equal([true, false, true]);
    expect(JSON.parse(entries[1].body!)).to.deep.equal(composite);
  });

  it('logs requests and retries through an injected 503', async () => {
    h.clearLog();
    h.setFaults([{ match: 'GET /services/data/v62.0/query', fault: 'http503', times: 1 }]);
    const res = await conn.query("SELECT Id FROM User WHERE Username = 'admin@acme.example'");
    expect(res.totalSize).to.equal(1);
    const statuses = h.requestLog().map((e) => e.status);
    expect(statuses[0]).to.equal(503);
    expect(statuses[statuses.length - 1]).to.equal(200);
    expect(h.requestLog().every((e) => e.path.startsWith('/services/data/v62.0/query?q='))).to.equal(true);
    h.setFaults([]);
  });

  it('answers 401 INVALID_SESSION_ID to a wrong token, accepts the // path, and sends Sforce-Limit-Info', async () => {
    const wrong = await fetch(`${h.instanceUrl}/services/data/v62.0/limits`, { headers: { Authorization: 'Bearer 00Dnope!AQnope' } });
    expect(wrong.status).to.equal(401);
    expect(await wrong.json()).to.deep.equal([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const slash = await fetch(`${h.instanceUrl}//services/data/v62.0/limits`, { headers: { Authorization: `Bearer ${h.accessToken}` } });
    expect(slash.status).to.equal(200);
    const limits = (await slash.json()) as { DailyApiRequests: { Max: number; Remaining: number } };
    expect(limits.DailyApiRequests.Max).to.equal(100_000);
    const usage = /^api-usage=(\d+)\/100000$/.exec(slash.headers.get('sforce-limit-info') ?? '');
    expect(usage).to.not.equal(null);
    expect(Number(usage?.[1])).to.equal(100_000 - limits.DailyApiRequests.Remaining);
  });

  it('routes the Metadata API (jsforce metadata.read over SOAP) to the metadata module', async () => {
    const read = (await conn.metadata.read('PermissionSet', ['Ciro_Integration'])) as unknown as Rec[];
    expect(read[0].fullName).to.equal('Ciro_Integration');
    expect(read[0].license).to.equal('SalesforceAPIIntegrationPsl');
    const log = h.requestLog();
    expect(log[log.length - 1].path).to.match(/^\/services\/Soap\/m\/\d+\.\d/);
    expect(log[log.length - 1].status).to.equal(200);
  });

  it('refuses every data API call when the org has API access disabled', async () => {
    const saved = h.getState();
    h.setState({ ...saved, apiEnabledForOrg: false });
    try {
      const err = await failure(conn.query('SELECT Id FROM User'));
      expect(err.errorCode).to.equal('API_DISABLED_FOR_ORG');
    } finally {
      h.setState(saved);
    }
  });
});

describe('emulator paging through a real connection', function () {
  this.timeout(120_000);
  let env: ReturnType<typeof useTempHome>;
  let h: EmulatorHandle;
  let conn: Connection;
  let expected = 0;

  before(async () => {
    env = useTempHome();
    // 50 permission sets x every permissionable Account field (real describe): > 2,000 rows
    const fields = permissionableFields('Account');
    const state: OrgState = {
      profiles: [{ name: 'System Administrator', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled'] }],
      permissionSets: Array.from({ length: 50 }, (_, i) => ({
        name: `Bulk_${i}`,
        fieldPermissions: Object.fromEntries(fields.map((f) => [`Account.${f}`, 'read' as const])),
      })),
      users: [{ username: 'admin@bulk.example', profile: 'System Administrator' }],
    };
    expected = 50 * fields.length;
    h = await startEmulator({ state });
    await registerOrg({ ...h, alias: 'bulk-emu' });
    const { Org } = await import('@salesforce/core');
    conn = (await Org.create({ aliasOrUsername: 'bulk-emu' })).getConnection();
  });

  after(async () => {
    await h?.stop();
    env?.restore();
  });

  it('pages at 2,000 records and autoFetch follows nextRecordsUrl', async () => {
    expect(expected).to.be.greaterThan(2000);
    h.clearLog();
    const res = await conn.query<Rec>("SELECT Id, Field FROM FieldPermissions WHERE SobjectType = 'Account'", { autoFetch: true, maxFetch: 100_000 });
    expect(res.totalSize).to.equal(expected);
    expect(res.records).to.have.length(expected);
    expect(new Set(res.records.map((r) => r.Id)).size).to.equal(expected);
    const paths = h.requestLog().map((e) => e.path);
    expect(paths).to.have.length(2);
    expect(paths[1]).to.match(/^\/services\/data\/v\d+\.\d\/query\/01g[0-9A-Za-z]{15}-2000$/);
  });

  it('returns done: false with a nextRecordsUrl on the first page', async () => {
    const first = (await conn.request<{ done: boolean; nextRecordsUrl: string; records: unknown[] }>(`/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM FieldPermissions')}`));
    expect(first.done).to.equal(false);
    expect(first.records).to.have.length(2000);
    const second = await conn.request<{ done: boolean; records: unknown[] }>(first.nextRecordsUrl);
    expect(second.done).to.equal(true);
    expect(second.records).to.have.length(expected - 2000);
  });
});
