/*
 * sf integration doctor through bin/run.js against the org emulator: every query shape of the reader is sent
 * and accepted (exit 0); a shape the org refuses (INVALID_TYPE, as an org without UserFieldAccess answers) is
 * reported with Salesforce's code (exit 3) while the others still run; a session the org rejects is exit 1.
 */
import { expect } from 'chai';
import type { DoctorResult } from '../../src/commands/integration/doctor.js';
import { RunningEmulator, runCli, startEmulator } from './harness.js';

describe('e2e: integration doctor', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });
  beforeEach(async () => {
    await emu.setFaults([]);
  });

  it('runs every shape of the reader read-only and all are accepted: exit 0, edition, sandbox flag and API version', async () => {
    await emu.clearLog();
    const r = await runCli(emu.home, ['integration', 'doctor', '-o', emu.alias, '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const result = r.json?.result as DoctorResult;
    expect(result.org).to.include({ edition: 'Enterprise Edition', isSandbox: false, apiVersion: '62.0' });
    const byShape = new Map(result.shapes.map((s) => [s.shape, s]));
    for (const shape of ['org', 'users', 'assignments', 'psColumns', 'particles', 'objectPerms', 'fieldPerms', 'crossCheckObjects', 'crossCheckFields', 'eca', 'ecaPolicy', 'dependencies', 'tokens']) {
      expect(byShape.get(shape)?.status, shape).to.equal('ok');
    }
    expect(result.summary.refused).to.equal(0);
    expect(byShape.get('fieldPerms')?.query).to.match(/ LIMIT 1$/);
    expect(byShape.get('crossCheckFields')?.query).not.to.include('LIMIT');
    expect(byShape.get('muting')?.status).to.equal('notApplicable');
    // read-only: no write of any kind reached the org
    expect((await emu.log()).filter((l) => l.method !== 'GET' && !l.path.endsWith('/composite'))).to.deep.equal([]);
  });

  it('a user in a permission set group with a muting set, and an installed app, exercise the group and app shapes', async () => {
    const r = await runCli(emu.home, ['integration', 'doctor', '-o', emu.alias, '--user', 'ops@acme.example', '--app', 'Acme_Sync', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const byShape = new Map((r.json?.result as DoctorResult).shapes.map((s) => [s.shape, s.status]));
    for (const shape of ['components', 'muting', 'appAccess']) expect(byShape.get(shape), shape).to.equal('ok');
  });

  it('a refused shape (INVALID_TYPE on UserFieldAccess) is reported with the code; the others still run: exit 3', async () => {
    await emu.setFaults([{ match: 'FROM UserFieldAccess', fault: 'INVALID_TYPE', times: 100, subrequests: true }]);
    const r = await runCli(emu.home, ['integration', 'doctor', '-o', emu.alias, '--json']);
    expect(r.code, r.stderr).to.equal(3);
    expect(r.json?.status).to.equal(3);
    const result = r.json?.result as DoctorResult;
    const refused = result.shapes.filter((s) => s.status === 'refused');
    expect(refused.map((s) => [s.shape, s.salesforceErrorCode])).to.deep.equal([['crossCheckFields', 'INVALID_TYPE']]);
    expect(refused[0].salesforceMessage).to.include("sObject type 'UserFieldAccess' is not supported");
    expect(result.shapes.find((s) => s.shape === 'crossCheckObjects')?.status).to.equal('ok');
    const human = await runCli(emu.home, ['integration', 'doctor', '-o', emu.alias]);
    expect(human.code).to.equal(3);
    expect(human.stdout).to.match(/REFUSED\s+crossCheckFields\s+.*INVALID_TYPE/);
  });

  it('a refused required shape (INVALID_FIELD on the assignments semi-join) is reported too', async () => {
    await emu.setFaults([{ match: 'FROM PermissionSetAssignment', fault: 'INVALID_FIELD', times: 100, subrequests: true }]);
    const r = await runCli(emu.home, ['integration', 'doctor', '-o', emu.alias, '--json']);
    expect(r.code, r.stderr).to.equal(3);
    const shape = (r.json?.result as DoctorResult).shapes.find((s) => s.shape === 'assignments');
    expect(shape).to.include({ status: 'refused', salesforceErrorCode: 'INVALID_FIELD', optional: false });
  });

  it('cannot run when the org refuses the session: exit 1 with the Salesforce code', async () => {
    await emu.setFaults([{ match: '/composite', fault: 'INVALID_SESSION_ID', times: 100 }]);
    const r = await runCli(emu.home, ['integration', 'doctor', '-o', emu.alias, '--json']);
    expect(r.code).to.equal(1);
    expect(r.json?.name).to.equal('OrgSessionExpiredError');
    expect((r.json?.data as { salesforceErrorCode: string }).salesforceErrorCode).to.equal('INVALID_SESSION_ID');
  });
});
