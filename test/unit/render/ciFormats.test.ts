/*
 * The CI formats, validated against published schemas: JUnit XML (Jenkins xUnit junit-10.xsd) with the
 * suite attributes CI dashboards read, and SARIF 2.1.0 (OASIS schema) with every result at the line of the
 * manifest entry that asked for the item.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import type { Finding, UserVerdict } from '../../../src/evaluation/types.js';
import { buildReport, type CheckReport } from '../../../src/render/report.js';
import { renderJunit } from '../../../src/render/junit.js';
import { manifestSource, renderSarif } from '../../../src/render/sarif.js';
import { checkResultOf, compareWithBaseline } from '../../../src/drift/index.js';
import { REPO_ROOT } from '../../sharedFixtures.js';
import { validateJunit, validateSarif } from './ciSchemas.js';

const MANIFEST = join('test', 'fixtures', 'manifests', 'design-example.yaml');
const MANIFEST_JSON = join('test', 'fixtures', 'manifests', 'design-example.json');

const finding = (over: Partial<Finding>): Finding => ({
  kind: 'systemPermission',
  requirement: 'ApiEnabled (API Enabled)',
  path: 'systemPermissions[0]',
  status: 'pass',
  grantedBy: [{ kind: 'Profile', name: 'Sales Agent' }],
  message: 'granted',
  ...over,
});

const verdicts = (): UserVerdict[] => [
  {
    username: 'agent@acme.example',
    id: '005000000000001AAA',
    passed: false,
    findings: [
      finding({}),
      finding({ requirement: 'EditEvent (Edit Events)', path: 'systemPermissions[2]', status: 'fail', grantedBy: [], message: 'nothing grants EditEvent', fix: 'Add EditEvent' }),
      finding({ kind: 'field', requirement: 'Contact.MobilePhone: read', path: 'objects.Contact.fields.read[3]', status: 'fail', grantedBy: [], message: 'no field permission', fix: 'Enable FLS' }),
      finding({ kind: 'visibility', requirement: 'Account: visibility all', path: 'objects.Account.visibility', status: 'warn', grantedBy: [], message: 'Account sharing is Private' }),
      finding({ kind: 'oauth', requirement: 'oauth.refreshTokenPolicy', path: 'oauth.refreshTokenPolicy', status: 'error', grantedBy: [], message: 'the app is not installed' }),
      finding({ kind: 'field', requirement: 'Account.PersonEmail: read', path: 'objects.Account.fields.read[0]', status: 'skip', grantedBy: [], message: 'optional field not in this org' }),
      finding({ kind: 'systemPermission', requirement: 'ModifyMetadata', path: 'features.subscribe-actions.systemPermissions[0]', status: 'fail', grantedBy: [], message: 'nothing grants it', feature: 'subscribe-actions' }),
    ],
  },
];

const report = (origin: string): CheckReport =>
  buildReport(
    { name: 'crankwheel', label: 'CrankWheel', origin, features: ['subscribe-actions'], user: { licenses: [], permissionSetLicenses: [], permissionSets: [], forbiddenPermissions: [] }, systemPermissions: [], objects: [] },
    {
      org: { id: '00D000000000001AAA', name: 'Acme', edition: 'Enterprise Edition', isSandbox: false, instanceUrl: 'http://127.0.0.1:1', apiVersion: '62.0' },
      users: [],
      unresolvedUsers: [{ input: 'gone@acme.example', reason: 'notFound', candidates: [] }],
      permissionSets: {},
      availablePermissions: [],
      objects: {},
      permissionSetLicenses: {},
      permissionDependencies: {},
    } as unknown as Parameters<typeof buildReport>[1],
    verdicts()
  );

/** 1-based line of the first line of `file` matching `pattern` (found here by text, not by the renderer's parser). */
const lineOf = (file: string, pattern: RegExp, after = 0): number => {
  const lines = readFileSync(join(REPO_ROOT, file), 'utf8').split('\n');
  const index = lines.findIndex((l, i) => i >= after && pattern.test(l));
  expect(index, `${String(pattern)} in ${file}`).to.be.greaterThan(-1);
  return index + 1;
};

type Sarif = {
  runs: Array<{
    tool: { driver: { rules: Array<{ id: string }> } };
    originalUriBaseIds?: Record<string, { uri: string }>;
    results: Array<{
      ruleId: string;
      level: string;
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string; uriBaseId?: string }; region: { startLine: number; startColumn?: number } } }>;
      properties: { manifestPath: string; user: string };
    }>;
  }>;
};

