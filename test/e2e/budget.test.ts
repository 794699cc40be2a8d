/*
 * Request budgets (issue 7), asserted through the real bin/run.js against the org emulator:
 *   check, one user, 1 or 50 objects: the same count, at most 6 requests after authentication;
 *   check, 100 users: at most 10; grant end to end: at most 12 plus deploy polling;
 *   a large generated org: a one-user check within budget that reads only that user's rows.
 *
 * Between the CLI and the emulator sits a transparent recording proxy (the org's auth file points at
 * it), so the tests see every request, the SOQL inside each Composite request, the SOAP action of
 * each Metadata API call and how many rows each query returned.
 */
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { GrantResult } from '../../src/commands/integration/grant.js';
import type { OrgState, UserState } from '../../emulator/src/orgState.js';
import { parseStateText } from '../../emulator/src/state.js';
import { generateLargeOrg, LARGE_ORG_PROBE_USER, largeOrgUsername } from '../../emulator/src/generate.js';
import { repoRoot, RunningEmulator, runCli, startEmulator } from './harness.js';

// ------------------------------------------------------------------------------------------ recording proxy

type Query = { soql: string; tooling: boolean; records: number; totalSize: number };
type Recorded = { method: string; path: string; status: number; soapAction?: string; soapBody?: string; queries: Query[]; subrequests: string[]; bytesOut: number; bytesOutUncompressed: number; arrived: number; answered: number; statements: string[] };
type Proxy = { url: string; requests: Recorded[]; clear(): void; stop(): Promise<void> };

const QUERY_URL = /\/(tooling\/)?query\/?\?q=([^&]*)/;

type QueryBody = { records?: unknown[]; totalSize?: number };
const queryOf = (url: string, body: unknown): Query | undefined => {
  const m = QUERY_URL.exec(url);
  if (!m) return undefined;
  const result = (body ?? {}) as QueryBody;
  return {
    soql: decodeURIComponent(m[2].replace(/\+/g, ' ')),
    tooling: m[1] !== undefined,
    records: Array.isArray(result.records) ? result.records.length : 0,
    totalSize: typeof result.totalSize === 'number' ? result.totalSize : 0,
  };
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** What one request carried: the queries of a Composite request or of a plain query GET. */
const queriesOf = (path: string, requestBody: string, responseBody: string): Query[] => {
  if (/\/composite\/?$/.test(path.split('?')[0])) {
    const req = parseJson(requestBody) as { compositeRequest?: Array<{ url: string }> } | undefined;
    const res = parseJson(responseBody) as { compositeResponse?: Array<{ body: unknown }> } | undefined;
    return (req?.compositeRequest ?? []).flatMap((sub, i) => {
      const q = queryOf(sub.url, res?.compositeResponse?.[i]?.body);
      return q ? [q] : [];
    });
  }
  const q = queryOf(path, parseJson(responseBody));
  return q ? [q] : [];
};

/** The body as the client reads it (the emulator gzips when asked, as Salesforce does). */
const decoded = (body: Buffer, encoding: string | string[] | undefined): Buffer => (String(encoding ?? '').includes('gzip') ? gunzipSync(body) : body);

/** The URLs of a Composite request's subrequests. */
const subrequestsOf = (path: string, requestBody: string): string[] =>
  /\/composite\/?$/.test(path.split('?')[0])
    ? ((parseJson(requestBody) as { compositeRequest?: Array<{ url: string }> } | undefined)?.compositeRequest ?? []).map((r) => r.url)
    : [];

/** Every SOQL statement a request carried (Composite subrequests or a query GET), whole. */
const statementsOf = (path: string, requestBody: string): string[] => {
  const subrequests = subrequestsOf(path, requestBody);
  const urls = subrequests.length > 0 ? subrequests : [path];
  return urls.flatMap((u) => {
    const m = QUERY_URL.exec(u);
    return m ? [decodeURIComponent(m[2].replace(/\+/g, ' '))] : [];
  });
};

/**
 * Sequential round trips: requests sent together (each starting before any earlier one was answered)
 * are one round trip. Meaningful with the emulator's latency well above the client's own pauses.
 */
const roundTrips = (requests: Recorded[]): number => {
  let trips = 0;
  let answered = -1;
  for (const r of [...requests].sort((a, b) => a.arrived - b.arrived)) {
    if (r.arrived >= answered) {
      trips++;
      answered = r.answered;
    } else answered = Math.max(answered, r.answered);
  }
  return trips;
};

const startProxy = async (target: string): Promise<Proxy> => {
  const upstream = new URL(target);
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = Date.now();
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers, host: upstream.host };
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers }, (answer) => {
        const back: Buffer[] = [];
        answer.on('data', (c: Buffer) => back.push(c));
        answer.on('end', () => {
          const wire = Buffer.concat(back);
          const responseBody = decoded(wire, answer.headers['content-encoding']);
          const path = (req.url ?? '/').replace(/^\/+/, '/');
          const soapAction = typeof req.headers.soapaction === 'string' ? req.headers.soapaction.replace(/"/g, '') : undefined;
          requests.push({
            method: req.method ?? 'GET',
            path,
            status: answer.statusCode ?? 0,
            soapAction: path.includes('/Soap/m/') ? soapAction : undefined,
            soapBody: path.includes('/Soap/m/') ? body.toString('utf8').slice(0, 2000) : undefined,
            queries: queriesOf(path, body.toString('utf8'), responseBody.toString('utf8')),
            statements: statementsOf(path, body.toString('utf8')),
            subrequests: subrequestsOf(path, body.toString('utf8')),
            bytesOut: wire.length,
            bytesOutUncompressed: responseBody.length,
            arrived,
            answered: Date.now(),
          });
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          res.end(wire);
        });
      });
      out.on('error', () => {
        res.destroy();
      });
      out.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    clear: (): void => {
      requests.length = 0;
    },
    stop: (): Promise<void> =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
};

