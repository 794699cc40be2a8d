import { expect } from 'chai';
import fc from 'fast-check';
import { evaluate } from '../../../src/evaluation/index.js';
import { buildReport, exitCodeOf, summarize } from '../../../src/report/index.js';
import type { FindingKind, UserVerdict } from '../../../src/evaluation/index.js';
import type { ObjectAccess, Requirements } from '../../../src/requirements/types.js';
import { OBJECT_ACCESS } from '../../../src/requirements/types.js';
import type { AppPolicies, OrgSnapshot } from '../../../src/snapshot/types.js';
import { BuiltOrg, MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR, buildSnapshot } from '../../fixtures/snapshots/builder.js';
import { makeRequirements } from '../../fixtures/snapshots/requirements.js';
import { expectWellFormed, findingOf } from './helpers.js';

const ADMIN = 'admin@acme.example';
const SYNC = 'crankwheel@acme.example';

/** CrankWheel's document (seeds/002): API + refresh token, Edit Events, Contact/Lead/Account/Opportunity read, Event fields. */
const crankwheel = makeRequirements({
  name: 'crankwheel',
  licenses: ['Salesforce'],
  forbiddenPermissions: ['ApiUserOnly'],
  systemPermissions: ['ApiEnabled', ['CanApproveUninstalledApps', 'UseAnyApiClient'], 'EditEvent'],
  oauth: { scopes: ['api', 'refresh_token'], refreshTokenPolicy: 'infinite' },
  objects: {
    Contact: { access: ['read'], fields: { read: ['Name', 'Email', 'Phone', 'MobilePhone', 'HomePhone'] } },
    Account: { access: ['read'], visibility: 'all', fields: { read: ['Name', 'Phone', 'PersonEmail?', 'PersonMobilePhone?'] } },
    Lead: { access: ['read'], fields: { read: ['Name', 'Email', 'Phone', 'MobilePhone', 'HomePhone?'] } },
    Opportunity: { access: ['read'], fields: { read: ['AccountId'] } },
    User: { access: ['read'] },
    Event: { access: ['create', 'edit'], fields: { read: ['Subject', 'Description', 'StartDateTime', 'EndDateTime', 'OwnerId', 'Location', 'WhoId', 'WhatId'] } },
  },
});

/** A least-privilege set for CrankWheel, written as an admin would. */
const CRANKWHEEL_SET = {
  name: 'CrankWheel_Integration',
  systemPermissions: ['CanApproveUninstalledApps', 'EditEvent'],
  objectPermissions: { Contact: ['read' as const], Account: ['read' as const, 'viewAll' as const], Lead: ['read' as const], Opportunity: ['read' as const] },
  fieldPermissions: {
    'Contact.Email': 'read' as const,
    'Contact.Phone': 'read' as const,
    'Contact.MobilePhone': 'read' as const,
    'Contact.HomePhone': 'read' as const,
    'Account.Phone': 'read' as const,
    'Lead.Email': 'read' as const,
    'Lead.Phone': 'read' as const,
    'Lead.MobilePhone': 'read' as const,
    'Opportunity.AccountId': 'read' as const,
    'Event.Description': 'read' as const,
    'Event.Location': 'read' as const,
    'Event.WhoId': 'read' as const,
    'Event.WhatId': 'read' as const,
  },
};

const crankwheelOrg = (): BuiltOrg =>
  buildSnapshot({
    profiles: [SYSTEM_ADMINISTRATOR, MINIMUM_ACCESS],
    permissionSets: [CRANKWHEEL_SET],
    users: [
      { username: ADMIN, profile: SYSTEM_ADMINISTRATOR.name },
      { username: SYNC, profile: MINIMUM_ACCESS.name, permissionSets: ['CrankWheel_Integration'] },
    ],
    app: { name: 'CrankWheel', kind: 'connectedApp', installed: false, scopes: [] },
  });

const verdictFor = (verdicts: UserVerdict[], username: string): UserVerdict => {
  const v = verdicts.find((x) => x.username === username);
  if (!v) throw new Error(`no verdict for ${username}`);
  return v;
};

