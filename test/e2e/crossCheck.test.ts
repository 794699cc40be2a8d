/*
 * The cross-check, end to end: bin/run.js against the org emulator, whose UserEntityAccess /
 * UserFieldAccess are computed by the emulator on its own (not by the plugin's evaluation). A check of one
 * or two users compares every object and field verdict with them; where Salesforce disagrees (simulated with
 * the emulator's access overrides) the item becomes a warning naming both verdicts; an org that refuses the
 * queries, or a check of more users, gets no cross-check and says why — with the same verdicts otherwise.
 */
import { expect } from 'chai';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { Finding, UserVerdict } from '../../src/evaluation/types.js';
import { CliResult, RunningEmulator, runCli, startEmulator } from './harness.js';

const AGENT = 'agent@acme.example';

const resultOf = (r: CliResult): CheckResult => {
  expect(r.json?.result, r.stdout.slice(0, 500) + r.stderr).to.not.equal(undefined);
  return r.json!.result as CheckResult;
};
const userOf = (r: CliResult, username = AGENT): UserVerdict => {
  const user = resultOf(r).users.find((u) => u.username === username);
  expect(user, username).to.not.equal(undefined);
  return user!;
};
const findingOf = (user: UserVerdict, requirement: string): Finding => {
  const f = user.findings.find((x) => x.requirement === requirement);
  expect(f, `${requirement} among ${user.findings.map((x) => x.requirement).join(' | ')}`).to.not.equal(undefined);
  return f!;
};
/** Statuses by requirement, without the cross-check's notes. */
const statuses = (user: UserVerdict): Array<[string, string]> => user.findings.map((f) => [f.requirement, f.status]);

