/*
 * Unit level: the emulator's Metadata API module called directly with SOAP envelopes and REST
 * multipart bodies, over a small org state and the real describes in the reference fixtures.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import { handleRestDeploy, handleSoap, MetadataContext } from '../../emulator/src/metadata/index.js';
import type { OrgState, PermissionSetState } from '../../emulator/src/orgState.js';
import { SALESFORCE_FIXTURES } from '../sharedFixtures.js';

const fixturesDir = SALESFORCE_FIXTURES;

type Describe = { name: string; fields: Array<{ name: string; permissionable: boolean }> };

const describes = new Map<string, Describe>(
  readdirSync(path.join(fixturesDir, 'describe'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => {
      const raw = JSON.parse(readFileSync(path.join(fixturesDir, 'describe', f), 'utf8')) as {
        name: string;
        fields: Array<{ name: string; permissionable: boolean | null }>;
      };
      const d: Describe = { name: raw.name, fields: raw.fields.map((x) => ({ name: x.name, permissionable: x.permissionable === true })) };
      return [raw.name.toLowerCase(), d];
    })
);
const permissionNames = readFileSync(path.join(fixturesDir, 'user-permissions.txt'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l !== '');

const sample = (dir: 'valid' | 'invalid' | 'real', file: string): string =>
  readFileSync(path.join(fixturesDir, 'samples', dir, file), 'utf8');

type TestContext = MetadataContext & { state: OrgState; commits: number; refuse?: string };

/**
 * A context over a plain state. commit applies the state-file rule "a permission set with a
 * license only on users holding it" (the real core enforces more), and can be told to refuse.
 */
const makeContext = (initial: OrgState): TestContext => {
  const ctx: TestContext = {
    state: initial,
    commits: 0,
    deploys: new Map<string, unknown>(),
    getState: () => ctx.state,
    commit: (next: OrgState) => {
      if (ctx.refuse) throw new Error(ctx.refuse);
      for (const ps of next.permissionSets ?? []) {
        if (!ps.license) continue;
        for (const u of next.users ?? []) {
          if ((u.permissionSets ?? []).includes(ps.name) && !(u.permissionSetLicenses ?? []).includes(ps.license)) {
            throw new Error(`Permission set ${ps.name} needs the permission set license ${ps.license}, which ${u.username} does not have`);
          }
        }
      }
      ctx.commits++;
      ctx.state = next;
    },
    describe: (name: string) => describes.get(name.toLowerCase()),
    availablePermissions: () => new Set(permissionNames.filter((p) => !(ctx.state.absentPermissions ?? []).includes(p))),
  };
  return ctx;
};

const baseState = (): OrgState => ({
  edition: 'Enterprise',
  permissionSetLicenses: [{ developerName: 'SalesforceAPIIntegrationPsl', label: 'Salesforce API Integration' }],
  profiles: [
    { name: 'Custom Integration', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled'] },
    { name: 'Platform Integration', userLicense: 'Salesforce Platform', systemPermissions: ['ApiEnabled'] },
  ],
  permissionSets: [
    {
      name: 'Vendor_Access',
      label: 'Vendor Access',
      systemPermissions: ['ApiEnabled', 'RunReports'],
      objectPermissions: { Account: ['read', 'edit'], Lead: ['read'] },
      fieldPermissions: { 'Account.Phone': 'edit' },
    },
    { name: 'Platform_Set', label: 'Platform Set', systemPermissions: ['ApiEnabled'] },
  ],
  users: [
    { username: 'sync@acme.example', profile: 'Custom Integration', permissionSets: ['Vendor_Access'] },
    { username: 'platform@acme.example', profile: 'Platform Integration', permissionSets: ['Platform_Set'] },
  ],
  connectedApps: [
    {
      name: 'Acme_Sync',
      label: 'Acme Sync',
      installed: true,
      scopes: ['api', 'refresh_token', 'id', 'offline_access', 'web'],
      refreshTokenPolicy: 'specific_lifetime:3:HOURS',
      ipRelaxation: 'relaxed',
      permittedUsers: 'adminApproved',
      profiles: ['Custom Integration'],
      permissionSets: ['Vendor_Access'],
    },
    { name: 'Vendor_Cloud_App', installed: false, scopes: ['api'] },
  ],
});

// ---------------------------------------------------------------- SOAP plumbing

const answerParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  isArray: (name: string): boolean => ['componentFailures', 'componentSuccesses', 'records', 'userPermissions', 'objectPermissions', 'fieldPermissions', 'scopes', 'profileName', 'permissionSetName'].includes(name),
});

type Obj = Record<string, unknown>;

