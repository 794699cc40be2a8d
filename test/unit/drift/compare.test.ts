/*
 * Drift on real check outputs (test/fixtures/drift/, written by running bin/run.js against the emulator
 * with the demo org — see the README there): before a grant, and after the grant plus a "sandbox refresh"
 * that deactivated ops@ and gave the agent a Data_Loader set.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { checkResultOf, compareWithBaseline, gatedExitCode } from '../../../src/drift/index.js';
import type { ComparableReport } from '../../../src/drift/index.js';
import type { CheckReport } from '../../../src/render/report.js';
import { repoRoot } from '../../e2e/harness.js';

const fixture = (name: string): CheckReport => {
  const parsed: unknown = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'drift', name), 'utf8'));
  const result = checkResultOf(parsed);
  expect(result, name).to.not.equal(undefined);
  return result as CheckReport;
};

describe('drift: compareWithBaseline on real check outputs', () => {
  const before = fixture('crankwheel-before.json');
  const after = fixture('crankwheel-after-refresh.json');
  const beforeNoExcess = fixture('crankwheel-before-no-excess.json');

  it('the same result twice: no change, no new failure', () => {
    const drift = compareWithBaseline(before, before);
    expect(drift.newlyFailing).to.deep.equal([]);
    expect(drift.newlyPassing).to.deep.equal([]);
    expect(drift.newlyExcess).to.deep.equal([]);
    expect(drift.usersGone).to.deep.equal([]);
    expect(drift.hasNewFailures).to.equal(false);
    expect(drift.excessCompared).to.equal(true);
  });

  it('items the grant fixed are newly passing; what ops@ already missed is not new', () => {
    const drift = compareWithBaseline(before, after);
    const passing = drift.newlyPassing.map((c) => `${c.username} ${c.requirement} ${c.before}→${c.after}`);
    expect(passing).to.include('agent@acme.example EditEvent (Edit Events) fail→pass');
    expect(passing).to.include('agent@acme.example Contact.MobilePhone: read fail→pass');
    // ops@ failed Contact.HomePhone before and after: not in either list
    const all = [...drift.newlyFailing, ...drift.newlyPassing].map((c) => `${c.username} ${c.requirement}`);
    expect(all).to.not.include('ops@acme.example Contact.HomePhone: read');
  });

  it('a deactivated user is gone (inactive) and its status item newly failing: a new failure', () => {
    const drift = compareWithBaseline(before, after);
    expect(drift.usersGone.map((g) => [g.username, g.reason])).to.deep.equal([['ops@acme.example', 'inactive']]);
    expect(drift.newlyFailing.map((c) => `${c.username} ${c.requirement} ${c.before}→${c.after}`)).to.deep.equal(['ops@acme.example user is active pass→error']);
    expect(drift.hasNewFailures).to.equal(true);
  });

  it('newly excess: a new permission, and the access a new set adds to an object already excess', () => {
    const drift = compareWithBaseline(before, after);
    const byKey = new Map(drift.newlyExcess.map((c) => [c.item.key, c]));
    // Data_Loader grants Lead: Read, which CrankWheel needs: the set itself is not idle
    expect(byKey.has('permissionSet:PermissionSet:Data_Loader')).to.equal(false);
    expect(byKey.get('systemPermission:BulkApiHardDelete')?.item.sources).to.deep.equal([{ kind: 'PermissionSet', name: 'Data_Loader' }]);
    expect(byKey.get('systemPermission:BulkApiHardDelete')?.added).to.deep.equal(['Bulk API Hard Delete (BulkApiHardDelete)']);
    // Lead: Edit, Create were excess before (profile); Delete is what Data_Loader adds
    expect(byKey.get('objectAccess:Lead')?.added).to.deep.equal(['Lead: delete']);
    // Export Reports was excess before (Sales Agent profile): held through one more set is not new
    expect(byKey.has('systemPermission:ExportReport')).to.equal(false);
  });

  it('does not compare excess when the baseline ran without --excess', () => {
    const drift = compareWithBaseline(beforeNoExcess, after);
    expect(drift.excessCompared).to.equal(false);
    expect(drift.newlyExcess).to.deep.equal([]);
    expect(drift.usersGone.map((g) => g.username)).to.deep.equal(['ops@acme.example']);
  });

  it('a user the baseline did not check: every failing item is new; a baseline user not checked now is noted, not a failure', () => {
    const onlyAgent: ComparableReport = { ...before, users: before.users.filter((u) => u.username === 'agent@acme.example') };
    const drift = compareWithBaseline(onlyAgent, after);
    expect(drift.usersNew).to.deep.equal(['ops@acme.example']);
    expect(drift.newlyFailing.filter((c) => c.username === 'ops@acme.example').length).to.equal(after.users[1].findings.filter((f) => f.status === 'fail' || f.status === 'error').length);
    const reverse = compareWithBaseline(before, { ...after, users: after.users.filter((u) => u.username === 'agent@acme.example') });
    expect(reverse.usersGone).to.deep.equal([{ username: 'ops@acme.example', reason: 'notChecked', message: 'not checked in this run' }]);
    expect(reverse.hasNewFailures).to.equal(false);
  });

  describe('exit gates', () => {
    it('--fail-on new: 3 only when something got worse', () => {
      const worse: CheckReport = { ...after, drift: compareWithBaseline(before, after) };
      expect(gatedExitCode(worse, { failOn: 'new' })).to.equal(3);
      // the baseline against itself: ops@ still fails, but nothing is new
      const same: CheckReport = { ...before, drift: compareWithBaseline(before, before) };
      expect(gatedExitCode(same, {})).to.equal(3);
      expect(gatedExitCode(same, { failOn: 'new' })).to.equal(0);
    });

    it('--fail-on-excess TIER: 3 when excess at or above the tier exists (only newly excess with --fail-on new)', () => {
      const agentOnly: CheckReport = { ...after, users: after.users.filter((u) => u.username === 'agent@acme.example'), unresolvedUsers: [] };
      expect(gatedExitCode(agentOnly, {})).to.equal(0);
      expect(gatedExitCode(agentOnly, { failOnExcess: 'critical' })).to.equal(0);
      expect(gatedExitCode(agentOnly, { failOnExcess: 'high' })).to.equal(3);
      const noNewHigh: CheckReport = { ...agentOnly, drift: compareWithBaseline(after, after) };
      expect(gatedExitCode(noNewHigh, { failOnExcess: 'high', failOn: 'new' })).to.equal(0);
      const newHigh: CheckReport = { ...agentOnly, drift: compareWithBaseline({ ...before, users: before.users.filter((u) => u.username === 'agent@acme.example') }, agentOnly) };
      expect(gatedExitCode(newHigh, { failOnExcess: 'high', failOn: 'new' })).to.equal(3);
    });
  });

  it('reads the envelope or the result alone, and refuses anything else', () => {
    const envelope: unknown = JSON.parse(readFileSync(join(repoRoot, 'test', 'fixtures', 'drift', 'crankwheel-before.json'), 'utf8'));
    expect(checkResultOf((envelope as { result: unknown }).result)?.users).to.have.length(2);
    expect(checkResultOf({ status: 1, name: 'OrgApiError', message: 'x' })).to.equal(undefined);
    expect(checkResultOf({ users: [{ username: 'a' }] })).to.equal(undefined);
  });
});
