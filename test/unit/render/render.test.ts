import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import type { Finding, UserVerdict } from '../../../src/evaluation/types.js';
import { buildReport, CheckReport, exitCodeOf } from '../../../src/report/index.js';
import { renderHuman } from '../../../src/render/human.js';
import { renderJunit } from '../../../src/render/junit.js';
import { renderMarkdown } from '../../../src/render/markdown.js';

const finding = (over: Partial<Finding>): Finding => ({
  kind: 'systemPermission',
  requirement: 'ApiEnabled (API Enabled)',
  path: 'systemPermissions[0]',
  status: 'pass',
  grantedBy: [{ kind: 'Profile', name: 'Sales Agent' }],
  message: 'granted',
  ...over,
});

const verdicts: UserVerdict[] = [
  {
    username: 'agent@acme.example',
    id: '005000000000001AAA',
    passed: false,
    findings: [
      finding({}),
      finding({
        kind: 'systemPermission',
        requirement: 'EditEvent (Edit Events)',
        path: 'systemPermissions[2]',
        status: 'fail',
        grantedBy: [],
        message: 'not granted by the profile or any permission set',
        fix: 'Add Edit Events to a permission set assigned to the user',
      }),
      finding({ kind: 'field', requirement: 'Lead.HomePhone: read', path: 'objects.Lead.fields.read[3]', status: 'skip', grantedBy: [], message: 'optional field not in this org' }),
      finding({ kind: 'visibility', requirement: 'Account: visibility all', path: 'objects.Account.visibility', status: 'warn', grantedBy: [], message: 'Account sharing is Private', fix: 'Grant View All on Account' }),
    ],
  },
  {
    username: 'admin@acme.example',
    id: '005000000000002AAA',
    passed: true,
    findings: [finding({ grantedBy: [{ kind: 'PermissionSetGroup', name: 'Sales_Ops', via: 'Sales_Base' }] })],
  },
];

const report = (): CheckReport =>
  buildReport(
    {
      name: 'crankwheel',
      label: 'CrankWheel',
      origin: 'preset:crankwheel',
      features: [],
      user: { licenses: [], permissionSetLicenses: [], permissionSets: [], forbiddenPermissions: [] },
      systemPermissions: [],
      objects: [],
    },
    {
      org: { id: '00D000000000001AAA', name: 'Acme', edition: 'Enterprise Edition', isSandbox: false, instanceUrl: 'http://127.0.0.1:1', apiVersion: '62.0' },
      users: [],
      unresolvedUsers: [{ input: 'ghost@acme.example', reason: 'notFound', candidates: [] }],
      permissionSets: {},
      availablePermissions: [],
      objects: {},
      permissionSetLicenses: {},
      permissionDependencies: {},
    },
    verdicts
  );

describe('check report', () => {
  it('counts findings by status across users', () => {
    expect(report().summary).to.deep.equal({ passed: 2, failed: 1, warnings: 1, skipped: 1, errors: 0 });
  });

  it('exits 3 when a user fails or a requested user is not found, 0 otherwise', () => {
    expect(exitCodeOf(report())).to.equal(3);
    const allPass = { ...report(), users: [verdicts[1]], unresolvedUsers: [] };
    expect(exitCodeOf(allPass)).to.equal(0);
  });
});

describe('human rendering', () => {
  it('lists failures and warnings with their fix, hides passes and skips unless verbose', () => {
    const text = renderHuman(report());
    expect(text).to.include('EditEvent (Edit Events)');
    expect(text).to.include('fix: Add Edit Events to a permission set assigned to the user');
    expect(text).to.include('Account sharing is Private');
    expect(text).not.to.include('granted by Profile: Sales Agent');
    expect(text).not.to.include('Lead.HomePhone');
    expect(text).to.include('PRODUCTION');
    expect(text).to.match(/FAIL {2}ghost@acme\.example {2}no such user/);
  });

  it('shows what grants each item with --verbose, naming the group member', () => {
    const text = renderHuman(report(), { verbose: true });
    expect(text).to.include('granted by Profile: Sales Agent');
    expect(text).to.include('PermissionSetGroup: Sales_Ops (via Sales_Base)');
  });
});

describe('JUnit rendering', () => {
  it('gives one test case per finding per user, failures carrying the fix', () => {
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(renderJunit(report())) as {
      testsuites: { '@_tests': string; '@_failures': string; '@_errors': string; testsuite: Array<{ testcase: unknown }> };
    };
    expect(parsed.testsuites['@_tests']).to.equal('6'); // 4 + 1 findings + 1 unresolved user
    expect(parsed.testsuites['@_failures']).to.equal('1');
    expect(parsed.testsuites['@_errors']).to.equal('1');
    const xml = renderJunit(report());
    expect(xml).to.include('message="Add Edit Events to a permission set assigned to the user"');
    expect(xml).to.include('<skipped message="optional field not in this org"');
  });
});

describe('Markdown rendering', () => {
  it('summarises users in a table and escapes pipes', () => {
    const r = report();
    r.users[0].findings[1].message = 'a | b';
    const md = renderMarkdown(r);
    expect(md).to.include('| agent@acme.example | ❌ fail | 1 | 1 | 0 | 1 |');
    expect(md).to.include('a \\| b');
  });
});