const envelope = (op: string, inner: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
  ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Header xmlns="http://soap.sforce.com/2006/04/metadata">' +
  '<SessionHeader><sessionId>00Dxx0000000001!AQtest</sessionId></SessionHeader></soapenv:Header>' +
  `<soapenv:Body xmlns="http://soap.sforce.com/2006/04/metadata"><${op}>${inner}</${op}></soapenv:Body></soapenv:Envelope>`;

/** Calls handleSoap and returns the parsed `<opResponse>` (or the Fault) plus the HTTP status. */
const soap = async (ctx: MetadataContext, op: string, inner: string): Promise<{ status: number; body: Obj; raw: string }> => {
  const answer = await handleSoap(ctx, envelope(op, inner), '""');
  const doc = answerParser.parse(answer.body) as Obj;
  const env = doc['soapenv:Envelope'] as Obj;
  expect(env, answer.body).to.be.an('object');
  const body = env['soapenv:Body'] as Obj;
  return { status: answer.status, body, raw: answer.body };
};

type Message = {
  changed: string;
  componentType: string;
  created: string;
  deleted: string;
  fileName: string;
  fullName: string;
  problem?: string;
  problemType?: string;
  success: string;
  lineNumber?: string;
  columnNumber?: string;
};
type Result = Obj & {
  id: string;
  done: string;
  status: string;
  success: string;
  checkOnly: string;
  numberComponentErrors: string;
  numberComponentsDeployed: string;
  numberComponentsTotal: string;
  details?: { componentFailures?: Message[]; componentSuccesses?: Message[]; runTestResult?: Obj };
};

type Files = Record<string, string>;

const packageXml = (types: Record<string, string[]>): string =>
  '<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="http://soap.sforce.com/2006/04/metadata">\n' +
  Object.entries(types)
    .map(([name, members]) => `  <types>\n${members.map((m) => `    <members>${m}</members>\n`).join('')}    <name>${name}</name>\n  </types>\n`)
    .join('') +
  '  <version>62.0</version>\n</Package>\n';

/** A metadata-format zip: package.xml plus permissionsets/NAME.permissionset for each set. */
const zipOf = async (sets: Record<string, string>, opts: { top?: string; extra?: Files; types?: Record<string, string[]> } = {}): Promise<Buffer> => {
  const zip = new JSZip();
  const top = opts.top ? `${opts.top}/` : '';
  zip.file(`${top}package.xml`, packageXml(opts.types ?? { PermissionSet: Object.keys(sets) }));
  for (const [name, xml] of Object.entries(sets)) zip.file(`${top}permissionsets/${name}.permissionset`, xml);
  for (const [p, text] of Object.entries(opts.extra ?? {})) zip.file(`${top}${p}`, text);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
};

const deployOptionsXml = (o: Record<string, boolean | string> = {}): string => {
  const all: Record<string, boolean | string> = { checkOnly: false, ignoreWarnings: false, rollbackOnError: true, singlePackage: true, ...o };
  return `<DeployOptions>${Object.entries(all)
    .map(([k, v]) => `<${k}>${String(v)}</${k}>`)
    .join('')}</DeployOptions>`;
};

const startDeploy = async (ctx: MetadataContext, zip: Buffer, options: Record<string, boolean | string> = {}): Promise<string> => {
  const r = await soap(ctx, 'deploy', `<ZipFile>${zip.toString('base64')}</ZipFile>${deployOptionsXml(options)}`);
  expect(r.status, r.raw).to.equal(200);
  const result = (r.body['deployResponse'] as Obj)['result'] as Obj;
  return result['id'] as string;
};

const check = async (ctx: MetadataContext, id: string, includeDetails = true): Promise<Result> => {
  const r = await soap(ctx, 'checkDeployStatus', `<asyncProcessId>${id}</asyncProcessId><includeDetails>${String(includeDetails)}</includeDetails>`);
  expect(r.status, r.raw).to.equal(200);
  return (r.body['checkDeployStatusResponse'] as Obj)['result'] as Result;
};

/** Deploys and polls until done (at most 5 checks). */
const deploy = async (ctx: MetadataContext, zip: Buffer, options: Record<string, boolean | string> = {}): Promise<Result> => {
  const id = await startDeploy(ctx, zip, options);
  for (let i = 0; i < 5; i++) {
    // eslint-disable-next-line no-await-in-loop
    const result = await check(ctx, id);
    if (result.done === 'true') return result;
  }
  throw new Error('deploy never finished');
};

const failures = (r: Result): Message[] => r.details?.componentFailures ?? [];
const problems = (r: Result): string[] => failures(r).map((f) => f.problem ?? '');

const permissionSetXml = (body: string, label = 'Test Set'): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n${body}    <label>${label}</label>\n</PermissionSet>\n`;
const up = (name: string, enabled = true): string =>
  `    <userPermissions>\n        <enabled>${String(enabled)}</enabled>\n        <name>${name}</name>\n    </userPermissions>\n`;
const op = (object: string, flags: Partial<Record<'allowCreate' | 'allowDelete' | 'allowEdit' | 'allowRead' | 'modifyAllRecords' | 'viewAllRecords' | 'viewAllFields', boolean>>): string =>
  `    <objectPermissions>\n${['allowCreate', 'allowDelete', 'allowEdit', 'allowRead', 'modifyAllRecords']
    .map((k) => `        <${k}>${String(flags[k as keyof typeof flags] ?? false)}</${k}>\n`)
    .join('')}        <object>${object}</object>\n${
    flags.viewAllFields !== undefined ? `        <viewAllFields>${String(flags.viewAllFields)}</viewAllFields>\n` : ''
  }        <viewAllRecords>${String(flags.viewAllRecords ?? false)}</viewAllRecords>\n    </objectPermissions>\n`;
const fp = (field: string, readable: boolean, editable: boolean): string =>
  `    <fieldPermissions>\n        <editable>${String(editable)}</editable>\n        <field>${field}</field>\n        <readable>${String(readable)}</readable>\n    </fieldPermissions>\n`;

const setNamed = (ctx: TestContext, name: string): PermissionSetState | undefined => ctx.state.permissionSets?.find((p) => p.name === name);

// ---------------------------------------------------------------- tests

describe('emulator metadata: SOAP deploy and job status', () => {
  it('answers deploy with a queued AsyncResult in the metadata namespace', async () => {
    const ctx = makeContext(baseState());
    const zip = await zipOf({ 'Minimal_Api_Only': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml') });
    const answer = await handleSoap(ctx, envelope('deploy', `<ZipFile>${zip.toString('base64')}</ZipFile>${deployOptionsXml()}`), '""');
    expect(answer.status).to.equal(200);
    expect(answer.body).to.match(/^<\?xml version="1.0" encoding="UTF-8"\?><soapenv:Envelope xmlns:soapenv="http:\/\/schemas.xmlsoap.org\/soap\/envelope\/" xmlns="http:\/\/soap.sforce.com\/2006\/04\/metadata"/);
    expect(answer.body).to.include('<deployResponse><result><done>false</done><id>0Af000000000001AAA</id><state>Queued</state></result></deployResponse>');
  });

  it('reports InProgress on the first check, finishes on the second, and applies once', async () => {
    const ctx = makeContext(baseState());
    const id = await startDeploy(ctx, await zipOf({ 'Minimal_Api_Only': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml') }));
    const first = await check(ctx, id);
    expect(first).to.include({ id, done: 'false', status: 'InProgress', success: 'false', numberComponentsTotal: '1' });
    expect(setNamed(ctx, 'Minimal_Api_Only')).to.equal(undefined);
    const second = await check(ctx, id);
    expect(second).to.include({
      done: 'true',
      status: 'Succeeded',
      success: 'true',
      checkOnly: 'false',
      rollbackOnError: 'true',
      numberComponentErrors: '0',
      numberComponentsDeployed: '1',
      numberComponentsTotal: '1',
      numberTestsTotal: '0',
      runTestsEnabled: 'false',
      createdBy: '005000000000001AAA',
    });
    for (const k of ['createdDate', 'startDate', 'completedDate', 'lastModifiedDate']) expect(second[k]).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(second.details?.runTestResult).to.deep.equal({ numFailures: '0', numTestsRun: '0', totalTime: '0' });
    const successes = second.details?.componentSuccesses ?? [];
    expect(successes.map((s) => [s.componentType, s.fullName, s.fileName, s.created, s.changed, s.success])).to.deep.equal([
      ['PermissionSet', 'Minimal_Api_Only', 'permissionsets/Minimal_Api_Only.permissionset', 'true', 'true', 'true'],
      ['', 'package.xml', 'package.xml', 'false', 'true', 'true'],
    ]);
    expect(setNamed(ctx, 'Minimal_Api_Only')).to.deep.equal({
      name: 'Minimal_Api_Only',
      label: 'Minimal API Only',
      systemPermissions: ['ApiEnabled'],
      objectPermissions: {},
      fieldPermissions: {},
    });
    const third = await check(ctx, id);
    expect(third.status).to.equal('Succeeded');
    expect(ctx.commits).to.equal(1);
  });

  it('applies the hand-written Integration_User_Access fixture in org-state terms', async () => {
    const ctx = makeContext(baseState());
    const result = await deploy(ctx, await zipOf({ 'Integration_User_Access': sample('valid', 'Integration_User_Access.permissionset-meta.xml') }));
    expect(result.status, JSON.stringify(failures(result))).to.equal('Succeeded');
    expect(setNamed(ctx, 'Integration_User_Access')).to.deep.equal({
      name: 'Integration_User_Access',
      label: 'Integration User Access',
      description: 'Hand-written fixture: what an API-only integration user needs (elements in schema order).',
      systemPermissions: ['ApiEnabled', 'ViewSetup'],
      objectPermissions: { Account: ['read', 'create', 'edit'], Contact: ['read'] },
      fieldPermissions: { 'Account.Industry': 'edit', 'Contact.Email': 'read' },
    });
  });

  it('accepts a zip whose files sit under a top folder (unpackaged/)', async () => {
    const ctx = makeContext(baseState());
    const result = await deploy(ctx, await zipOf({ 'Minimal_Api_Only': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml') }, { top: 'unpackaged' }));
    expect(result.status).to.equal('Succeeded');
    expect(result.details?.componentSuccesses?.[0].fileName).to.equal('unpackaged/permissionsets/Minimal_Api_Only.permissionset');
    expect(setNamed(ctx, 'Minimal_Api_Only')?.systemPermissions).to.deep.equal(['ApiEnabled']);
  });

  it('replaces the whole permission set on redeploy', async () => {
    const ctx = makeContext(baseState());
    const xml = permissionSetXml(up('ApiEnabled'), 'Vendor Access v2');
    const result = await deploy(ctx, await zipOf({ 'Vendor_Access': xml }));
    expect(result.status).to.equal('Succeeded');
    expect(result.details?.componentSuccesses?.[0]).to.include({ fullName: 'Vendor_Access', created: 'false', changed: 'true' });
    expect(setNamed(ctx, 'Vendor_Access')).to.deep.equal({
      name: 'Vendor_Access',
      label: 'Vendor Access v2',
      systemPermissions: ['ApiEnabled'],
      objectPermissions: {},
      fieldPermissions: {},
    });
    // position kept, other sets untouched
    expect(ctx.state.permissionSets?.map((p) => p.name)).to.deep.equal(['Vendor_Access', 'Platform_Set']);
    const again = await deploy(ctx, await zipOf({ 'Vendor_Access': xml }));
    expect(again.details?.componentSuccesses?.[0]).to.include({ created: 'false', changed: 'false' });
  });

  it('checkOnly validates without applying', async () => {
    const ctx = makeContext(baseState());
    const result = await deploy(ctx, await zipOf({ 'Minimal_Api_Only': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml') }), { checkOnly: true });
    expect(result).to.include({ status: 'Succeeded', success: 'true', checkOnly: 'true' });
    expect(setNamed(ctx, 'Minimal_Api_Only')).to.equal(undefined);
    expect(ctx.commits).to.equal(0);
    const bad = await deploy(ctx, await zipOf({ Bad: permissionSetXml(up('NoSuchPermission')) }), { checkOnly: true });
    expect(bad.status).to.equal('Failed');
    expect(problems(bad)).to.deep.equal(['Unknown user permission: NoSuchPermission']);
  });

  it('cancelDeploy cancels a running job and nothing is applied', async () => {
    const ctx = makeContext(baseState());
    const id = await startDeploy(ctx, await zipOf({ 'Minimal_Api_Only': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml') }));
    await check(ctx, id);
    const cancel = await soap(ctx, 'cancelDeploy', `<id>${id}</id>`);
    expect((cancel.body['cancelDeployResponse'] as Obj)['result']).to.deep.equal({ done: 'true', id });
    const after = await check(ctx, id);
    expect(after).to.include({ done: 'true', status: 'Canceled', success: 'false', canceledBy: '005000000000001AAA' });
    expect(setNamed(ctx, 'Minimal_Api_Only')).to.equal(undefined);
  });

  it('answers an unknown deploy id with a fault', async () => {
    const ctx = makeContext(baseState());
    const r = await soap(ctx, 'checkDeployStatus', '<asyncProcessId>0Af000000000099AAA</asyncProcessId><includeDetails>true</includeDetails>');
    expect(r.status).to.equal(500);
    expect((r.body['soapenv:Fault'] as Obj)['faultcode']).to.equal('sf:INVALID_CROSS_REFERENCE_KEY');
  });

  it('answers an unknown operation with sf:UNKNOWN_EXCEPTION', async () => {
    const ctx = makeContext(baseState());
    const r = await soap(ctx, 'describeValueType', '<type>{http://soap.sforce.com/2006/04/metadata}PermissionSet</type>');
    expect(r.status).to.equal(500);
    const fault = r.body['soapenv:Fault'] as Obj;
    expect(fault['faultcode']).to.equal('sf:UNKNOWN_EXCEPTION');
    expect(fault['faultstring']).to.match(/^UNKNOWN_EXCEPTION: .*describeValueType/);
  });
});

describe('emulator metadata: deploy validation (what a real org refuses)', () => {
  const cases: Array<{ title: string; xml: string; expected: string[]; setup?: (s: OrgState) => OrgState }> = [
    {
      title: 'unknown object',
      xml: permissionSetXml(op('Foo__c', { allowRead: true })),
      expected: ['In field: object - no CustomObject named Foo__c found'],
    },
    {
      title: 'unknown field',
      xml: permissionSetXml(fp('Contact.Foo', true, false)),
      expected: ['In field: field - no CustomField named Contact.Foo found'],
    },
    {
      title: 'field of an unknown object',
      xml: permissionSetXml(fp('Foo__c.Bar__c', true, false)),
      expected: ['In field: field - no CustomField named Foo__c.Bar__c found'],
    },
    {
      title: 'non-permissionable field (describe says permissionable: false)',
      xml: permissionSetXml(fp('Contact.Name', true, false)),
      expected: ['Field Contact.Name is not a permissionable field'],
    },
    {
      title: 'unknown system permission',
      xml: permissionSetXml(up('ApiEnabled') + up('Foo')),
      expected: ['Unknown user permission: Foo'],
    },
    {
      title: 'permission absent in this org',
      xml: permissionSetXml(up('UseAnyApiClient')),
      expected: ['Unknown user permission: UseAnyApiClient'],
      setup: (s: OrgState): OrgState => ({ ...s, absentPermissions: ['UseAnyApiClient'] }),
    },
    {
      title: 'object access without Read',
      xml: permissionSetXml(op('Contact', { allowEdit: true })),
      expected: ['Permission Edit Contact depends on permission(s): Read Contact'],
    },
    {
      title: 'Modify All without its dependencies',
      xml: permissionSetXml(op('Account', { allowRead: true, modifyAllRecords: true })),
      expected: ['Permission Modify All Account depends on permission(s): Edit Account, Delete Account, View All Account'],
    },
    {
      title: 'system permission dependency',
      xml: permissionSetXml(up('ApiEnabled') + up('CustomizeApplication')),
      expected: ['Permission Customize Application depends on permission(s): View Setup and Configuration'],
    },
    {
      title: 'dependency only enabled=false in the same set',
      xml: permissionSetXml(up('ManageUsers') + up('ViewRoles') + up('ViewSetup', false)),
      expected: ['Permission Manage Users depends on permission(s): View Setup and Configuration'],
    },
    {
      title: 'object without object permissions (Task)',
      xml: permissionSetXml(op('Task', { allowRead: true })),
      expected: ['In field: object - Task does not support object permissions'],
    },
    {
      title: 'licence that is not a permission set licence of the org',
      xml: permissionSetXml('', 'Licensed').replace('</PermissionSet>', '    <license>NoSuchPsl</license>\n</PermissionSet>'),
      expected: ['In field: license - no PermissionSetLicense named NoSuchPsl found'],
    },
    {
      title: 'field editable without readable',
      xml: permissionSetXml(fp('Contact.Email', false, true)),
      expected: ['Permission Edit Contact.Email depends on permission(s): Read Contact.Email'],
    },
    {
      title: 'Profile-only elements (fixture samples/invalid/unknown-element)',
      xml: sample('invalid', 'unknown-element.permissionset-meta.xml'),
      expected: [
        'Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}tabVisibilities invalid at this location in type PermissionSet',
        'Error parsing file: Element {http://soap.sforce.com/2006/04/metadata}userLicense invalid at this location in type PermissionSet',
      ],
    },
    {
      title: 'a custom permission the org does not have (real fixture with customPermissions)',
      xml: sample('real', 'Access_Restricted_UI.permissionset-meta.xml'),
      expected: ['In field: name - no CustomPermission named accessRestrictedUIPermission found'],
    },
  ];

  for (const c of cases) {
    it(`refuses ${c.title}`, async () => {
      const ctx = makeContext(c.setup ? c.setup(baseState()) : baseState());
      const before = JSON.stringify(ctx.state);
      const result = await deploy(ctx, await zipOf({ 'Test_Set': c.xml }));
      expect(result).to.include({ status: 'Failed', success: 'false', numberComponentErrors: '1' });
      expect(problems(result)).to.deep.equal(c.expected);
      for (const f of failures(result)) {
        expect(f).to.include({
          componentType: 'PermissionSet',
          fullName: 'Test_Set',
          fileName: 'permissionsets/Test_Set.permissionset',
          problemType: 'Error',
          success: 'false',
        });
      }
      expect(JSON.stringify(ctx.state)).to.equal(before);
    });
  }

  it('accepts a system permission whose dependency the same set holds', async () => {
    const ctx = makeContext(baseState());
    const result = await deploy(ctx, await zipOf({ 'Admin_Light': permissionSetXml(up('CustomizeApplication') + up('ViewSetup')) }));
    expect(result.status, problems(result).join('; ')).to.equal('Succeeded');
    expect(setNamed(ctx, 'Admin_Light')?.systemPermissions).to.deep.equal(['CustomizeApplication', 'ViewSetup']);
  });

  it('gives the line and column of the offending element', async () => {
    const ctx = makeContext(baseState());
    const xml = permissionSetXml(up('ApiEnabled') + op('Contact', { allowEdit: true }));
    const result = await deploy(ctx, await zipOf({ 'Test_Set': xml }));
    expect(failures(result)[0]).to.include({ lineNumber: '7', columnNumber: '5' });
  });

  it('reports malformed XML as a parse error with its line', async () => {
    const ctx = makeContext(baseState());
    const result = await deploy(ctx, await zipOf({ Broken: '<?xml version="1.0"?>\n<PermissionSet>\n  <label>x</labl>\n</PermissionSet>\n' }));
    expect(result.status).to.equal('Failed');
    expect(failures(result)[0].problem).to.match(/^Error parsing file: /);
    expect(failures(result)[0].lineNumber).to.equal('3');
  });

  it('refuses new object access that an assigned user\'s licence forbids', async () => {
    const ctx = makeContext(baseState());
    const xml = permissionSetXml(up('ApiEnabled') + op('Opportunity', { allowRead: true }), 'Platform Set');
    const result = await deploy(ctx, await zipOf({ 'Platform_Set': xml }));
    expect(result.status).to.equal('Failed');
    expect(problems(result)).to.deep.equal([
      "The user license doesn't allow the permission: Read Opportunity (permission set Platform_Set is assigned to platform@acme.example)",
    ]);
    expect(setNamed(ctx, 'Platform_Set')?.objectPermissions).to.equal(undefined);
  });

  it('turns a refused commit into a component failure and applies nothing', async () => {
    const state = baseState();
    const ctx = makeContext(state);
    // Vendor_Access is assigned to sync@, who holds no permission set licence
    const xml = permissionSetXml(up('ApiEnabled'), 'Vendor Access').replace(
      '</PermissionSet>',
      '    <license>SalesforceAPIIntegrationPsl</license>\n</PermissionSet>'
    );
    const result = await deploy(ctx, await zipOf({ 'Vendor_Access': xml, 'Minimal_Api_Only': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml') }));
    expect(result.status).to.equal('Failed');
    expect(failures(result).map((f) => [f.fullName, f.problem])).to.deep.equal([
      ['Vendor_Access', 'Permission set Vendor_Access needs the permission set license SalesforceAPIIntegrationPsl, which sync@acme.example does not have'],
    ]);
    expect(setNamed(ctx, 'Minimal_Api_Only')).to.equal(undefined);
    expect(setNamed(ctx, 'Vendor_Access')?.license).to.equal(undefined);
  });
});

describe('emulator metadata: atomicity and other types', () => {
  it('rollbackOnError (default): one bad set means neither is applied', async () => {
    const ctx = makeContext(baseState());
    const before = JSON.stringify(ctx.state);
    const result = await deploy(
      ctx,
      await zipOf({
        'Good_Set': sample('valid', 'Integration_User_Access.permissionset-meta.xml'),
        'Bad_Set': permissionSetXml(op('Contact', { allowEdit: true })),
      })
    );
    expect(result).to.include({ status: 'Failed', success: 'false', numberComponentErrors: '1', numberComponentsTotal: '2' });
    expect(failures(result).map((f) => f.fullName)).to.deep.equal(['Bad_Set']);
    expect(JSON.stringify(ctx.state)).to.equal(before);
    expect(ctx.commits).to.equal(0);
  });

  it('rollbackOnError false: the good set is applied, status SucceededPartial', async () => {
    const ctx = makeContext(baseState());
    const result = await deploy(
      ctx,
      await zipOf({
        'Good_Set': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml'),
        'Bad_Set': permissionSetXml(op('Contact', { allowEdit: true })),
      }),
      { rollbackOnError: false }
    );
    expect(result).to.include({ status: 'SucceededPartial', numberComponentErrors: '1', numberComponentsDeployed: '1' });
    expect(setNamed(ctx, 'Good_Set')?.label).to.equal('Minimal API Only');
    expect(setNamed(ctx, 'Bad_Set')).to.equal(undefined);
  });

  it('fails other metadata types as not supported, never a silent success', async () => {
    const ctx = makeContext(baseState());
    const result = await deploy(
      ctx,
      await zipOf(
        { 'Minimal_Api_Only': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml') },
        {
          types: { PermissionSet: ['Minimal_Api_Only'], ApexClass: ['Foo'] },
          extra: { 'classes/Foo.cls': 'public class Foo {}', 'classes/Foo.cls-meta.xml': '<ApexClass/>' },
        }
      )
    );
    expect(result.status).to.equal('Failed');
    expect(failures(result).map((f) => [f.componentType, f.fullName, f.fileName, f.problem])).to.deep.equal([
      ['ApexClass', 'Foo', 'classes/Foo.cls', 'Not supported by the emulator: metadata type ApexClass'],
    ]);
    expect(setNamed(ctx, 'Minimal_Api_Only')).to.equal(undefined);
  });

  it('fails a member named in package.xml whose file is missing', async () => {
    const ctx = makeContext(baseState());
    const result = await deploy(ctx, await zipOf({}, { types: { PermissionSet: ['Ghost'] } }));
    expect(problems(result)).to.deep.equal([
      "An object 'Ghost' of type PermissionSet was named in package.xml, but was not found in zipped directory",
    ]);
  });

  it('fails a zip without package.xml', async () => {
    const ctx = makeContext(baseState());
    const zip = new JSZip();
    zip.file('permissionsets/X.permissionset', sample('valid', 'Minimal_Api_Only.permissionset-meta.xml'));
    const result = await deploy(ctx, await zip.generateAsync({ type: 'nodebuffer' }));
    expect(result.status).to.equal('Failed');
    expect(problems(result)).to.deep.equal(['No package.xml found']);
  });
});

describe('emulator metadata: readMetadata', () => {
  const read = async (ctx: MetadataContext, type: string, names: string[]): Promise<Array<Obj & { '@_xsi:type'?: string; '@_xsi:nil'?: string }>> => {
    const r = await soap(ctx, 'readMetadata', `<type>${type}</type>${names.map((n) => `<fullNames>${n}</fullNames>`).join('')}`);
    expect(r.status, r.raw).to.equal(200);
    return ((r.body['readMetadataResponse'] as Obj)['result'] as Obj)['records'] as Obj[];
  };

  it('round-trips a deployed permission set in Metadata API shape', async () => {
    const ctx = makeContext(baseState());
    const original = sample('valid', 'Integration_User_Access.permissionset-meta.xml');
    await deploy(ctx, await zipOf({ 'Integration_User_Access': original }));
    const [record] = await read(ctx, 'PermissionSet', ['Integration_User_Access']);
    const source = (answerParser.parse(original) as Obj)['PermissionSet'] as Obj;
    expect(record['@_xsi:type']).to.equal('PermissionSet');
    expect(record['fullName']).to.equal('Integration_User_Access');
    for (const key of ['label', 'description', 'hasActivationRequired', 'userPermissions', 'fieldPermissions']) {
      expect(record[key], key).to.deep.equal(source[key]);
    }
    // the org adds viewAllFields to each object row
    const rows = (record['objectPermissions'] as Obj[]).map(({ viewAllFields, ...rest }) => {
      expect(viewAllFields).to.equal('false');
      return rest;
    });
    expect(rows).to.deep.equal(source['objectPermissions']);
  });

  it('gives a nil record for a name that does not exist', async () => {
    const ctx = makeContext(baseState());
    const records = await read(ctx, 'PermissionSet', ['Vendor_Access', 'No_Such_Set']);
    expect(records[0]['fullName']).to.equal('Vendor_Access');
    expect(records[1]).to.deep.equal({ '@_xsi:nil': 'true' });
  });

  it('reads a profile', async () => {
    const ctx = makeContext(baseState());
    const [p] = await read(ctx, 'Profile', ['Platform Integration']);
    expect(p).to.include({ '@_xsi:type': 'Profile', fullName: 'Platform Integration', userLicense: 'Salesforce Platform' });
    expect(p['userPermissions']).to.deep.equal([{ enabled: 'true', name: 'ApiEnabled' }]);
  });

  it('reads a connected app with metadata spellings (scopes, ipRelaxation, refreshTokenPolicy)', async () => {
    const ctx = makeContext(baseState());
    const [app, missing] = await read(ctx, 'ConnectedApp', ['Acme_Sync', 'Vendor_Cloud_App']);
    expect(app['@_xsi:type']).to.equal('ConnectedApp');
    expect(app['fullName']).to.equal('Acme_Sync');
    const oauthConfig = app['oauthConfig'] as Obj;
    expect(oauthConfig['isAdminApproved']).to.equal('true');
    expect(oauthConfig['scopes']).to.deep.equal(['Api', 'RefreshToken', 'Basic', 'OfflineAccess', 'Web']);
    expect(app['oauthPolicy']).to.deep.equal({ ipRelaxation: 'BYPASS', refreshTokenPolicy: 'specific_lifetime:3:HOURS' });
    expect(app['profileName']).to.deep.equal(['Custom Integration']);
    expect(app['permissionSetName']).to.deep.equal(['Vendor_Access']);
    // not installed in this org
    expect(missing).to.deep.equal({ '@_xsi:nil': 'true' });
  });

  it('uses values of the ConnectedAppOauthAccessScope enum in metadata.xsd', async () => {
    const xsd = readFileSync(path.join(fixturesDir, 'wsdl', 'metadata.xsd'), 'utf8');
    const block = /<xsd:simpleType name="ConnectedAppOauthAccessScope">([\s\S]*?)<\/xsd:simpleType>/.exec(xsd)?.[1] ?? '';
    const allowed = new Set([...block.matchAll(/value="([^"]+)"/g)].map((m) => m[1]));
    expect(allowed.size).to.be.greaterThan(20);
    const ctx = makeContext({
      connectedApps: [{ name: 'All', scopes: ['api', 'web', 'full', 'chatter_api', 'visualforce', 'refresh_token', 'openid', 'id', 'profile', 'email', 'address', 'phone', 'offline_access', 'custom_permissions', 'wave_api', 'eclair_api', 'pardot_api', 'lightning', 'content', 'chatbot_api', 'sfap_api', 'cdp_api'] }],
    });
    const [app] = await read(ctx, 'ConnectedApp', ['All']);
    const scopes = (app['oauthConfig'] as Obj)['scopes'] as string[];
    expect(scopes).to.have.length(22);
    for (const s of scopes) expect(allowed.has(s), s).to.equal(true);
  });

  it('refuses more than 10 names and unknown types', async () => {
    const ctx = makeContext(baseState());
    const many = await soap(ctx, 'readMetadata', `<type>PermissionSet</type>${Array.from({ length: 11 }, (_, i) => `<fullNames>S${i}</fullNames>`).join('')}`);
    expect(many.status).to.equal(500);
    expect((many.body['soapenv:Fault'] as Obj)['faultcode']).to.equal('sf:LIMIT_EXCEEDED');
    const bad = await soap(ctx, 'readMetadata', '<type>Nope</type><fullNames>x</fullNames>');
    expect((bad.body['soapenv:Fault'] as Obj)['faultcode']).to.equal('sf:INVALID_TYPE');
  });
});

describe('emulator metadata: REST deployRequest', () => {
  const multipart = (jsonName: string, options: Obj, zip: Buffer): { type: string; body: Buffer } => {
    const boundary = '----emulatorTestBoundary1234';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${jsonName}"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify({ deployOptions: options })}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="deploy.zip"\r\nContent-Type: application/zip\r\n\r\n`),
      zip,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { type: `multipart/form-data; boundary=${boundary}`, body };
  };

  type RestDeploy = { id: string; deployOptions: Obj; deployResult: Obj & { status: string; done: boolean; details?: { componentFailures: Obj[]; componentSuccesses: Obj[] } } };

  it('POST answers 201 Pending, GET reports InProgress then the result; the set is applied', async () => {
    const ctx = makeContext(baseState());
    const { type, body } = multipart('json', { rollbackOnError: true, checkOnly: false, singlePackage: true }, await zipOf({ 'Integration_User_Access': sample('valid', 'Integration_User_Access.permissionset-meta.xml') }));
    const posted = await handleRestDeploy(ctx, 'POST', 'deployRequest', type, body);
    expect(posted.status).to.equal(201);
    const created = posted.body as RestDeploy;
    expect(created.id).to.match(/^0Af\w{15}$/);
    expect(created.deployOptions).to.include({ rollbackOnError: true, checkOnly: false, singlePackage: true });
    expect(created.deployResult).to.include({ id: created.id, status: 'Pending', done: false, success: false, numberComponentsTotal: 1 });

    const first = (await handleRestDeploy(ctx, 'GET', `deployRequest/${created.id}?includeDetails=true`, undefined, Buffer.alloc(0))).body as RestDeploy;
    expect(first.deployResult).to.include({ status: 'InProgress', done: false });
    const second = await handleRestDeploy(ctx, 'GET', `deployRequest/${created.id}?includeDetails=true`, undefined, Buffer.alloc(0));
    expect(second.status).to.equal(200);
    const done = (second.body as RestDeploy).deployResult;
    expect(done).to.include({ status: 'Succeeded', done: true, success: true, numberComponentsDeployed: 1, numberComponentErrors: 0 });
    expect(done.details?.componentSuccesses.map((s) => s['fullName'])).to.deep.equal(['Integration_User_Access', 'package.xml']);
    expect(setNamed(ctx, 'Integration_User_Access')?.fieldPermissions).to.deep.equal({ 'Account.Industry': 'edit', 'Contact.Email': 'read' });
  });

  it('accepts jsforce\'s part name entity_content and reports failures with typed JSON values', async () => {
    const ctx = makeContext(baseState());
    const { type, body } = multipart('entity_content', { checkOnly: true }, await zipOf({ Bad: permissionSetXml(fp('Contact.Name', true, false)) }));
    const created = (await handleRestDeploy(ctx, 'POST', 'deployRequest', type, body)).body as RestDeploy;
    expect(created.deployOptions).to.include({ checkOnly: true, rollbackOnError: true });
    await handleRestDeploy(ctx, 'GET', `deployRequest/${created.id}?includeDetails=true`, undefined, Buffer.alloc(0));
    const done = ((await handleRestDeploy(ctx, 'GET', `deployRequest/${created.id}?includeDetails=true`, undefined, Buffer.alloc(0))).body as RestDeploy).deployResult;
    expect(done).to.include({ status: 'Failed', checkOnly: true, numberComponentErrors: 1 });
    expect(done.details?.componentFailures).to.deep.equal([
      {
        changed: false,
        columnNumber: 5,
        componentType: 'PermissionSet',
        created: false,
        createdDate: done.details?.componentFailures[0]['createdDate'],
        deleted: false,
        fileName: 'permissionsets/Bad.permissionset',
        fullName: 'Bad',
        lineNumber: 3,
        problem: 'Field Contact.Name is not a permissionable field',
        problemType: 'Error',
        success: false,
      },
    ]);
  });

  it('answers 404 for an unknown id and 415 for a body that is not multipart', async () => {
    const ctx = makeContext(baseState());
    expect((await handleRestDeploy(ctx, 'GET', 'deployRequest/0Af000000000042AAA', undefined, Buffer.alloc(0))).status).to.equal(404);
    expect((await handleRestDeploy(ctx, 'POST', 'deployRequest', 'application/zip', Buffer.from('x'))).status).to.equal(415);
  });

  it('PATCH with status Canceling cancels a running deploy', async () => {
    const ctx = makeContext(baseState());
    const { type, body } = multipart('json', {}, await zipOf({ 'Minimal_Api_Only': sample('valid', 'Minimal_Api_Only.permissionset-meta.xml') }));
    const created = (await handleRestDeploy(ctx, 'POST', 'deployRequest', type, body)).body as RestDeploy;
    const patched = await handleRestDeploy(ctx, 'PATCH', `deployRequest/${created.id}`, 'application/json', Buffer.from(JSON.stringify({ deployResult: { status: 'Canceling' } })));
    expect(patched.status).to.equal(202);
    const after = ((await handleRestDeploy(ctx, 'GET', `deployRequest/${created.id}`, undefined, Buffer.alloc(0))).body as RestDeploy).deployResult;
    expect(after).to.include({ status: 'Canceled', done: true });
    expect(setNamed(ctx, 'Minimal_Api_Only')).to.equal(undefined);
  });
});
