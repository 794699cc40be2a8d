import { expect } from 'chai';
import { assembleCrossChecks, crossCheckQueries, CROSS_CHECK_MAX_USERS } from '../../../src/snapshot/crossCheck.js';
import { makeRequirements } from '../../fixtures/snapshots/requirements.js';

const U1 = '005000000000001AAA';
const U2 = '005000000000002AAA';
// EntityDefinition rows as round trip 1 reads them: a standard object's DurableId is its name, a custom object's an Id
const entities = [
  { DurableId: 'Contact', QualifiedApiName: 'Contact' },
  { DurableId: '01I000000000001', QualifiedApiName: 'Vendor_Sync__c' },
];
const particles = [
  { DurableId: 'Contact.Email', QualifiedApiName: 'Email', EntityDefinition: { QualifiedApiName: 'Contact' } },
  { DurableId: '01I000000000001.00N000000000001', QualifiedApiName: 'External_Id__c', EntityDefinition: { QualifiedApiName: 'Vendor_Sync__c' } },
];
const requirements = makeRequirements({
  // eslint-disable-next-line camelcase
  objects: { Contact: { access: ['read'], fields: { edit: ['Email'] } }, Vendor_Sync__c: { access: ['create'], fields: { read: ['External_Id__c'] } }, Lead: { access: ['read'] } },
});

describe('snapshot: the cross-check queries and their answers', () => {
  it('asks UserEntityAccess and UserFieldAccess per user, by EntityDefinitionId, for objects the org has; UserFieldAccess only for the fields asked', () => {
    const plan = crossCheckQueries(requirements, [U1], entities, particles);
    const rows = ['Contact.Email', '01I000000000001.00N000000000001'];
    const rowIds = [...rows.map((d) => `'${d}.${U1}'`), ...rows.map((d) => `'${d}.${U1.slice(0, 15)}'`)].join(',');
    expect(plan.reason).to.equal(undefined);
    expect(plan.queries.map((q) => q.soql)).to.deep.equal([
      `SELECT DurableId, EntityDefinitionId, IsReadable, IsCreatable, IsEditable, IsDeletable FROM UserEntityAccess WHERE UserId = '${U1}' AND EntityDefinitionId IN ('Contact','01I000000000001')`,
      `SELECT DurableId, EntityDefinitionId, IsAccessible, IsUpdatable, IsCreatable FROM UserFieldAccess WHERE UserId = '${U1}' AND EntityDefinitionId IN ('Contact','01I000000000001') AND DurableId IN (${rowIds})`,
    ]);
    expect(plan.queries.every((q) => q.bestEffort === true), 'a refusal must not fail the check').to.equal(true);
  });

  it(`is not done for more than ${CROSS_CHECK_MAX_USERS} users (one user per query), and says so for each`, () => {
    const ids = [U1, U2, '005000000000003AAA'];
    const plan = crossCheckQueries(requirements, ids, entities);
    expect(plan.queries).to.deep.equal([]);
    const checks = assembleCrossChecks(plan, ids, new Map(), new Map(), new Map());
    expect([...checks.values()].map((c) => c.status)).to.deep.equal(['notDone', 'notDone', 'notDone']);
    expect(checks.get(U1)).to.have.property('reason').that.match(/more than 2 users \(this check has 3\)/);
  });

  it('nothing to cross-check without object or field requirements', () => {
    const plan = crossCheckQueries(makeRequirements({ systemPermissions: ['ApiEnabled'] }), [U1], entities);
    expect(plan).to.deep.equal({ queries: [] });
    expect(assembleCrossChecks(plan, [U1], new Map(), new Map(), new Map()).size).to.equal(0);
  });

  it('maps rows back to objects and Object.Field, also for custom objects and 15-character user suffixes', () => {
    const plan = crossCheckQueries(requirements, [U1, U2], entities, particles);
    const r1 = new Map<string, Array<Record<string, unknown>>>([['entities', entities], ['particles', particles]]);
    const r2 = new Map<string, Array<Record<string, unknown>>>([
      [`crossCheckObjects:${U1}`, [
        { DurableId: `Contact.${U1}`, EntityDefinitionId: 'Contact', IsReadable: true, IsCreatable: false, IsEditable: false, IsDeletable: false },
        { DurableId: `01I000000000001.${U1}`, EntityDefinitionId: '01I000000000001', IsReadable: true, IsCreatable: true, IsEditable: true, IsDeletable: false },
      ]],
      [`crossCheckFields:${U1}`, [
        { DurableId: `Contact.Email.${U1.slice(0, 15)}`, EntityDefinitionId: 'Contact', IsAccessible: true, IsUpdatable: false, IsCreatable: true },
        { DurableId: `01I000000000001.00N000000000001.${U1}`, EntityDefinitionId: '01I000000000001', IsAccessible: false, IsUpdatable: false, IsCreatable: false },
        { DurableId: `Contact.Phone.${U1}`, EntityDefinitionId: 'Contact', IsAccessible: true, IsUpdatable: true, IsCreatable: true },
        { DurableId: 'Contact.Fax.someoneElse', EntityDefinitionId: 'Contact', IsAccessible: true, IsUpdatable: true, IsCreatable: true },
      ]],
    ]);
    const errors = new Map([[`crossCheckFields:${U2}`, "INVALID_TYPE: sObject type 'UserFieldAccess' is not supported."]]);
    const checks = assembleCrossChecks(plan, [U1, U2], r1, r2, errors);
    expect(checks.get(U1)).to.deep.equal({
      status: 'done',
      objects: {
        Contact: { read: true, create: false, edit: false, delete: false },
        // eslint-disable-next-line camelcase
        Vendor_Sync__c: { read: true, create: true, edit: true, delete: false },
      },
      // only the fields the manifest names (round trip 1's particles) get a verdict
      fields: {
        'Contact.Email': { read: true, edit: false, create: true },
        'Vendor_Sync__c.External_Id__c': { read: false, edit: false, create: false },
      },
    });
    expect(checks.get(U2)).to.deep.equal({ status: 'notDone', reason: "not done: Salesforce refused the query (INVALID_TYPE: sObject type 'UserFieldAccess' is not supported.)" });
  });
});

describe('snapshot: shortMessage (a Salesforce error without the echoed query)', () => {
  it('keeps the first sentence of the last line of a SOQL error', async () => {
    const { shortMessage } = await import('../../../src/snapshot/batch.js');
    const soqlError =
      "SELECT DurableId FROM UserEntityAccess WHERE UserId = '005'\n                     ^\nERROR at Row:1:Column:22\nsObject type 'UserEntityAccess' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.";
    expect(shortMessage(soqlError)).to.equal("sObject type 'UserEntityAccess' is not supported.");
    expect(shortMessage('Disjunctions not supported')).to.equal('Disjunctions not supported');
    expect(shortMessage('x'.repeat(300))).to.have.length(200);
  });
});