/** Points the emulator's registered org (in its temporary HOME) at the proxy. Only the URLs change. */
const routeThrough = (emu: RunningEmulator, proxyUrl: string): void => {
  const dir = join(emu.home, '.sfdx');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f.includes('@'));
  expect(files, 'one registered org').to.have.length(1);
  const file = join(dir, files[0]);
  const auth = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  auth.instanceUrl = proxyUrl;
  auth.loginUrl = proxyUrl;
  writeFileSync(file, JSON.stringify(auth, null, 2));
};

type Setup = { emu: RunningEmulator; proxy: Proxy };
const start = async (state: OrgState): Promise<Setup> => {
  const emu = await startEmulator(state as unknown as Record<string, unknown>);
  const proxy = await startProxy(emu.url);
  routeThrough(emu, proxy.url);
  return { emu, proxy };
};
const stop = async (s: Setup | undefined): Promise<void> => {
  await s?.proxy.stop();
  await s?.emu.stop();
};

/** Runs the CLI and returns what it sent, cross-checked against the emulator's own request log. */
const measured = async (s: Setup, args: string[]): Promise<{ code: number; json: unknown; stderr: string; requests: Recorded[] }> => {
  s.proxy.clear();
  await s.emu.clearLog();
  const r = await runCli(s.emu.home, args);
  const requests = [...s.proxy.requests];
  const log = await s.emu.log();
  // concurrent requests finish in any order: compare as sorted lists
  const key = (method: string, path: string): string => `${method} ${path.replace(/^\/+/, '/').split('?')[0]}`;
  expect(requests.map((q) => key(q.method, q.path)).sort(), 'the proxy saw what the emulator logged').to.deep.equal(log.map((l) => key(l.method, l.path)).sort());
  return { code: r.code, json: r.json?.result, stderr: r.stderr, requests };
};

const show = (requests: Recorded[]): string =>
  JSON.stringify(
    requests.map((r) => `${r.method} ${r.path.slice(0, 90)}${r.soapAction ? ` [${r.soapAction}]` : ''} ${r.queries.map((q) => q.soql.slice(0, 60)).join(' | ')}`),
    null,
    1
  );

const isDeployPoll = (r: Recorded): boolean =>
  (r.path.includes('/Soap/m/') && (/checkDeployStatus/i.test(r.soapAction ?? '') || /<(\w+:)?checkDeployStatus\b/.test(r.soapBody ?? ''))) ||
  (r.method === 'GET' && /\/metadata\/deployRequest\/\w+/.test(r.path));

// ------------------------------------------------------------------------------------------ org states

