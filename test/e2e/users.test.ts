/*
 * Many users end to end: --users-file, --match-emails (no active user, inactive only, several active
 * users), one verdict per licence, frozen users, and the request count for 1 vs 100 users.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { Finding } from '../../src/evaluation/types.js';
import type { OrgState } from '../../emulator/src/orgState.js';
import { RequestLogEntry, RunningEmulator, repoRoot, runCli, startEmulator } from './harness.js';

const CASES = 'emulator/states/cases';

const findingsOf = (result: CheckResult, username: string): Finding[] => {
  const user = result.users.find((u) => u.username === username);
  expect(user, `user ${username} in ${result.users.map((u) => u.username).join(', ')}`).to.not.equal(undefined);
  return user!.findings;
};
const problems = (result: CheckResult, username: string): Array<[string, string]> =>
  findingsOf(result, username)
    .filter((f) => f.status === 'fail' || f.status === 'error')
    .map((f) => [f.requirement, f.status]);

describe('e2e: many users, --match-emails (emulator/states/cases/frozen-user.yaml)', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator(`${CASES}/frozen-user.yaml`);
  });
  after(async () => emu?.stop());

  it('reports emails with no active user, with only inactive users, with several users, and each matched user’s verdict', async () => {
    const emails = join(emu.home, 'agents.txt');
    writeFileSync(emails, ['# agents of the integration', 'ACTIVE@frozen.example', 'frozen@frozen.example', 'gone@frozen.example', 'nobody@frozen.example', 'shared@frozen.example', ''].join('\n'));
    const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'accord', '--match-emails', emails, '--json']);
    expect(r.code).to.equal(3);
    const result = r.json!.result as CheckResult;
    expect(result.users.map((u) => [u.username, u.passed])).to.deep.equal([
      ['active@frozen.example', true],
      ['frozen@frozen.example', false],
    ]);
    expect(problems(result, 'frozen@frozen.example')).to.deep.equal([['user is active', 'fail']]);
    expect(result.unresolvedUsers).to.deep.equal([
      // gone@ is that user's username too, but an email only matches active users by email
      { input: 'gone@frozen.example', reason: 'inactive', candidates: ['gone@frozen.example'] },
      { input: 'nobody@frozen.example', reason: 'notFound', candidates: [] },
      { input: 'shared@frozen.example', reason: 'ambiguous', candidates: ['dup1@frozen.example', 'dup2@frozen.example'] },
    ]);

    const human = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'accord', '--match-emails', emails]);
    expect(human.code).to.equal(3);
    const rows = human.stdout.split('\n').filter((l) => /^(PASS|FAIL) {2}/.test(l));
    expect(rows).to.deep.equal([
      'PASS  active@frozen.example  4 met, 0 missing or impossible, 0 warnings',
      'FAIL  frozen@frozen.example  3 met, 1 missing or impossible, 0 warnings',
      'FAIL  gone@frozen.example  no active Salesforce user has this email (only inactive: gone@frozen.example)',
      'FAIL  nobody@frozen.example  no active Salesforce user has this email',
      'FAIL  shared@frozen.example  several active Salesforce users have this email: dup1@frozen.example, dup2@frozen.example',
    ]);
    // then the failing details, the frozen user's only
    expect(human.stdout).to.include('frozen@frozen.example — what is missing or needs attention:');
    expect(human.stdout).not.to.include('active@frozen.example — what is missing');
  });

  it('--user with an inactive user’s username still gives that user’s verdict: fail, fix "activate the user" (issue 14 §3)', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'accord', '--user', 'gone@frozen.example', '--json']);
    expect(r.code).to.equal(3);
    const result = r.json!.result as CheckResult;
    expect(result.unresolvedUsers).to.deep.equal([]);
    expect(problems(result, 'gone@frozen.example')).to.deep.equal([['user is active', 'fail']]);
    const status = result.users[0].findings.find((f) => f.requirement === 'user is active');
    expect(status?.fix).to.match(/^Activate the user \(Setup > Users > gone@frozen.example > Edit > Active\)/);
  });

  it('--diagnose API_DISABLED_FOR_ORG for a frozen user breaks at the user', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'accord', '--user', 'frozen@frozen.example', '--diagnose', 'api_disabled_for_org', '--json']);
    expect(r.code).to.equal(3);
    const result = r.json!.result as CheckResult;
    expect(result.diagnosis?.map((d) => [d.code, d.brokenLink, d.fix])).to.deep.equal([
      ['API_DISABLED_FOR_ORG', 'user-active', 'Unfreeze the user (Setup > Users > frozen@frozen.example > Unfreeze)'],
    ]);
  });
});

describe('e2e: one verdict per licence (emulator/states/cases/licences.yaml)', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator(`${CASES}/licences.yaml`);
  });
  after(async () => emu?.stop());

  it('ampersand-connected-app with the integration-user feature, users from --users-file', async () => {
    const file = join(emu.home, 'users.txt');
    writeFileSync(file, ['salesforce@licences.example', 'platform@licences.example', 'integration@licences.example', 'integration-nopsl@licences.example'].join('\n'));
    const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'ampersand-connected-app', '--feature', 'integration-user', '--users-file', file, '--json']);
    expect(r.code).to.equal(3);
    const result = r.json!.result as CheckResult;
    expect(result.users.map((u) => u.username)).to.deep.equal([
      'salesforce@licences.example',
      'platform@licences.example',
      'integration@licences.example',
      'integration-nopsl@licences.example',
    ]);
    const licence = (u: string): Finding => findingsOf(result, u).find((f) => f.kind === 'license')!;
    expect(licence('salesforce@licences.example').status).to.equal('pass');
    expect(licence('platform@licences.example').status).to.equal('fail');
    expect(licence('platform@licences.example').message).to.equal(
      'the user has the Salesforce Platform licence (profile Platform User), not Salesforce or Salesforce Integration'
    );
    expect(licence('integration@licences.example').message).to.equal('the user has the Salesforce Integration licence');
    const psl = (u: string): Finding => findingsOf(result, u).find((f) => f.requirement === 'permission set licence SalesforceAPIIntegrationPsl')!;
    expect(psl('integration@licences.example').status).to.equal('pass');
    expect(psl('integration-nopsl@licences.example').status).to.equal('fail');
    expect(psl('integration-nopsl@licences.example').fix).to.include('Permission Set License Assignments');
  });
});

describe('e2e: 100 users cost the same requests as 1', function () {
  this.timeout(240_000);

  it('generates 100 users in a copy of a case state; both runs make the same ≤ 10 requests, all reads', async () => {
    const state = YAML.parse(readFileSync(join(repoRoot, CASES, 'app-admin-approved.yaml'), 'utf8')) as OrgState;
    const many = Array.from({ length: 100 }, (_, i) => `u${String(i).padStart(3, '0')}@many.example`);
    state.users = [
      ...(state.users ?? []),
      ...many.map((username, i) => ({
        username,
        profile: i % 2 === 0 ? 'Standard User' : 'Sync Integration',
        permissionSets: i % 3 === 0 ? ['Acme_Sync_Access'] : [],
      })),
    ];
    state.connectedApps = (state.connectedApps ?? []).map((a) => (a.name === 'Acme_Sync' ? { ...a, authorizedUsers: [...(a.authorizedUsers ?? []), ...many.slice(0, 50)] } : a));
    const emu = await startEmulator(state as unknown as Record<string, unknown>);
    try {
      const args = ['integration', 'check', '-o', emu.alias, '--preset', 'ampersand-connected-app', '--app', 'Acme_Sync', '--json'];
      await emu.clearLog();
      const one = await runCli(emu.home, [...args, '--user', many[0]]);
      expect(one.code, one.stderr).to.equal(3);
      const logOne = await emu.log();
      await emu.clearLog();
      const file = join(emu.home, 'users.txt');
      writeFileSync(file, many.join('\n'));
      const hundred = await runCli(emu.home, [...args, '--users-file', file]);
      expect(hundred.code, hundred.stderr).to.equal(3);
      const logHundred = await emu.log();
      const result = hundred.json!.result as CheckResult;
      expect(result.users).to.have.length(100);
      expect(result.unresolvedUsers).to.deep.equal([]);
      // each user's own verdict: pre-authorized by profile, by permission set, or not
      const access = (u: string): string => findingsOf(result, u).find((f) => f.requirement === 'oauth app access Acme_Sync')!.status;
      expect([access(many[0]), access(many[1]), access(many[2]), access(many[3])]).to.deep.equal(['pass', 'pass', 'fail', 'pass']);
      const tokens = (u: string): string => findingsOf(result, u).find((f) => f.requirement === 'oauth authorizations Acme_Sync')!.status;
      expect([tokens(many[49]), tokens(many[50])]).to.deep.equal(['pass', 'warn']);

      const shape = (log: RequestLogEntry[]): string[] => log.map((l) => `${l.method} ${l.path.split('?')[0]}`).sort();
      const reads = (log: RequestLogEntry[]): RequestLogEntry[] => log.filter((l) => l.method === 'GET' || l.path.split('?')[0].endsWith('/composite') || l.path.includes('/services/Soap/m/'));
      expect(reads(logOne)).to.have.length(logOne.length);
      expect(reads(logHundred)).to.have.length(logHundred.length);
      expect(shape(logHundred), JSON.stringify(shape(logHundred))).to.deep.equal(shape(logOne));
      expect(logOne.length).to.be.at.most(10);
    } finally {
      await emu.stop();
    }
  });
});
