import { expect } from 'chai';
import type { CrossCheck } from '../../../src/snapshot/types.js';
import { evaluateUser } from '../../../src/evaluation/index.js';
import { BuiltOrg, MINIMUM_ACCESS, buildSnapshot } from '../../fixtures/snapshots/builder.js';
import { makeRequirements } from '../../fixtures/snapshots/requirements.js';
import { expectWellFormed, findingOf } from './helpers.js';

const USER = 'sync@acme.example';

const org = (): BuiltOrg =>
  buildSnapshot({
    profiles: [MINIMUM_ACCESS],
    permissionSets: [
      { name: 'Contact_Editor', objectPermissions: { Contact: ['read', 'edit'] }, fieldPermissions: { 'Contact.Email': 'edit', 'Contact.Phone': 'read' } },
    ],
    users: [{ username: USER, profile: MINIMUM_ACCESS.name, permissionSets: ['Contact_Editor'] }],
  });

const requirements = makeRequirements({ objects: { Contact: { access: ['read', 'edit', 'delete'], fields: { read: ['Phone'], edit: ['Email'] } } } });

/** Evaluate USER with Salesforce's verdicts (UserEntityAccess / UserFieldAccess) as given. */
const verdictWith = (crossCheck: CrossCheck | undefined): ReturnType<typeof evaluateUser> => {
  const o = org();
  const user = { ...o.user(USER), ...(crossCheck ? { crossCheck } : {}) };
  return evaluateUser(requirements, o.snapshot, user);
};

const agreeing: CrossCheck = {
  status: 'done',
  objects: { Contact: { read: true, create: false, edit: true, delete: false } },
  fields: { 'Contact.Email': { read: true, edit: true, create: true }, 'Contact.Phone': { read: true, edit: false, create: false } },
};

describe('evaluation: cross-check with UserEntityAccess / UserFieldAccess', () => {
  it('records agreement on every compared object and field item and leaves the verdicts as computed', () => {
    const v = verdictWith(agreeing);
    expect(findingOf(v, 'Contact: read')).to.include({ status: 'pass' });
    expect(findingOf(v, 'Contact: read').crossCheck).to.deep.equal({ source: 'UserEntityAccess', salesforce: true, agrees: true });
    expect(findingOf(v, 'Contact: delete').status).to.equal('fail');
    expect(findingOf(v, 'Contact: delete').crossCheck).to.deep.equal({ source: 'UserEntityAccess', salesforce: false, agrees: true });
    expect(findingOf(v, 'Contact.Email: edit').crossCheck).to.deep.equal({ source: 'UserFieldAccess', salesforce: true, agrees: true });
    expect(v.crossCheck).to.deep.equal({ status: 'done', compared: 5, disagreements: 0 });
    expect(v.passed).to.equal(false);
  });

  it('a granted item Salesforce says the user lacks becomes a warning naming both verdicts', () => {
    const v = verdictWith({ ...agreeing, objects: { Contact: { read: true, create: false, edit: false, delete: false } } });
    const f = findingOf(v, 'Contact: edit');
    expect(f.status).to.equal('warn');
    expect(f.grantedBy.map((g) => g.name)).to.deep.equal(['Contact_Editor']);
    expect(f.message).to.match(/Contact_Editor/).and.match(/UserEntityAccess says the user cannot edit Contact records/);
    expect(f.fix).to.include(`Setup > Users > ${USER} > View Summary`);
    expect(f.crossCheck).to.deep.equal({ source: 'UserEntityAccess', salesforce: false, agrees: false });
    expect(v.crossCheck).to.deep.equal({ status: 'done', compared: 5, disagreements: 1 });
    expectWellFormed(v);
  });

  it('a missing item Salesforce says the user has becomes a warning, not a failure (nothing to grant)', () => {
    const v = verdictWith({ ...agreeing, objects: { Contact: { read: true, create: false, edit: true, delete: true } } });
    const f = findingOf(v, 'Contact: delete');
    expect(f.status).to.equal('warn');
    expect(f.message).to.match(/^Salesforce's UserEntityAccess says the user can delete Contact records, but no profile, permission set or group/);
    expect(v.passed, 'no other failure: the user passes').to.equal(true);
    expectWellFormed(v);
  });

  it('field edit is met when Salesforce lets the user create or update the field; read follows IsAccessible', () => {
    const createOnly = verdictWith({ ...agreeing, fields: { ...agreeing.fields, 'Contact.Email': { read: true, edit: false, create: true } } });
    expect(findingOf(createOnly, 'Contact.Email: edit').crossCheck?.agrees).to.equal(true);
    const notAccessible = verdictWith({ ...agreeing, fields: { ...agreeing.fields, 'Contact.Phone': { read: false, edit: false, create: false } } });
    const f = findingOf(notAccessible, 'Contact.Phone: read');
    expect(f.status).to.equal('warn');
    expect(f.message).to.include('UserFieldAccess says the user cannot read Contact.Phone');
  });

  it('items without a Salesforce verdict are not compared (never a disagreement)', () => {
    const v = verdictWith({ status: 'done', objects: {}, fields: { 'Contact.Phone': { read: true, edit: false, create: false } } });
    expect(findingOf(v, 'Contact: read').crossCheck).to.equal(undefined);
    expect(findingOf(v, 'Contact.Phone: read').crossCheck?.agrees).to.equal(true);
    expect(v.crossCheck).to.deep.equal({ status: 'done', compared: 1, disagreements: 0 });
  });

  it('a cross-check that was not done says why and changes nothing', () => {
    const plain = verdictWith(undefined);
    const v = verdictWith({ status: 'notDone', reason: 'not done: Salesforce refused the query (INVALID_TYPE: …)' });
    expect(v.findings).to.deep.equal(plain.findings);
    expect(v.crossCheck).to.deep.equal({ status: 'notDone', reason: 'not done: Salesforce refused the query (INVALID_TYPE: …)', compared: 0, disagreements: 0 });
    expect(plain.crossCheck).to.equal(undefined);
  });

  it('an object the org does not have stays an error: errors are not cross-checked', () => {
    const o = org();
    o.snapshot.objects.Contact = null;
    const v = evaluateUser(requirements, o.snapshot, { ...o.user(USER), crossCheck: agreeing });
    expect(v.findings.filter((f) => f.kind === 'object').map((f) => [f.status, f.crossCheck])).to.deep.equal([['error', undefined]]);
  });
});