const demo = (): OrgState => parseStateText(readFileSync(join(repoRoot, 'emulator', 'states', 'demo.yaml'), 'utf8'));

const customObject = (i: number): string => `Budget_Obj_${String(i).padStart(2, '0')}__c`;

/** The demo org plus 50 custom objects with a Sync_Id__c field each; ops@ holds a set that reads them all. */
const demoWithCustomObjects = (): OrgState => {
  const state = demo();
  const objects = Array.from({ length: 50 }, (_, i) => customObject(i + 1));
  state.objects = {
    ...state.objects,
    extra: [...(state.objects?.extra ?? []), ...objects.flatMap((object) => [{ object }, { object, field: 'Sync_Id__c', type: 'string', permissionable: true }])],
  };
  state.permissionSets = [
    ...(state.permissionSets ?? []),
    {
      name: 'Budget_Objects',
      objectPermissions: Object.fromEntries(objects.map((o) => [o, ['read' as const]])),
      fieldPermissions: Object.fromEntries(objects.map((o) => [`${o}.Sync_Id__c`, 'read' as const])),
    },
  ];
  const ops = state.users!.find((u) => u.username === 'ops@acme.example')!;
  ops.permissionSets = [...(ops.permissionSets ?? []), 'Budget_Objects'];
  return state;
};

const manifestFor = (dir: string, name: string, count: number, access: string): string => {
  const lines = [`name: ${name}`, `label: Budget ${count}`, 'systemPermissions: [ApiEnabled]', 'objects:'];
  for (let i = 1; i <= count; i++) lines.push(`  ${customObject(i)}:`, `    access: [${access}]`, '    fields:', '      read: [Sync_Id__c]');
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};

const sobjectTypesIn = (requests: Recorded[]): Set<string> => {
  const out = new Set<string>();
  for (const q of requests.flatMap((r) => r.queries)) {
    const m = /FROM ObjectPermissions WHERE .*SobjectType IN \(([^)]*)\)/.exec(q.soql);
    if (m) for (const v of m[1].split(',')) out.add(v.trim().replace(/^'|'$/g, ''));
  }
  return out;
};

// ------------------------------------------------------------------------------------------ selectivity

/** Tables that grow with the org: a query on them must name the rows it wants. */
const BIG_TABLES = new Set([
  'User', 'UserLogin', 'PermissionSetAssignment', 'PermissionSetLicenseAssign', 'PermissionSet', 'MutingPermissionSet',
  'PermissionSetGroupComponent', 'ObjectPermissions', 'FieldPermissions', 'SetupEntityAccess', 'OauthToken', 'EntityParticle',
  'FieldDefinition', 'EntityDefinition',
].map((t) => t.toLowerCase()));
/** A filter on one of these (= or IN) picks rows by key. */
const SELECTIVE = /\b(Id|ParentId|AssigneeId|UserId|PermissionSetId|PermissionSetGroupId|SetupEntityId|Username|Email|QualifiedApiName)\s*(IN\s*\(|=\s*')/i;

/** Every FROM of a big table (outer query or semi-join) with the WHERE that follows it, or none. */
const unselective = (soql: string): string[] => {
  const problems: string[] = [];
  const re = /\bFROM\s+(\w+)(\s+WHERE\s+)?/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(soql)) !== null) {
    if (!BIG_TABLES.has(m[1].toLowerCase())) continue;
    const rest = m[2] ? soql.slice(m.index + m[0].length) : '';
    if (!SELECTIVE.test(rest.slice(0, 200))) problems.push(`${m[1]}: ${soql.slice(0, 160)}`);
  }
  return problems;
};

// ------------------------------------------------------------------------------------------ the tests

