/*
 * Errors that keep Salesforce's code: when the org answers a request of check or grant with an error, the
 * `--json` error envelope names the error the sf way (`name`, `code`, `exitCode`, `status`, `actions`) and
 * carries Salesforce's own error code in `data.salesforceErrorCode` (and its message in
 * `data.salesforceMessage`), and no value anywhere in the envelope is the text "undefined".
 * Each code is injected by the org emulator the way Salesforce answers it
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm) and the real
 * bin/run.js is run against it.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { CliResult, RunningEmulator, runCli, startEmulator } from './harness.js';

type Envelope = NonNullable<CliResult['json']>;

/** Every string value of the envelope, with its path. */
const stringsOf = (value: unknown, path = '$'): Array<[string, string]> => {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsOf(v, `${path}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => stringsOf(v, `${path}.${k}`));
  return [];
};

/** The sf error envelope of an org error with Salesforce's code kept, and no "undefined" in it. */
const expectOrgError = (r: CliResult, name: string, salesforceErrorCode: string): Envelope => {
  expect(r.code, r.stdout.slice(0, 600) + r.stderr).to.equal(1);
  const json = r.json as Envelope;
  expect(json, r.stdout.slice(0, 300)).to.not.equal(undefined);
  expect(json.name).to.equal(name);
  expect(json.code).to.equal(name);
  expect(json.exitCode).to.equal(1);
  expect(json.status).to.equal(1);
  expect(json.result, 'no verdict from a failed read').to.equal(undefined);
  expect((json.actions as string[]).length).to.be.greaterThan(0);
  const data = json.data as { salesforceErrorCode?: string; salesforceMessage?: string; request?: string; attempts?: number };
  expect(data?.salesforceErrorCode).to.equal(salesforceErrorCode);
  expect(data.salesforceMessage, 'the org message, without the echoed query').to.be.a('string').and.not.match(/ERROR at Row/);
  expect(data.request).to.be.a('string').and.not.equal('');
  expect(data.attempts).to.be.a('number');
  expect(String(json.cause)).to.include(salesforceErrorCode);
  for (const [path, text] of stringsOf(json)) expect(text, path).not.to.include('undefined');
  return json;
};

const CHECK = ['integration', 'check', '--preset', 'crankwheel', '--user', 'agent@acme.example', '--json'];

describe('e2e: org errors keep Salesforce error code in --json', function () {
  this.timeout(240_000);
  let emu: RunningEmulator;
  const check = (): Promise<CliResult> => runCli(emu.home, [...CHECK, '-o', emu.alias]);

  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });
  beforeEach(async () => {
    await emu.setFaults([]);
  });

  const cases: Array<{ code: string; name: string; rule: Record<string, unknown> }> = [
    { code: 'API_DISABLED_FOR_ORG', name: 'OrgApiDisabledError', rule: { match: '/composite', fault: 'API_DISABLED_FOR_ORG', times: 100 } },
    { code: 'INVALID_SESSION_ID', name: 'OrgSessionExpiredError', rule: { match: '/composite', fault: 'INVALID_SESSION_ID', times: 100 } },
    { code: 'REQUEST_LIMIT_EXCEEDED', name: 'OrgRequestLimitError', rule: { match: '/composite', fault: 'REQUEST_LIMIT_EXCEEDED', times: 100 } },
    {
      code: 'INSUFFICIENT_ACCESS_OR_READONLY',
      name: 'OrgInsufficientAccessError',
      rule: { match: 'FROM PermissionSetAssignment', fault: 'INSUFFICIENT_ACCESS', times: 100, subrequests: true },
    },
    { code: 'INVALID_FIELD', name: 'OrgQueryRefusedError', rule: { match: 'FROM PermissionSetAssignment', fault: 'INVALID_FIELD', times: 100, subrequests: true } },
    { code: 'INVALID_TYPE', name: 'OrgQueryRefusedError', rule: { match: 'FROM UserLogin', fault: 'INVALID_TYPE', times: 100, subrequests: true } },
  ];
  for (const c of cases) {
    it(`${c.code}: ${c.name} with data.salesforceErrorCode ${c.code}`, async () => {
      await emu.setFaults([c.rule]);
      const json = expectOrgError(await check(), c.name, c.code);
      if (c.code === 'INVALID_FIELD') {
        expect((json.data as { salesforceMessage: string }).salesforceMessage).to.equal("No such column 'AssigneeId' on entity 'PermissionSetAssignment'.");
        expect((json.actions as string[]).join('\n')).to.include('sf integration doctor');
      }
      if (c.code === 'INVALID_TYPE') expect((json.data as { request: string }).request).to.equal('UserLogin');
    });
  }

  it('SERVER_UNAVAILABLE that lasts: OrgUnavailableError with the code and the 4 attempts made', async () => {
    await emu.setFaults([{ match: 'FROM Organization', fault: 'http503', times: 1000, subrequests: true }]);
    const json = expectOrgError(await check(), 'OrgUnavailableError', 'SERVER_UNAVAILABLE');
    expect((json.data as { attempts: number }).attempts).to.equal(4);
  });

  it('an error without a Salesforce code (no users resolved) has no "undefined" in its envelope either', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '--user', 'nobody@nowhere.example', '-o', emu.alias, '--json']);
    expect(r.code).to.equal(1);
    expect(r.json?.name).to.equal('NoUsersResolvedError');
    for (const [path, text] of stringsOf(r.json)) expect(text, path).not.to.include('undefined');
  });

  it("grant: the org's refusal of the deploy keeps Salesforce's code", async () => {
    await emu.setFaults([{ match: '[deploy]', fault: 'INSUFFICIENT_ACCESS', times: 100 }]);
    const r = await runCli(emu.home, [
      'integration', 'grant', '--preset', 'crankwheel', '--user', 'agent@acme.example', '-o', emu.alias,
      '--deploy', '--no-prompt', '--output-dir', join(emu.home, 'grant-out'), '--json',
    ]);
    const json = expectOrgError(r, 'OrgInsufficientAccessError', 'INSUFFICIENT_ACCESS_OR_READONLY');
    expect(String(json.message)).to.include('deploy');
  });
});