describe('evaluate: CrankWheel on a realistic org', () => {
  const verdicts = evaluate(crankwheel, crankwheelOrg().snapshot);

  it('returns one verdict per user', () => {
    expect(verdicts.map((v) => v.username)).to.deep.equal([ADMIN, SYNC]);
  });

  it('the least-privilege integration user passes', () => {
    const v = verdictFor(verdicts, SYNC);
    const problems = v.findings.filter((f) => f.status === 'fail' || f.status === 'error').map((f) => `${f.requirement}: ${f.message}`);
    expect(problems).to.deep.equal([]);
    expect(v.passed).to.equal(true);
    expectWellFormed(v);
    // fields the real Lead describe lacks are optional and skipped; the rest are granted
    expect(findingOf(v, 'Lead.HomePhone?: read').status).to.equal('skip');
    expect(findingOf(v, 'Event.StartDateTime: read').message).to.contain('not permissionable');
  });

  it('the System Administrator fails on field-level security and the uninstalled app, and is warned about over-granting', () => {
    const v = verdictFor(verdicts, ADMIN);
    expect(v.passed).to.equal(false);
    expect(findingOf(v, 'Contact.Email: read').status).to.equal('fail');
    expect(findingOf(v, 'oauth app CrankWheel: authorize uninstalled app').status).to.equal('fail');
    expect(v.findings.filter((f) => f.kind === 'overGrant').length).to.be.greaterThan(0);
    expectWellFormed(v);
  });

  it('orders findings: org, user status, licences, permission sets, system permissions, forbidden, oauth, objects, over-grant', () => {
    const order: FindingKind[] = ['org', 'userStatus', 'license', 'permissionSetLicense', 'permissionSet', 'systemPermission', 'forbiddenPermission', 'oauth', 'object', 'overGrant'];
    const rank = (k: FindingKind): number => order.indexOf(k === 'visibility' || k === 'field' ? 'object' : k);
    for (const v of verdicts) {
      const ranks = v.findings.map((f) => rank(f.kind));
      expect(ranks, v.username).to.deep.equal([...ranks].sort((a, b) => a - b));
    }
  });

  it('keeps objects in manifest order, each with its visibility and fields', () => {
    const v = verdictFor(verdicts, SYNC);
    const objectOrder = v.findings
      .filter((f) => f.kind === 'object' || f.kind === 'visibility' || f.kind === 'field')
      .map((f) => f.requirement.split(/[.:]/)[0])
      .filter((o, i, all) => all.indexOf(o) === i);
    expect(objectOrder).to.deep.equal(['Contact', 'Account', 'Lead', 'Opportunity', 'User', 'Event']);
    const account = v.findings.filter((f) => f.requirement.startsWith('Account')).map((f) => f.kind);
    expect(account).to.deep.equal(['object', 'visibility', 'field', 'field', 'field', 'field']);
  });
});

describe('summarize and exitCodeOf', () => {
  const org = crankwheelOrg();
  const verdicts = evaluate(crankwheel, org.snapshot);
  const exitCodeFor = (v: UserVerdict[]): 0 | 3 => exitCodeOf(buildReport(crankwheel, org.snapshot, v));

  it('counts findings by status over all users', () => {
    const all = verdicts.flatMap((v) => v.findings);
    expect(summarize(verdicts)).to.deep.equal({
      passed: all.filter((f) => f.status === 'pass').length,
      failed: all.filter((f) => f.status === 'fail').length,
      warnings: all.filter((f) => f.status === 'warn').length,
      skipped: all.filter((f) => f.status === 'skip').length,
      errors: all.filter((f) => f.status === 'error').length,
    });
    expect(summarize([])).to.deep.equal({ passed: 0, failed: 0, warnings: 0, skipped: 0, errors: 0 });
  });

  it('exits 3 when any user fails, 0 when all pass (warnings allowed)', () => {
    expect(exitCodeFor(verdicts)).to.equal(3);
    const sync = verdictFor(verdicts, SYNC);
    expect(sync.findings.some((f) => f.status === 'warn')).to.equal(true);
    expect(exitCodeFor([sync])).to.equal(0);
    expect(exitCodeFor([])).to.equal(0);
  });

  it('an error alone (impossible in the org) also exits 3', () => {
    const o = buildSnapshot({ profiles: [MINIMUM_ACCESS], users: [{ username: SYNC, profile: MINIMUM_ACCESS.name }], absentObjects: ['Incident'] });
    const v = evaluate(makeRequirements({ systemPermissions: ['ApiEnabled'], objects: { Incident: { access: ['read'] } } }), o.snapshot);
    expect(v[0].findings.filter((f) => f.status === 'fail')).to.deep.equal([]);
    expect(v[0].passed).to.equal(false);
    expect(exitCodeOf(buildReport(makeRequirements({ systemPermissions: ['ApiEnabled'] }), o.snapshot, v))).to.equal(3);
  });
});