describe('e2e: request budgets', function () {
  this.timeout(300_000);

  describe('the demo org with 50 custom objects', () => {
    let s: Setup | undefined;
    before(async () => {
      s = await start(demoWithCustomObjects());
    });
    after(async () => {
      await stop(s);
    });

    it('checks 1 object and 50 objects in the same number of requests, at most 6', async () => {
      const one = await measured(s!, ['integration', 'check', '--manifest', manifestFor(s!.emu.home, 'one-object', 1, 'read'), '-o', s!.emu.alias, '--user', 'ops@acme.example', '--json']);
      const fifty = await measured(s!, ['integration', 'check', '--manifest', manifestFor(s!.emu.home, 'fifty-objects', 50, 'read'), '-o', s!.emu.alias, '--user', 'ops@acme.example', '--json']);
      // both really ran and found ops@'s access to every object asked for
      expect(one.code, one.stderr).to.equal(0);
      expect(fifty.code, fifty.stderr).to.equal(0);
      expect((fifty.json as CheckResult).users[0].passed).to.equal(true);
      expect(sobjectTypesIn(one.requests).size).to.equal(1);
      expect(sobjectTypesIn(fifty.requests).size, 'all 50 objects read').to.equal(50);
      // read-only: no writes at all
      expect(fifty.requests.filter((r) => r.method !== 'GET' && r.queries.length === 0 && !r.path.includes('/Soap/m/'))).to.deep.equal([]);
      expect(fifty.requests.length, show(fifty.requests)).to.equal(one.requests.length);
      expect(one.requests.length, show(one.requests)).to.be.at.most(6);
    });

    it('grants end to end (plan, deploy, assign, re-check) in at most 8 requests plus deploy polling', async () => {
      // agent@ has none of the custom objects: the grant must deploy a set with all 50 and assign it
      const manifest = manifestFor(s!.emu.home, 'fifty-grant', 50, 'read, edit');
      const r = await measured(s!, [
        'integration', 'grant', '--manifest', manifest, '-o', s!.emu.alias, '--user', 'agent@acme.example',
        '--deploy', '--no-prompt', '--output-dir', join(s!.emu.home, 'granted'), '--json',
      ]);
      expect(r.code, r.stderr).to.equal(0);
      const result = r.json as GrantResult;
      expect(result.deployStatus).to.equal('deployed');
      expect(result.check.users[0].passed).to.equal(true);
      const polls = r.requests.filter(isDeployPoll);
      const deploys = r.requests.filter((q) => /deploy$/i.test(q.soapAction ?? '') || /<(\w+:)?deploy\b/.test(q.soapBody ?? '') || (q.method === 'POST' && /\/metadata\/deployRequest\/?$/.test(q.path)));
      expect(deploys, show(r.requests)).to.have.length(1);
      expect(r.requests.length - polls.length, show(r.requests)).to.be.at.most(8);
    });

    it('grants the crankwheel preset with --deploy in at most 10 requests, deploy polls included, the re-check in one', async () => {
      // the emulator advances a deploy one state per status check (Pending → InProgress → done), so the number
      // of polls is deterministic here; against a real org it depends on how long the deploy takes
      const r = await measured(s!, [
        'integration', 'grant', '--preset', 'crankwheel', '-o', s!.emu.alias, '--user', 'agent@acme.example',
        '--deploy', '--no-prompt', '--output-dir', join(s!.emu.home, 'granted-crankwheel'), '--json',
      ]);
      expect(r.code, r.stderr).to.equal(0);
      const result = r.json as GrantResult;
      expect(result.deployStatus).to.equal('deployed');
      expect(result.assignments.filter((a) => a.status === 'assigned').map((a) => a.item)).to.include('permission set CrankWheel_Integration');
      expect(result.check.users[0].passed, 'the re-check sees the new set').to.equal(true);
      expect(r.requests.length, show(r.requests)).to.be.at.most(10);
      // the set did not exist: no readMetadata of it before the deploy
      expect(r.requests.filter((q) => (q.soapAction ?? '').includes('readMetadata') || /<(\w+:)?readMetadata\b/.test(q.soapBody ?? '')), show(r.requests)).to.have.length(0);
      // after the assignment (the Composite carrying the sObject Collections insert) only the re-check's one request
      const assignAt = r.requests.findIndex((q) => q.subrequests.some((u) => u.includes('/composite/sobjects')));
      expect(assignAt, show(r.requests)).to.be.greaterThan(0);
      expect(r.requests.length - assignAt - 1, show(r.requests)).to.equal(1);
    });
  });

  describe('the demo org with 100 more users', () => {
    let s: Setup | undefined;
    const extra: UserState[] = Array.from({ length: 100 }, (_, i) => ({
      username: `budget.user${String(i + 1).padStart(3, '0')}@acme.example`,
      profile: i % 2 === 0 ? 'Standard User' : 'Sales Agent',
      permissionSets: i % 3 === 0 ? ['CrankWheel_User'] : [],
      permissionSetGroups: i % 5 === 0 ? ['Sales_Ops'] : [],
    }));
    before(async () => {
      const state = demo();
      state.users = [...(state.users ?? []), ...extra];
      s = await start(state);
    });
    after(async () => {
      await stop(s);
    });

    it('checks 100 users in at most 10 requests', async () => {
      const file = join(s!.emu.home, 'users.txt');
      writeFileSync(file, `${extra.map((u) => u.username).join('\n')}\n`);
      const r = await measured(s!, ['integration', 'check', '--preset', 'crankwheel', '-o', s!.emu.alias, '--users-file', file, '--json']);
      expect(r.code, r.stderr).to.equal(3);
      const result = r.json as CheckResult;
      expect(result.users.map((u) => u.username).sort()).to.deep.equal(extra.map((u) => u.username).sort());
      expect(r.requests.length, show(r.requests)).to.be.at.most(10);
    });
  });

  describe('a large generated org (2,000 users, 1,000 permission sets, 50,000 FieldPermissions rows, 20 groups)', () => {
    let s: Setup | undefined;
    const state = generateLargeOrg({ users: 2000, permissionSets: 1000, fieldPermissionRows: 50_000, groups: 20, seed: 3 });
    const probe = state.users!.find((u) => u.username === LARGE_ORG_PROBE_USER)!;
    before(async () => {
      s = await start(state);
    });
    after(async () => {
      await stop(s);
    });

    it("checks one user within budget, reading only that user's rows", async () => {
      const r = await measured(s!, ['integration', 'check', '--preset', 'crankwheel', '-o', s!.emu.alias, '--user', LARGE_ORG_PROBE_USER, '--json']);
      expect([0, 3], r.stderr).to.include(r.code);
      expect((r.json as CheckResult).users.map((u) => u.username)).to.deep.equal([LARGE_ORG_PROBE_USER]);
      expect(r.requests.length, show(r.requests)).to.be.at.most(6);

      const queries = r.requests.flatMap((q) => q.queries);
      expect(queries.length).to.be.greaterThan(5);
      expect(queries.flatMap((q) => unselective(q.soql))).to.deep.equal([]);

      // rows returned: the user's own, not the tables'
      const mainTable = (soql: string): string | undefined => /^SELECT\s[\s\S]*?\bFROM\s+(\w+)/i.exec(soql)?.[1];
      const rowsFrom = (table: string): number => queries.filter((q) => mainTable(q.soql) === table).reduce((n, q) => n + q.totalSize, 0);
      expect(rowsFrom('User')).to.equal(1);
      const assignments = 1 + (probe.permissionSets ?? []).length + (probe.permissionSetGroups ?? []).length;
      expect(rowsFrom('PermissionSetAssignment')).to.equal(assignments);
      const groups = (state.permissionSetGroups ?? []).filter((g) => (probe.permissionSetGroups ?? []).includes(g.name));
      const parents = assignments + groups.reduce((n, g) => n + g.members.length + (g.mutingPermissionSet ? 1 : 0), 0);
      const fieldsAsked = new Set(
        queries.filter((q) => q.soql.includes('FROM FieldPermissions')).flatMap((q) => /Field IN \(([^)]*)\)/.exec(q.soql)?.[1].split(',') ?? [])
      ).size;
      expect(fieldsAsked).to.be.greaterThan(0);
      const fieldRows = rowsFrom('FieldPermissions');
      expect(fieldRows, `${fieldRows} FieldPermissions rows read`).to.be.at.most(parents * fieldsAsked);
      expect(fieldRows).to.be.lessThan(50_000 / 100);
    });

    const setLatency = async (ms: number): Promise<void> => {
      const r = await fetch(`${s!.emu.url}/__emulator/latency`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms }) });
      expect(r.ok, 'latency set').to.equal(true);
    };
    const sum = (requests: Recorded[], key: 'bytesOut' | 'bytesOutUncompressed'): number => requests.reduce((n, q) => n + q[key], 0);
    const usersFile = (count: number, real: number): string => {
      const file = join(s!.emu.home, `users-${count}.txt`);
      const names = Array.from({ length: count }, (_, i) => (i < real ? largeOrgUsername(i + 1) : `nobody${String(i + 1).padStart(5, '0')}@elsewhere.example`));
      writeFileSync(file, `${names.join('\n')}\n`);
      return file;
    };

    it('one user (in two groups): two round trips, at most 5 requests, at most 80 KB from the org; UserFieldAccess only for the fields asked; no describe', async () => {
      // a latency far above the CLI's own pauses makes each round trip visible in the arrival times
      await setLatency(400);
      let r: Awaited<ReturnType<typeof measured>>;
      try {
        r = await measured(s!, ['integration', 'check', '--preset', 'crankwheel', '-o', s!.emu.alias, '--user', LARGE_ORG_PROBE_USER, '--json']);
      } finally {
        await setLatency(0);
      }
      expect([0, 3], r.stderr).to.include(r.code);
      expect((probe.permissionSetGroups ?? []).length, 'the probe is in groups: their members need round trip 2').to.be.greaterThan(0);
      expect(roundTrips(r.requests), show(r.requests)).to.equal(2);
      expect(r.requests.length, show(r.requests)).to.be.at.most(5);
      // as sent (gzip, which jsforce asks for and Salesforce does) and before compression (was 284 KB)
      expect(sum(r.requests, 'bytesOut'), 'bytes sent').to.be.at.most(80 * 1024);
      expect(sum(r.requests, 'bytesOutUncompressed'), 'bytes of JSON').to.be.at.most(100 * 1024);
      const statements = r.requests.flatMap((q) => q.statements);
      // no describe (the External Client App's scope columns come with FIELDS(STANDARD), and only for such an app)
      expect(r.requests.flatMap((q) => [q.path, ...q.subrequests]).filter((u) => u.includes('/describe'))).to.deep.equal([]);
      const ufa = r.requests.flatMap((q) => q.queries).filter((q) => q.soql.includes('FROM UserFieldAccess'));
      expect(ufa).to.have.length(1);
      const asked = new Set(statements.filter((q) => q.includes('FROM FieldPermissions')).flatMap((q) => /Field IN \(([^)]*)\)/.exec(q)?.[1].split(',') ?? []));
      expect(ufa[0].totalSize, 'one UserFieldAccess row per field asked, at most').to.be.at.most(asked.size);
      expect(ufa[0].totalSize).to.be.greaterThan(0);
    });

    it('1,000 users: at most 8 requests and 3 MB from the org', async () => {
      const r = await measured(s!, ['integration', 'check', '--preset', 'crankwheel', '-o', s!.emu.alias, '--users-file', usersFile(1000, 1000), '--json']);
      expect([0, 3], r.stderr).to.include(r.code);
      expect((r.json as CheckResult).users).to.have.length(1000);
      expect(r.requests.length, show(r.requests)).to.be.at.most(8);
      expect(sum(r.requests, 'bytesOut'), 'bytes sent').to.be.at.most(3 * 1024 * 1024);
      expect(sum(r.requests, 'bytesOutUncompressed'), 'bytes of JSON').to.be.at.most(5 * 1024 * 1024);
    });

    it('10,000 names in --users-file (the org\'s 1,999 generated users and 8,001 unknown): at most 40 requests, every statement under 100,000 characters', async () => {
      const r = await measured(s!, ['integration', 'check', '--preset', 'crankwheel', '-o', s!.emu.alias, '--users-file', usersFile(10_000, 2000), '--json']);
      const result = r.json as CheckResult;
      const present = new Set((state.users ?? []).map((u) => u.username));
      const real = Array.from({ length: 2000 }, (_, i) => largeOrgUsername(i + 1)).filter((u) => present.has(u));
      expect(real.length).to.be.greaterThan(1900);
      expect(result.users.map((u) => u.username).sort(), r.stderr).to.deep.equal(real.sort());
      expect(r.requests.length, show(r.requests)).to.be.at.most(40);
      const statements = r.requests.flatMap((q) => q.statements);
      expect(Math.max(...statements.map((q) => q.length))).to.be.at.most(100_000);
      // the 10,000 names needed several statements: chunked, not one per user
      expect(statements.filter((q) => q.startsWith('SELECT Id, Username')).length).to.be.within(2, 10);
    });
  });
});
