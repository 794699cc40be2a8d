import { expect } from 'chai';
import type { Finding, UserVerdict } from '../../../src/evaluation/index.js';
import { evaluateUser } from '../../../src/evaluation/index.js';
import type { Requirements } from '../../../src/requirements/types.js';
import type { BuiltOrg } from '../../fixtures/snapshots/builder.js';

export const verdictOf = (requirements: Requirements, org: BuiltOrg, username: string): UserVerdict =>
  evaluateUser(requirements, org.snapshot, org.user(username));

/** The one finding with this requirement text (fails the test when there is not exactly one). */
export const findingOf = (verdict: UserVerdict, requirement: string): Finding => {
  const hits = verdict.findings.filter((f) => f.requirement === requirement);
  expect(hits.map((f) => f.requirement), `findings for "${requirement}" among ${verdict.findings.map((f) => f.requirement).join(' | ')}`).to.have.length(1);
  return hits[0];
};

/** Every non-pass finding carries a fix; every pass names a grant or explains itself. */
export const expectWellFormed = (verdict: UserVerdict): void => {
  for (const f of verdict.findings) {
    if (f.status === 'fail' || f.status === 'error' || f.status === 'warn') {
      expect(f.fix, `fix for ${f.requirement}`).to.be.a('string').and.not.equal('');
    }
    if (f.status === 'pass') {
      expect(f.grantedBy.length > 0 || f.message.length > 0, `grantedBy or explanation for ${f.requirement}`).to.equal(true);
    }
    expect(f.message, `message for ${f.requirement}`).to.be.a('string').and.not.equal('');
  }
};