describe('evaluate never throws', () => {
  it('on a snapshot with missing maps and unknown ids', () => {
    const snapshot = {
      org: { id: '', name: '', edition: '', isSandbox: false, instanceUrl: '', apiVersion: '' },
      users: [
        {
          id: '005',
          username: 'x@y.z',
          email: '',
          name: '',
          isActive: true,
          isFrozen: false,
          profileName: '',
          userLicense: '',
          permissionSetIds: ['nope'],
          permissionSetLicenses: [],
          oauthTokens: [],
          requestedAs: '',
        },
      ],
    } as unknown as OrgSnapshot;
    const verdicts = evaluate(crankwheel, snapshot);
    expect(verdicts).to.have.length(1);
    expect(verdicts[0].findings.length).to.be.greaterThan(0);
  });

  it('on generated requirements and snapshots', () => {
    const objects = ['Account', 'Contact', 'Lead', 'Event', 'Task', 'User', 'CaseComment', 'Incident', 'Foo__c'];
    const permissions = ['ApiEnabled', 'ModifyAllData', 'ViewAllData', 'EditEvent', 'CanApproveUninstalledApps', 'UseAnyApiClient', 'ApiX'];
    const base = buildSnapshot({
      profiles: [SYSTEM_ADMINISTRATOR, MINIMUM_ACCESS],
      permissionSets: [{ name: 'S', sessionBased: true, systemPermissions: ['EditEvent'] }, { name: 'M', systemPermissions: ['ModifyAllData'] }],
      groups: [{ name: 'G', members: ['M'], muting: { name: 'G_Muting', systemPermissions: ['ModifyAllData'] } }],
      users: [
        { username: ADMIN, profile: SYSTEM_ADMINISTRATOR.name },
        { username: SYNC, profile: MINIMUM_ACCESS.name, permissionSets: ['S'], groups: ['G'] },
      ],
    }).snapshot;
    const nameSpec = fc.oneof(fc.constantFrom(...permissions), fc.array(fc.constantFrom(...permissions), { minLength: 1, maxLength: 3 }));
    const objectSpec = fc.record(
      {
        access: fc.array(fc.constantFrom<ObjectAccess>(...OBJECT_ACCESS), { maxLength: 3 }),
        visibility: fc.constant('all' as const),
        fields: fc.record({ read: fc.array(fc.constantFrom('Name', 'Email', 'Id', 'Subject', 'Nope', 'PersonEmail?'), { maxLength: 3 }) }),
      },
      { requiredKeys: [] }
    );
    const app = fc.option(
      fc.record({
        name: fc.constant('App'),
        kind: fc.constantFrom<AppPolicies['kind']>('connectedApp', 'externalClientApp'),
        installed: fc.boolean(),
        scopes: fc.array(fc.constantFrom('api', 'full', 'offline_access', 'id', 'Bogus')),
        permittedUsers: fc.constantFrom<AppPolicies['permittedUsers']>('any', 'adminApproved', undefined),
      }),
      { nil: null }
    );
    fc.assert(
      fc.property(
        fc.array(nameSpec, { maxLength: 4 }),
        fc.dictionary(fc.constantFrom(...objects), objectSpec, { maxKeys: 4 }),
        fc.option(app, { nil: undefined }),
        fc.dictionary(fc.constantFrom(...objects), fc.constantFrom(null, undefined), { maxKeys: 3 }),
        (systemPermissions, objectSpecs, maybeApp, objectOverrides) => {
          const requirements: Requirements = makeRequirements({
            systemPermissions,
            forbiddenPermissions: ['ApiUserOnly', 'ModifyAllData'],
            objects: objectSpecs,
            oauth: { scopes: ['api', 'refresh_token'], ipRelaxation: 'relaxed', permittedUsers: 'adminApproved', refreshTokenPolicy: 'infinite' },
          });
          const objectsMap = { ...base.objects } as Record<string, OrgSnapshot['objects'][string] | undefined>;
          for (const [o, v] of Object.entries(objectOverrides)) {
            if (v === undefined) delete objectsMap[o];
            else objectsMap[o] = v;
          }
          const snapshot: OrgSnapshot = { ...base, objects: objectsMap as OrgSnapshot['objects'], ...(maybeApp === undefined ? {} : { app: maybeApp }) };
          const verdicts = evaluate(requirements, snapshot);
          expect(verdicts).to.have.length(2);
          for (const v of verdicts) {
            expectWellFormed(v);
            expect(v.findings.some((f) => f.message.startsWith('could not evaluate'))).to.equal(false);
            expect(v.passed).to.equal(!v.findings.some((f) => f.status === 'fail' || f.status === 'error'));
          }
        }
      ),
      { numRuns: 200 }
    );
  });
});