describe('JUnit XML for CI', () => {
  const startedAt = new Date('2026-12-06T10:30:05.250Z');
  const finishedAt = new Date('2026-12-06T10:30:07.750Z');
  const xml = (): string => renderJunit(report('preset:crankwheel'), { startedAt, finishedAt, hostname: 'ci-runner-7' });

  it('is valid against the published JUnit schema (Jenkins xUnit junit-10.xsd)', async () => {
    const verdict = await validateJunit(xml());
    expect(verdict.errors).to.deep.equal([]);
    expect(verdict.valid).to.equal(true);
  });

  it('the schema check can fail: a testsuite without its required tests attribute is rejected', async () => {
    const broken = xml().replace(/ tests="\d+"/g, '');
    expect((await validateJunit(broken)).valid).to.equal(false);
  });

  it('each testsuite has timestamp (Ant format, UTC), time (seconds) and hostname, and properties naming the org', () => {
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml()) as {
      testsuites: { '@_time': string; testsuite: Array<Record<string, unknown> & { properties: { property: Array<{ '@_name': string; '@_value': string }> } }> };
    };
    const suites = parsed.testsuites.testsuite;
    expect(suites).to.have.length(2); // the agent and the unresolved user
    for (const suite of suites) {
      expect(suite['@_timestamp']).to.equal('2026-12-06T10:30:05');
      expect(suite['@_timestamp']).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      expect(suite['@_time']).to.equal('2.500');
      expect(suite['@_hostname']).to.equal('ci-runner-7');
      expect(suite.properties.property).to.deep.include({ '@_name': 'org', '@_value': 'Acme (00D000000000001AAA)' });
    }
    expect(parsed.testsuites['@_time']).to.equal('2.500');
  });

  it('defaults: timestamp now, this host', () => {
    const before = Date.now();
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(renderJunit(report('preset:crankwheel'))) as { testsuites: { testsuite: Array<Record<string, string>> } };
    const stamp = Date.parse(`${parsed.testsuites.testsuite[0]['@_timestamp']}Z`);
    expect(stamp).to.be.within(before - 1000, Date.now());
    expect(parsed.testsuites.testsuite[0]['@_hostname']).to.be.a('string').and.not.equal('');
  });

  it('classname is integration.user.kind: three levels when split at dots (dots in a name become "_")', () => {
    const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml()) as { testsuites: { testsuite: Array<{ testcase: Array<Record<string, string>> | Record<string, string> }> } };
    const cases = ([] as Array<Record<string, string>>).concat(...parsed.testsuites.testsuite.map((s) => ([] as Array<Record<string, string>>).concat(s.testcase)));
    const names = new Set(cases.map((c) => c['@_classname']));
    expect([...names]).to.include.members(['crankwheel.agent@acme_example.systemPermission', 'crankwheel.agent@acme_example.field', 'crankwheel.gone@acme_example.user']);
    for (const name of names) expect(name.split('.'), name).to.have.length(3);
  });
});