describe('e2e: cross-check with UserEntityAccess / UserFieldAccess (emulator/states/demo.yaml)', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  const check = (args: string[]): Promise<CliResult> => runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'crankwheel', ...args]);

  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });
  afterEach(async () => {
    await emu.setAccessOverrides([]);
    await emu.setFaults([]);
  });

  it('one user: every object and field item agrees with Salesforce, and the summary line says so', async () => {
    const json = await check(['--user', AGENT, '--json']);
    expect(json.code).to.equal(3);
    const user = userOf(json);
    const compared = user.findings.filter((f) => f.crossCheck);
    const objectAndField = user.findings.filter((f) => (f.kind === 'object' || f.kind === 'field') && (f.status === 'pass' || f.status === 'fail'));
    expect(compared.map((f) => f.requirement)).to.deep.equal(objectAndField.map((f) => f.requirement));
    expect(compared.length).to.be.greaterThan(20);
    expect(compared.filter((f) => f.crossCheck?.agrees !== true).map((f) => f.requirement)).to.deep.equal([]);
    // failures are confirmed too: Salesforce also says the agent cannot read Contact.MobilePhone
    expect(findingOf(user, 'Contact.MobilePhone: read')).to.deep.include({ status: 'fail', crossCheck: { source: 'UserFieldAccess', salesforce: false, agrees: true } });
    expect(user.crossCheck).to.deep.equal({ status: 'done', compared: compared.length, disagreements: 0 });

    const human = await check(['--user', AGENT]);
    expect(human.stdout).to.include(`FAIL  ${AGENT}`);
    expect(human.stdout).to.include(`Salesforce's own access check agrees on ${compared.length} of ${compared.length} object and field items`);
  });

  it('Salesforce disagreeing in either direction turns the item into a warning that names both verdicts', async () => {
    const beforeRun = await check(['--user', AGENT, '--json']);
    const before = userOf(beforeRun);
    await emu.setAccessOverrides([
      // granted by the agent's permission sets, but Salesforce says no
      { username: AGENT, object: 'Contact', field: 'Email', values: { IsAccessible: false } },
      // missing from every source, but Salesforce says yes
      { username: AGENT, object: 'Contact', field: 'MobilePhone', values: { IsAccessible: true } },
    ]);
    const r = await check(['--user', AGENT, '--json']);
    const user = userOf(r);
    const email = findingOf(user, 'Contact.Email: read');
    expect(email.status).to.equal('warn');
    expect(email.grantedBy.length, 'still names what grants it').to.be.greaterThan(0);
    expect(email.message).to.include("but Salesforce's UserFieldAccess says the user cannot read Contact.Email");
    expect(email.fix).to.include(`Setup > Users > ${AGENT} > View Summary`);
    const mobile = findingOf(user, 'Contact.MobilePhone: read');
    expect(mobile.status).to.equal('warn');
    expect(mobile.message).to.match(/^Salesforce's UserFieldAccess says the user can read Contact\.MobilePhone, but no profile, permission set or group/);
    expect(user.crossCheck).to.include({ status: 'done', disagreements: 2 });
    // everything else is as before
    const others = (u: UserVerdict): Array<[string, string]> => statuses(u).filter(([req]) => !req.startsWith('Contact.Email') && !req.startsWith('Contact.MobilePhone'));
    expect(others(user)).to.deep.equal(others(before));
    // MobilePhone moved from missing to warning; Email from met to warning
    expect(resultOf(r).summary).to.include({
      failed: resultOf(beforeRun).summary.failed - 1,
      passed: resultOf(beforeRun).summary.passed - 1,
      warnings: resultOf(beforeRun).summary.warnings + 2,
    });

    const human = await check(['--user', AGENT]);
    expect(human.stdout).to.match(/! Contact\.Email: read\s+.*UserFieldAccess says the user cannot read Contact\.Email/);
  });

  it('an org that refuses UserEntityAccess: no cross-check, the reason, and the same verdicts (exit 3 as before)', async () => {
    const plain = userOf(await check(['--user', AGENT, '--json']));
    await emu.setFaults([{ match: 'FROM UserEntityAccess', subrequests: true, fault: 'INVALID_TYPE', times: 10 }]);
    const r = await check(['--user', AGENT, '--json']);
    expect(r.code).to.equal(3);
    const user = userOf(r);
    expect(user.crossCheck?.status).to.equal('notDone');
    expect(user.crossCheck?.reason).to.equal("not done: Salesforce refused the query (INVALID_TYPE: sObject type 'UserEntityAccess' is not supported.)");
    expect(user.findings.some((f) => f.crossCheck), 'no item is compared').to.equal(false);
    expect(statuses(user)).to.deep.equal(statuses(plain));

    const human = await check(['--user', AGENT]);
    expect(human.code).to.equal(3);
    expect(human.stdout).to.include("Cross-check with Salesforce's UserEntityAccess / UserFieldAccess: not done: Salesforce refused the query (INVALID_TYPE");
  });

  it('more than two users: not done, said once, and not one more request than without it', async () => {
    const users = ['--user', AGENT, '--user', 'integration@acme.example', '--user', 'ops@acme.example'];
    await emu.clearLog();
    const r = await check([...users, '--json']);
    const requests = (await emu.log()).length;
    const result = resultOf(r);
    expect(result.users.map((u) => u.crossCheck?.status)).to.deep.equal(['notDone', 'notDone', 'notDone']);
    expect(result.users[0].crossCheck?.reason).to.match(/more than 2 users \(this check has 3\)/);
    expect((await emu.log()).some((l) => JSON.stringify(l).includes('UserEntityAccess')), 'no UserEntityAccess query').to.equal(false);
    expect(requests).to.be.at.most(6);
    const human = await check(users);
    expect(human.stdout.match(/Cross-check with Salesforce's/g)).to.have.length(1);
  });

  it('two users are cross-checked within the one-user request budget (at most 6 requests)', async () => {
    await emu.clearLog();
    const r = await check(['--user', AGENT, '--user', 'integration@acme.example', '--json']);
    const log = await emu.log();
    expect(resultOf(r).users.map((u) => u.crossCheck?.status)).to.deep.equal(['done', 'done']);
    expect(log.length, log.map((l) => l.path).join('\n')).to.be.at.most(6);
  });
});
