/*
 * Integration: a real @salesforce/source-deploy-retrieve deploy (SOAP and REST) through a real
 * @salesforce/core Connection against a loopback server that routes the Metadata API to the
 * emulator's metadata module. Also reads the result back with jsforce's metadata.read.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { Duration } from '@salesforce/kit';
import type { Connection } from '@salesforce/core';
import { handleRestDeploy, handleSoap, MetadataContext } from '../../emulator/src/metadata/index.js';
import type { OrgState } from '../../emulator/src/orgState.js';
import { SALESFORCE_FIXTURES } from '../sharedFixtures.js';

type SdrModule = typeof import('@salesforce/source-deploy-retrieve');
type CoreModule = typeof import('@salesforce/core');

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

/** A context over a plain state; commit keeps the one rule this test needs (licensed sets). */
const makeContext = (initial: OrgState): MetadataContext & { state: OrgState } => {
  const ctx = {
    state: initial,
    deploys: new Map<string, unknown>(),
    getState: (): OrgState => ctx.state,
    commit: (next: OrgState): void => {
      ctx.state = next;
    },
    describe: (name: string): Describe | undefined => describes.get(name.toLowerCase()),
    availablePermissions: (): Set<string> => new Set(permissionNames),
  };
  return ctx;
};

const baseState = (): OrgState => ({
  edition: 'Enterprise',
  permissionSetLicenses: [{ developerName: 'SalesforceAPIIntegrationPsl', label: 'Salesforce API Integration' }],
  profiles: [{ name: 'Custom Integration', userLicense: 'Salesforce', systemPermissions: ['ApiEnabled'] }],
  permissionSets: [{ name: 'Someone_Elses_Set', label: 'Someone Else', systemPermissions: ['RunReports'] }],
  users: [{ username: 'sync@acme.example', profile: 'Custom Integration' }],
});

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** The Metadata API routes of the emulator, plus what @salesforce/core asks for on the way. */
const startServer = async (
  ctx: MetadataContext,
  log: string[]
): Promise<{ server: Server; url: string }> => {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async (): Promise<void> => {
      const body = await readBody(req);
      const rawPath = (req.url ?? '/').replace(/^\/+/, '/');
      const [pathname] = rawPath.split('?');
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
        res.end(JSON.stringify(value));
      };
      const soapMatch = /^\/services\/Soap\/m\/[\d.]+$/.exec(pathname);
      const restMatch = /^\/services\/data\/v[\d.]+\/metadata\/(.+)$/.exec(rawPath);
      if (soapMatch && req.method === 'POST') {
        const text = body.toString('utf8');
        const op = /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(text)?.[1] ?? '?';
        const action = req.headers['soapaction'];
        log.push(`POST ${pathname} SOAPAction=${String(action)} op=${op}`);
        const answer = await handleSoap(ctx, text, typeof action === 'string' ? action : undefined);
        res.writeHead(answer.status, { 'content-type': 'text/xml;charset=UTF-8' });
        res.end(answer.body);
        return;
      }
      log.push(`${req.method ?? '?'} ${rawPath}`);
      if (restMatch) {
        const answer = await handleRestDeploy(ctx, req.method ?? 'GET', restMatch[1], req.headers['content-type'], body);
        json(answer.status, answer.body);
        return;
      }
      if (pathname === '/services/data') {
        json(200, [{ version: '62.0', url: '/services/data/v62.0', label: 'x' }]);
        return;
      }
      if (pathname === '/services/oauth2/userinfo') {
        json(200, {
          'user_id': '005000000000001AAA',
          'organization_id': '00Dxx0000000001AAA',
          'preferred_username': 'admin@emulator.example',
        });
        return;
      }
      if (/^\/services\/data\/v[\d.]+\/sobjects\/User\/005/.test(pathname)) {
        json(200, { Id: '005000000000001AAA', Username: 'admin@emulator.example' });
        return;
      }
      json(404, [{ errorCode: 'NOT_FOUND', message: `The requested resource does not exist: ${pathname}` }]);
    })().catch((e: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(e.stack);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}` };
};

const writeSet = (dir: string, name: string, xml: string): void => {
  const folder = path.join(dir, 'force-app', 'main', 'default', 'permissionsets');
  mkdirSync(folder, { recursive: true });
  writeFileSync(path.join(folder, `${name}.permissionset-meta.xml`), xml);
};

const sample = (file: string): string => readFileSync(path.join(fixturesDir, 'samples', 'valid', file), 'utf8');

const BAD_SET = `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <fieldPermissions>
        <editable>false</editable>
        <field>Contact.Vendor_Sync_Id__c</field>
        <readable>true</readable>
    </fieldPermissions>
    <label>Bad Set</label>
    <userPermissions>
        <enabled>true</enabled>
        <name>CustomizeApplication</name>
    </userPermissions>
</PermissionSet>
`;

describe('metadata module with a real SDR deploy', function () {
  this.timeout(120_000);
  let sdr: SdrModule;
  let core: CoreModule;
  let home: string;
  const savedEnv: Record<string, string | undefined> = {};

  before(async () => {
    home = mkdtempSync(path.join(tmpdir(), 'emu-md-home-'));
    for (const k of ['HOME', 'SF_USE_GENERIC_UNIX_KEYCHAIN', 'SF_DISABLE_TELEMETRY', 'SF_ORG_METADATA_REST_DEPLOY']) savedEnv[k] = process.env[k];
    process.env.HOME = home;
    process.env.SF_USE_GENERIC_UNIX_KEYCHAIN = 'true';
    process.env.SF_DISABLE_TELEMETRY = 'true';
    delete process.env.SF_ORG_METADATA_REST_DEPLOY;
    core = await import('@salesforce/core');
    sdr = await import('@salesforce/source-deploy-retrieve');
  });

  after(() => {
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(home, { recursive: true, force: true });
  });

  const connect = async (url: string): Promise<Connection> => {
    const authInfo = await core.AuthInfo.create({
      accessTokenOptions: { accessToken: '00Dxx0000000001!AQtest', instanceUrl: url, loginUrl: url },
    });
    return core.Connection.create({ authInfo });
  };

  const deploy = async (
    conn: Connection,
    dir: string,
    rest: boolean
  ): Promise<InstanceType<SdrModule['DeployResult']>> => {
    const cs = sdr.ComponentSet.fromSource(path.join(dir, 'force-app'));
    const op = await cs.deploy({ usernameOrConnection: conn, apiOptions: { rest } });
    return op.pollStatus({ frequency: Duration.milliseconds(50), timeout: Duration.seconds(30) });
  };

  for (const rest of [false, true]) {
    const api = rest ? 'REST' : 'SOAP';

    it(`${api}: deploys a valid permission set, the org state gets it, and metadata.read returns it`, async () => {
      const ctx = makeContext(baseState());
      const log: string[] = [];
      const { server, url } = await startServer(ctx, log);
      const dir = mkdtempSync(path.join(tmpdir(), 'emu-md-src-'));
      try {
        writeSet(dir, 'Integration_User_Access', sample('Integration_User_Access.permissionset-meta.xml'));
        const conn = await connect(url);
        const result = await deploy(conn, dir, rest);
        expect(result.response.status, JSON.stringify(result.response.details)).to.equal('Succeeded');
        expect(result.response.success).to.equal(true);
        const files = result.getFileResponses();
        expect(files.map((f) => [f.fullName, f.type, f.state])).to.deep.equal([
          ['Integration_User_Access', 'PermissionSet', 'Created'],
        ]);

        const applied = ctx.state.permissionSets?.find((p) => p.name === 'Integration_User_Access');
        expect(applied).to.deep.equal({
          name: 'Integration_User_Access',
          label: 'Integration User Access',
          description: 'Hand-written fixture: what an API-only integration user needs (elements in schema order).',
          systemPermissions: ['ApiEnabled', 'ViewSetup'],
          objectPermissions: { Account: ['read', 'create', 'edit'], Contact: ['read'] },
          fieldPermissions: { 'Account.Industry': 'edit', 'Contact.Email': 'read' },
        });
        expect(ctx.state.permissionSets?.find((p) => p.name === 'Someone_Elses_Set')).to.not.equal(undefined);

        const read = (await conn.metadata.read('PermissionSet', ['Integration_User_Access', 'No_Such_Set'])) as unknown as Array<
          Record<string, unknown>
        >;
        expect(read[0]).to.include({ fullName: 'Integration_User_Access', label: 'Integration User Access' });
        expect(read[0].userPermissions).to.deep.equal([
          { enabled: true, name: 'ApiEnabled' },
          { enabled: true, name: 'ViewSetup' },
        ]);
        expect(read[0].fieldPermissions).to.deep.equal([
          { editable: true, field: 'Account.Industry', readable: true },
          { editable: false, field: 'Contact.Email', readable: true },
        ]);
        expect(read[0].objectPermissions).to.deep.include({
          allowCreate: false,
          allowDelete: false,
          allowEdit: false,
          allowRead: true,
          modifyAllRecords: false,
          object: 'Contact',
          viewAllFields: 'false',
          viewAllRecords: false,
        });
        expect(read[1].fullName).to.equal(undefined);

        // the deploy costs three requests: submit, one InProgress check, the final check (then our read)
        const ops = log.filter((l) => l.includes('/Soap/') || l.includes('/metadata/'));
        const id = '0Af000000000001AAA';
        expect(ops).to.deep.equal(
          rest
            ? [
                'POST /services/data/v62.0/metadata/deployRequest',
                `GET /services/data/v62.0/metadata/deployRequest/${id}?includeDetails=true`,
                `GET /services/data/v62.0/metadata/deployRequest/${id}?includeDetails=true`,
                'POST /services/Soap/m/62.0 SOAPAction="" op=readMetadata',
              ]
            : [
                'POST /services/Soap/m/62.0 SOAPAction="" op=deploy',
                'POST /services/Soap/m/62.0 SOAPAction="" op=checkDeployStatus',
                'POST /services/Soap/m/62.0 SOAPAction="" op=checkDeployStatus',
                'POST /services/Soap/m/62.0 SOAPAction="" op=readMetadata',
              ]
        );
        if (process.env.EMULATOR_LOG_REQUESTS) {
          // eslint-disable-next-line no-console
          console.log(`      requests (${api}):\n        ${log.join('\n        ')}`);
        }
      } finally {
        server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it(`${api}: a bad permission set fails with the org's problems and nothing is applied`, async () => {
      const ctx = makeContext(baseState());
      const before = JSON.stringify(ctx.state);
      const log: string[] = [];
      const { server, url } = await startServer(ctx, log);
      const dir = mkdtempSync(path.join(tmpdir(), 'emu-md-src-'));
      try {
        writeSet(dir, 'Bad_Set', BAD_SET);
        writeSet(dir, 'Minimal_Api_Only', sample('Minimal_Api_Only.permissionset-meta.xml'));
        const conn = await connect(url);
        const result = await deploy(conn, dir, rest);
        expect(result.response.status).to.equal('Failed');
        expect(result.response.success).to.equal(false);
        expect(result.response.numberComponentErrors).to.equal(1);
        const failed = result.getFileResponses().filter((f) => f.state === sdr.ComponentStatus.Failed);
        const problems = failed.map((f) => ('error' in f ? f.error : '')).sort();
        expect(problems).to.deep.equal([
          'In field: field - no CustomField named Contact.Vendor_Sync_Id__c found (3:5)',
          'Permission Customize Application depends on permission(s): View Setup and Configuration (9:5)',
        ]);
        expect(failed.every((f) => f.fullName === 'Bad_Set' && f.type === 'PermissionSet')).to.equal(true);
        expect(JSON.stringify(ctx.state)).to.equal(before);
      } finally {
        server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  it('deploys through the real emulator server (startEmulator) and the org state changes', async () => {
    const { startEmulator } = await import('../../emulator/src/index.js');
    const emulator = await startEmulator({ state: baseState() });
    const dir = mkdtempSync(path.join(tmpdir(), 'emu-md-src-'));
    try {
      writeSet(dir, 'Integration_User_Access', sample('Integration_User_Access.permissionset-meta.xml'));
      writeSet(dir, 'Bad_Set', BAD_SET);
      const authInfo = await core.AuthInfo.create({
        accessTokenOptions: { accessToken: emulator.accessToken, instanceUrl: emulator.instanceUrl, loginUrl: emulator.instanceUrl },
      });
      const conn = await core.Connection.create({ authInfo });
      emulator.clearLog();
      const failed = await deploy(conn, dir, false);
      expect(failed.response.status).to.equal('Failed');
      expect(emulator.getState().permissionSets?.map((p) => p.name)).to.deep.equal(['Someone_Elses_Set']);

      rmSync(path.join(dir, 'force-app', 'main', 'default', 'permissionsets', 'Bad_Set.permissionset-meta.xml'));
      emulator.clearLog();
      const ok = await deploy(conn, dir, false);
      expect(ok.response.status, JSON.stringify(ok.response.details)).to.equal('Succeeded');
      expect(emulator.getState().permissionSets?.find((p) => p.name === 'Integration_User_Access')?.fieldPermissions).to.deep.equal({
        'Account.Industry': 'edit',
        'Contact.Email': 'read',
      });
      const requests = emulator.requestLog().map((r) => `${r.method} ${r.path} -> ${r.status}`);
      expect(requests.filter((r) => r.startsWith('POST /services/Soap/m/'))).to.have.length(3);
      if (process.env.EMULATOR_LOG_REQUESTS) {
        // eslint-disable-next-line no-console
        console.log(`      requests (SOAP deploy through the emulator server):\n        ${requests.join('\n        ')}`);
      }
    } finally {
      await emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