describe('SARIF 2.1.0 for code scanning', () => {
  it('is valid against the OASIS SARIF 2.1.0 schema', () => {
    const log = JSON.parse(renderSarif(report(MANIFEST), manifestSource(MANIFEST, REPO_ROOT))) as unknown;
    const verdict = validateSarif(log);
    expect(verdict.errors).to.deep.equal([]);
    expect(verdict.valid).to.equal(true);
  });

  it('the schema check can fail: a result without a message, and a log without version, are rejected', () => {
    const log = JSON.parse(renderSarif(report(MANIFEST), manifestSource(MANIFEST, REPO_ROOT))) as Sarif & { version?: string };
    delete (log.runs[0].results[0] as { message?: unknown }).message;
    expect(validateSarif(log).valid).to.equal(false);
    const noVersion = JSON.parse(renderSarif(report(MANIFEST), manifestSource(MANIFEST, REPO_ROOT))) as { version?: string };
    delete noVersion.version;
    expect(validateSarif(noVersion).valid).to.equal(false);
  });

  it('one result per failing, impossible or warned item, at the manifest line and column that asked for it', () => {
    const log = JSON.parse(renderSarif(report(MANIFEST), manifestSource(MANIFEST, REPO_ROOT))) as Sarif;
    const results = log.runs[0].results;
    expect(results.map((r) => r.properties.manifestPath)).to.deep.equal([
      'systemPermissions[2]',
      'objects.Contact.fields.read[3]',
      'objects.Account.visibility',
      'oauth.refreshTokenPolicy',
      'features.subscribe-actions.systemPermissions[0]',
    ]);
    const at = (path: string): { startLine: number; startColumn?: number } => results.find((r) => r.properties.manifestPath === path)!.locations[0].physicalLocation.region;
    expect(at('systemPermissions[2]')).to.deep.equal({ startLine: lineOf(MANIFEST, /^ {2}- Edit Events/), startColumn: 5 });
    const contact = lineOf(MANIFEST, /^ {2}Contact:/);
    const readLine = lineOf(MANIFEST, /^ {6}read: \[Name, Email, Phone, MobilePhone/, contact);
    const readText = readFileSync(join(REPO_ROOT, MANIFEST), 'utf8').split('\n')[readLine - 1];
    expect(at('objects.Contact.fields.read[3]')).to.deep.equal({ startLine: readLine, startColumn: readText.indexOf('MobilePhone') + 1 });
    expect(at('objects.Account.visibility').startLine).to.equal(lineOf(MANIFEST, /^ {4}visibility: all/));
    expect(at('oauth.refreshTokenPolicy').startLine).to.equal(lineOf(MANIFEST, /^ {2}refreshTokenPolicy: infinite/));
    expect(at('features.subscribe-actions.systemPermissions[0]').startLine).to.equal(lineOf(MANIFEST, /systemPermissions: \[ModifyMetadata/, 30));
  });

  it('levels, rule ids per requirement kind, the manifest as a relative artifact location', () => {
    const log = JSON.parse(renderSarif(report(MANIFEST), manifestSource(MANIFEST, REPO_ROOT))) as Sarif;
    const run = log.runs[0];
    expect(run.tool.driver.rules.map((r) => r.id)).to.deep.equal(['field', 'oauth', 'systemPermission', 'visibility']);
    expect(run.results.map((r) => `${r.ruleId}:${r.level}`)).to.deep.equal(['systemPermission:error', 'field:error', 'visibility:warning', 'oauth:error', 'systemPermission:error']);
    for (const r of run.results) {
      expect(r.locations[0].physicalLocation.artifactLocation).to.deep.include({ uri: 'test/fixtures/manifests/design-example.yaml', uriBaseId: '%SRCROOT%' });
      expect(r.message.text).to.include('agent@acme.example');
    }
  });

  it('locates the same items in a JSON manifest', () => {
    const log = JSON.parse(renderSarif(report(MANIFEST_JSON), manifestSource(MANIFEST_JSON, REPO_ROOT))) as Sarif;
    const edit = log.runs[0].results.find((r) => r.properties.manifestPath === 'systemPermissions[2]')!;
    expect(edit.locations[0].physicalLocation.region.startLine).to.equal(lineOf(MANIFEST_JSON, /^ {4}"Edit Events"/));
  });

  it('a preset is located in the presets/ folder the plugin ships', () => {
    const log = JSON.parse(renderSarif(report('preset:crankwheel'), manifestSource('preset:crankwheel', REPO_ROOT))) as Sarif;
    const run = log.runs[0];
    const edit = run.results.find((r) => r.properties.manifestPath === 'systemPermissions[2]')!;
    expect(edit.locations[0].physicalLocation.artifactLocation).to.deep.include({ uri: 'crankwheel.yaml', uriBaseId: 'PRESETS' });
    expect(run.originalUriBaseIds?.PRESETS.uri).to.match(/^file:\/\/.*\/presets\/$/);
    // the third system permission of presets/crankwheel.yaml is Edit Events
    expect(edit.locations[0].physicalLocation.region.startLine).to.equal(lineOf('presets/crankwheel.yaml', /^ {2}- Edit Events/));
    expect(validateSarif(log).valid).to.equal(true);
  });
});

describe('SARIF: excess privilege and drift (real check outputs, test/fixtures/drift/)', () => {
  type Result = Sarif['runs'][number]['results'][number] & { baselineState?: string; partialFingerprints: Record<string, string>; properties: { excessKey?: string; tier?: string } };
  const fixture = (name: string): CheckReport => checkResultOf(JSON.parse(readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'drift', name), 'utf8')) as unknown) as CheckReport;
  /** The after-refresh check as `--excess --fail-on-excess TIER --baseline crankwheel-before.json` would report it. */
  const withDrift = (failOn?: 'high' | 'medium'): CheckReport => {
    const after = fixture('crankwheel-after-refresh.json');
    const drift = compareWithBaseline(fixture('crankwheel-before.json'), after);
    return { ...after, drift, excess: { ...after.excess!, ...(failOn ? { failOn } : {}) } };
  };
  const sarif = (r: CheckReport): { log: unknown; results: Result[]; rules: string[] } => {
    const log = JSON.parse(renderSarif(r, manifestSource('preset:crankwheel', REPO_ROOT))) as Sarif;
    return { log, results: log.runs[0].results as Result[], rules: log.runs[0].tool.driver.rules.map((x) => x.id) };
  };

  it('is valid against the OASIS schema with excess and drift results', () => {
    const { log } = sarif(withDrift('high'));
    const verdict = validateSarif(log);
    expect(verdict.errors).to.deep.equal([]);
    expect(verdict.valid).to.equal(true);
  });

  it('one result per excess item, rule excess.<kind>, fingerprinted by the item key', () => {
    const checked = withDrift('high');
    const { results, rules } = sarif(checked);
    const excess = results.filter((r) => r.ruleId.startsWith('excess.'));
    const expected = checked.users.flatMap((u) => (u.excess?.items ?? []).map((i) => `${u.username} ${i.key}`));
    expect(expected.length).to.be.greaterThan(10);
    expect(excess.map((r) => `${r.properties.user} ${r.properties.excessKey}`)).to.deep.equal(expected);
    for (const r of excess) {
      expect(r.ruleId).to.equal(`excess.${r.properties.excessKey!.split(':')[0]}`);
      expect(rules[(r as unknown as { ruleIndex: number }).ruleIndex]).to.equal(r.ruleId);
    }
    expect(new Set(excess.map((r) => r.partialFingerprints['sfIntegrationAccessItem/v1'])).size).to.equal(excess.length);
  });

  it('levels: error at or above --fail-on-excess, note below; without it warning for critical and high', () => {
    const levels = (r: CheckReport): string[] => sarif(r).results.filter((x) => x.ruleId.startsWith('excess.')).map((x) => `${x.properties.tier}:${x.level}`);
    const high = new Set(levels(withDrift('high')));
    expect([...high].sort()).to.deep.equal(['high:error', 'low:note', 'medium:note']);
    expect([...new Set(levels(withDrift('medium')))].sort()).to.deep.equal(['high:error', 'low:note', 'medium:error']);
    expect([...new Set(levels(withDrift()))].sort()).to.deep.equal(['high:warning', 'low:note', 'medium:note']);
  });

  it('baselineState: new for what drift finds newly failing or newly excess, unchanged for the rest; gone users are results', () => {
    const checked = withDrift('high');
    const drift = checked.drift!;
    // the fixtures' drift: ops@ deactivated (gone, newly failing), Bulk API Hard Delete and more newly excess
    expect(drift.newlyExcess.length).to.be.greaterThan(0);
    expect(drift.newlyFailing.length).to.be.greaterThan(0);
    expect(drift.usersGone.length).to.be.greaterThan(0);
    const { results } = sarif(checked);
    const newExcess = results.filter((r) => r.ruleId.startsWith('excess.') && r.baselineState === 'new').map((r) => `${r.properties.user} ${r.properties.excessKey}`);
    expect(newExcess.sort()).to.deep.equal(drift.newlyExcess.map((c) => `${c.username} ${c.item.key}`).sort());
    const newFailing = results.filter((r) => !r.ruleId.includes('.') && r.baselineState === 'new').map((r) => `${r.properties.user} ${r.properties.manifestPath}`);
    expect(newFailing.sort()).to.deep.equal(drift.newlyFailing.filter((c) => c.after === 'fail' || c.after === 'error').map((c) => `${c.username} ${c.path}`).sort());
    expect(results.filter((r) => r.baselineState === undefined && r.ruleId !== 'drift.userGone')).to.deep.equal([]);
    const gone = results.filter((r) => r.ruleId === 'drift.userGone').map((r) => r.properties.user);
    expect(gone).to.deep.equal(drift.usersGone.map((g) => g.username));
    // without a baseline, no baselineState at all
    const plain = sarif(fixture('crankwheel-after-refresh.json')).results;
    expect(plain.filter((r) => r.baselineState !== undefined)).to.deep.equal([]);
  });
});
