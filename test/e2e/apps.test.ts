/*
 * Connected apps and External Client Apps end to end: the seed presets that name OAuth scopes and app
 * policies (Accord, CrankWheel, Ampersand with a Connected App or an External Client App) against the
 * emulator's case states in emulator/states/cases/, through the real bin/run.js; --diagnose; the
 * org-level cases (Professional Edition, API disabled).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { Finding } from '../../src/evaluation/types.js';
import type { Diagnosis } from '../../src/diagnose/index.js';
import { SCOPE_FROM_METADATA } from '../../src/salesforce/index.js';
import { normalizeScope } from '../../src/evaluation/rules.js';
import { readRecords, metadataScope } from '../../emulator/src/metadata/readMetadata.js';
import type { OrgState } from '../../emulator/src/orgState.js';
import { RunningEmulator, repoRoot, runCli, startEmulator } from './harness.js';

const CASES = 'emulator/states/cases';
const caseState = (name: string): OrgState => YAML.parse(readFileSync(join(repoRoot, CASES, name), 'utf8')) as OrgState;

const findingsOf = (result: CheckResult, username: string): Finding[] => {
  const user = result.users.find((u) => u.username === username);
  expect(user, `user ${username} in ${result.users.map((u) => u.username).join(', ')}`).to.not.equal(undefined);
  return user!.findings;
};
const oauthOf = (result: CheckResult, username: string): Array<[string, string, string]> =>
  findingsOf(result, username)
    .filter((f) => f.kind === 'oauth')
    .map((f) => [f.requirement, f.status, f.message]);
const finding = (result: CheckResult, username: string, requirement: string): Finding => {
  const f = findingsOf(result, username).find((x) => x.requirement === requirement);
  expect(f, `finding "${requirement}"`).to.not.equal(undefined);
  return f!;
};
const check = async (emu: RunningEmulator, args: string[]): Promise<{ code: number; result: CheckResult; stderr: string }> => {
  const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, ...args, '--json']);
  expect(r.json, r.stdout + r.stderr).to.not.equal(undefined);
  return { code: r.code, result: r.json!.result as CheckResult, stderr: r.stderr };
};

describe('e2e: connected apps (emulator/states/cases/app-admin-approved.yaml)', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator(`${CASES}/app-admin-approved.yaml`);
  });
  after(async () => emu?.stop());

  it('accord: every scope the article names, read from the ConnectedApp metadata, and the OauthToken under the app label', async () => {
    const { code, result } = await check(emu, ['--preset', 'accord', '--app', 'Accord', '--user', 'accord-owner@apps.example']);
    expect(code).to.equal(0);
    expect(oauthOf(result, 'accord-owner@apps.example')).to.deep.equal([
      ['oauth scope id', 'pass', 'Accord has the scope id'],
      ['oauth scope profile', 'pass', 'Accord has the scope id, which includes profile'],
      ['oauth scope email', 'pass', 'Accord has the scope id, which includes email'],
      ['oauth scope address', 'pass', 'Accord has the scope id, which includes address'],
      ['oauth scope phone', 'pass', 'Accord has the scope id, which includes phone'],
      ['oauth scope api', 'pass', 'Accord has the scope api'],
      ['oauth scope web', 'pass', 'Accord has the scope web'],
      // the app carries OfflineAccess in metadata: the same scope as refresh_token
      ['oauth scope refresh_token', 'pass', 'Accord has the scope refresh_token'],
      ['oauth authorizations Accord', 'pass', 'authorized 1 time, last used 2024-01-15T10:00:00.000+0000 (42 uses)'],
    ]);
  });

  it('ampersand-connected-app: the refresh token policy and IP relaxation fail with the setting to change; admin-approved access by profile or permission set', async () => {
    const users = ['sync-profile@apps.example', 'sync-set@apps.example', 'sync-none@apps.example'];
    const { code, result } = await check(emu, ['--preset', 'ampersand-connected-app', '--app', 'Acme_Sync', ...users.flatMap((u) => ['--user', u])]);
    expect(code).to.equal(3);
    expect(oauthOf(result, 'sync-profile@apps.example')).to.deep.equal([
      ['oauth refresh token policy infinite', 'fail', 'Acme_Sync Refresh Token Policy is specific_lifetime:8:hours'],
      ['oauth IP relaxation relaxed', 'fail', 'Acme_Sync IP Relaxation is enforce'],
      ['oauth app access Acme_Sync', 'pass', 'Acme_Sync admits admin-approved users; access granted by Profile: Sync Integration'],
      ['oauth authorizations Acme_Sync', 'pass', 'authorized 1 time, last used 2024-01-15T10:00:00.000+0000 (42 uses)'],
    ]);
    expect(finding(result, 'sync-profile@apps.example', 'oauth refresh token policy infinite').fix).to.equal(
      'Set Refresh Token Policy to "Refresh token is valid until revoked" in Setup > App Manager > Acme_Sync > Manage > Edit Policies'
    );
    expect(finding(result, 'sync-profile@apps.example', 'oauth IP relaxation relaxed').fix).to.equal(
      'Set IP Relaxation to "Relax IP restrictions" in Setup > App Manager > Acme_Sync > Manage > Edit Policies'
    );
    expect(finding(result, 'sync-set@apps.example', 'oauth app access Acme_Sync').grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Acme_Sync_Access' }]);
    const none = finding(result, 'sync-none@apps.example', 'oauth app access Acme_Sync');
    expect(none.status).to.equal('fail');
    expect(none.message).to.equal("Acme_Sync admits only admin-approved users, and neither the user's profile nor a permission set grants access to it");
    expect(none.fix).to.include('Setup > App Manager > Acme_Sync > Manage > Manage Profiles / Manage Permission Sets');
  });

  it('--diagnose OAUTH_APPROVAL_ERROR_GENERIC: broken at the pre-authorization for the user nobody pre-authorized, in --json and in the table', async () => {
    const args = ['--preset', 'accord', '--app', 'Acme_Sync', '--user', 'sync-none@apps.example', '--user', 'sync-profile@apps.example', '--diagnose', 'oauth_approval_error_generic'];
    const { code, result } = await check(emu, args);
    expect(code).to.equal(3);
    const diagnosis = result.diagnosis as Diagnosis[];
    expect(diagnosis.map((d) => [d.username, d.code, d.status, d.brokenLink ?? null])).to.deep.equal([
      ['sync-none@apps.example', 'OAUTH_APPROVAL_ERROR_GENERIC', 'broken', 'app-preauthorized'],
      ['sync-profile@apps.example', 'OAUTH_APPROVAL_ERROR_GENERIC', 'ok', null],
    ]);
    const human = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, ...args]);
    expect(human.code).to.equal(3);
    expect(human.stdout).to.include('Diagnosis of OAUTH_APPROVAL_ERROR_GENERIC for sync-none@apps.example (app Acme_Sync):');
    expect(human.stdout).to.include('→ broken link: user pre-authorized (admin-approved app)');
    expect(human.stdout).to.include('→ every link holds: this is not why sync-profile@apps.example gets OAUTH_APPROVAL_ERROR_GENERIC');
  });

  it('--diagnose with an unknown code is a usage error (exit 2) listing the supported codes', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'accord', '--diagnose', 'invalid_grant', '--json']);
    expect(r.code).to.equal(2);
    expect(r.json?.name).to.equal('UnknownDiagnoseCodeError');
    expect(String(r.json?.message)).to.include('OAUTH_APPROVAL_ERROR_GENERIC, invalid_client, API_DISABLED_FOR_ORG, INSUFFICIENT_ACCESS');
  });
});

describe('e2e: an uninstalled connected app (emulator/states/cases/app-uninstalled.yaml)', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator(`${CASES}/app-uninstalled.yaml`);
  });
  after(async () => emu?.stop());

  // Salesforce Help 005132365 (Sept 2025) and 005228838 (week of 8 Dec 2025): only Approve Uninstalled Connected
  // Apps, or installing the app, lets a user authorize an uninstalled connected app; Use Any API Client no longer does
  it('crankwheel: the uninstalled app needs Approve Uninstalled Connected Apps; Use Any API Client alone fails, with why', async () => {
    const users = ['agent@uninstalled.example', 'approver@uninstalled.example', 'anyclient@uninstalled.example'];
    const { code, result } = await check(emu, ['--preset', 'crankwheel', ...users.flatMap((u) => ['--user', u])]);
    expect(code).to.equal(3);
    const agent = finding(result, 'agent@uninstalled.example', 'oauth app CrankWheel: authorize uninstalled app');
    expect(agent.status).to.equal('fail');
    expect(agent.message).to.match(
      /^CrankWheel is not installed in this org: authorizing it fails with OAUTH_APPROVAL_ERROR_GENERIC \("app must be installed into org"\) unless the user has CanApproveUninstalledApps \(Approve Uninstalled Connected Apps\); UseAnyApiClient \(Use Any API Client\) is not enough: since the week of 8 December 2025/
    );
    // both fixes: grant the permission, or install the app
    expect(agent.fix).to.match(/^Either grant CanApproveUninstalledApps \(Approve Uninstalled Connected Apps\) in a permission set assigned to the user/);
    expect(agent.fix).to.include('or install the app in this org (Setup > Connected Apps OAuth Usage > CrankWheel > Install)');
    const approver = finding(result, 'approver@uninstalled.example', 'oauth app CrankWheel: authorize uninstalled app');
    expect([approver.status, approver.grantedBy]).to.deep.equal(['pass', [{ kind: 'PermissionSet', name: 'Approve_Uninstalled' }]]);
    // a user holding only Use Any API Client: the preset requires Approve Uninstalled Connected Apps alone (its
    // vendor page names only that), so the permission item fails, and so does the app item, saying why
    const permissionItem = finding(result, 'anyclient@uninstalled.example', 'CanApproveUninstalledApps (Approve Uninstalled Connected Apps)');
    expect(permissionItem.status).to.equal('fail');
    const anyClient = finding(result, 'anyclient@uninstalled.example', 'oauth app CrankWheel: authorize uninstalled app');
    expect(anyClient.status).to.equal('fail');
    expect(anyClient.chosen).to.equal(undefined);
    expect(anyClient.message).to.include('the user holds UseAnyApiClient (Use Any API Client) (granted by PermissionSet: Any_Api_Client), which is not enough');
    expect(anyClient.message).to.include('Salesforce Help 005228838');
    expect(anyClient.fix).to.match(/^Either grant CanApproveUninstalledApps \(Approve Uninstalled Connected Apps\)/);
    expect(result.users.find((u) => u.username === 'anyclient@uninstalled.example')?.passed).to.equal(false);
    // scopes of an uninstalled app live in the vendor's org
    expect(finding(result, 'agent@uninstalled.example', 'oauth scope api').status).to.equal('skip');
    expect(finding(result, 'approver@uninstalled.example', 'oauth authorizations CrankWheel').message).to.equal(
      'authorized 1 time, last used 2024-01-15T10:00:00.000+0000 (42 uses)'
    );
  });

  it('a manifest whose anyOf offers Use Any API Client: the permission item passes through it, the app item still fails, naming the outdated alternative', async () => {
    const manifest = join(repoRoot, 'test/fixtures/manifests/uninstalled-app-any-api-client.yaml');
    const { code, result } = await check(emu, ['--manifest', manifest, '--user', 'anyclient@uninstalled.example']);
    expect(code).to.equal(3);
    const permissionItem = findingsOf(result, 'anyclient@uninstalled.example').find((f) => f.requirement.includes('UseAnyApiClient'));
    expect([permissionItem?.status, permissionItem?.chosen]).to.deep.equal(['pass', 'UseAnyApiClient']);
    expect(permissionItem?.message).to.include('no longer lets a user authorize an uninstalled connected app (Salesforce Help 005228838)');
    const anyClient = finding(result, 'anyclient@uninstalled.example', 'oauth app CrankWheel: authorize uninstalled app');
    expect(anyClient.status).to.equal('fail');
    expect(anyClient.message).to.include('the manifest (an anyOf written before 2025-12-08) offers Use Any API Client as an alternative at systemPermissions[1]: that predates the change');
    expect(anyClient.fix).to.match(/^Either grant CanApproveUninstalledApps \(Approve Uninstalled Connected Apps\)/);
  });

  it('grant for the Use Any API Client user plans Approve Uninstalled Connected Apps, never Use Any API Client', async () => {
    const r = await runCli(emu.home, ['integration', 'grant', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'anyclient@uninstalled.example', '--dry-run', '--json']);
    expect(r.code, r.stderr).to.equal(0);
    const plan = (r.json?.result as { plan: { userPermissions: Array<{ name: string }> } }).plan;
    const names = plan.userPermissions.map((p) => p.name);
    expect(names).to.include('CanApproveUninstalledApps');
    expect(names).not.to.include('UseAnyApiClient');
  });

  it('--diagnose OAUTH_APPROVAL_ERROR_GENERIC for the Use Any API Client user: broken at the app, naming only Approve Uninstalled Connected Apps', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'crankwheel', '--user', 'anyclient@uninstalled.example', '--diagnose', 'OAUTH_APPROVAL_ERROR_GENERIC']);
    expect(r.code).to.equal(3);
    expect(r.stdout).to.include('✖ app installed, or user may approve uninstalled apps');
    expect(r.stdout).to.include('→ broken link: app installed, or user may approve uninstalled apps');
    expect(r.stdout).to.match(/fix: Either grant CanApproveUninstalledApps \(Approve Uninstalled Connected Apps\) in a permission set .* or install the app in this org/);
    expect(r.stdout).to.include('Use Any API Client does not help since 2025-12-08 (Salesforce Help 005228838)');
  });
});

describe('e2e: External Client Apps (emulator/states/cases/eca.yaml)', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator(`${CASES}/eca.yaml`);
  });
  after(async () => emu?.stop());

  it('ampersand-external-client-app: the ECA set up as the guide asks passes every policy, read from ExtlClntAppOauthPlcyCnfg', async () => {
    const { code, result } = await check(emu, ['--preset', 'ampersand-external-client-app', '--app', 'Ampersand_Sync', '--user', 'rep@eca.example']);
    expect(code).to.equal(0);
    expect(oauthOf(result, 'rep@eca.example')).to.deep.equal([
      ['oauth refresh token policy infinite', 'pass', 'Ampersand_Sync Refresh Token Policy is infinite'],
      ['oauth IP relaxation relaxed', 'pass', 'Ampersand_Sync IP Relaxation is relaxed'],
      ['oauth permitted users any', 'pass', 'Ampersand_Sync Permitted Users is any'],
      ['oauth authorizations Ampersand_Sync', 'pass', 'authorized 1 time, last used 2024-01-15T10:00:00.000+0000 (42 uses)'],
    ]);
    expect(finding(result, 'rep@eca.example', 'oauth permitted users any').grantedBy).to.deep.equal([
      { kind: 'Org', name: 'external client app Ampersand_Sync', via: 'Permitted Users any' },
    ]);
  });

  it('found by its label too; scopes from the OauthScopes… columns of ExtlClntAppOauthSettings', async () => {
    const manifest = join(emu.home, 'eca-scopes.yaml');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(manifest, 'name: eca-scopes\nlabel: ECA scopes\noauth:\n  scopes: [api, offline_access, profile, chatter_api]\n');
    const { code, result } = await check(emu, ['--manifest', manifest, '--app', 'Ampersand Sync', '--user', 'rep@eca.example']);
    expect(code).to.equal(3);
    expect(oauthOf(result, 'rep@eca.example').slice(0, 4)).to.deep.equal([
      ['oauth scope api', 'pass', 'Ampersand_Sync has the scope api'],
      ['oauth scope refresh_token', 'pass', 'Ampersand_Sync has the scope refresh_token'],
      ['oauth scope profile', 'pass', 'Ampersand_Sync has the scope id, which includes profile'],
      ['oauth scope chatter_api', 'fail', 'Ampersand_Sync does not have the scope chatter_api; its scopes: api, id, refresh_token'],
    ]);
    expect(finding(result, 'rep@eca.example', 'oauth scope chatter_api').fix).to.include('Setup > External Client App Manager > Ampersand_Sync > Edit Settings > OAuth Settings > OAuth Scopes');
  });

  // Help "Preauthorize User App Access Through External Client App Policies": an admin-approved ECA admits the
  // profiles and permission sets selected in its policies (ExtlClntAppOauthConfigurablePolicies
  // commaSeparatedPermissionSet / commaSeparatedProfile, Metadata API 59.0+)
  it('an admin-approved ECA: every policy that differs fails; access through the permission sets and profiles its OAuth policies list', async () => {
    const { code, result } = await check(emu, ['--preset', 'ampersand-external-client-app', '--app', 'Vendor_Locked', '--user', 'rep@eca.example', '--user', 'preauth@eca.example', '--user', 'byprofile@eca.example']);
    expect(code).to.equal(3);
    expect(oauthOf(result, 'rep@eca.example')).to.deep.equal([
      ['oauth refresh token policy infinite', 'fail', 'Vendor_Locked Refresh Token Policy is specific_inactivity:30:days'],
      ['oauth IP relaxation relaxed', 'fail', 'Vendor_Locked IP Relaxation is enforce'],
      ['oauth permitted users any', 'fail', 'Vendor_Locked Permitted Users is adminApproved'],
      [
        'oauth app access Vendor_Locked',
        'fail',
        "Vendor_Locked admits only admin-approved users, and its OAuth policies pre-authorize permission sets Vendor_Locked_Access and profiles ECA Integration: neither the user's profile nor a permission set of the user is among them",
      ],
      ['oauth authorizations Vendor_Locked', 'warn', 'rep@eca.example has never authorized Vendor_Locked'],
    ]);
    expect(finding(result, 'rep@eca.example', 'oauth permitted users any').fix).to.equal(
      'Set Permitted Users to "All users may self-authorize" in Setup > External Client App Manager > Vendor_Locked > Edit Policies > OAuth Policies'
    );
    // the fix: the exact Setup path and the metadata change
    expect(finding(result, 'rep@eca.example', 'oauth app access Vendor_Locked').fix).to.equal(
      "Pre-authorize a permission set assigned to the user, or the user's profile, in the external client app's policies: Setup > External Client App Manager > Vendor_Locked > Edit Policies > App Policies > Select Permission Sets / Select Profiles (metadata: add it to commaSeparatedPermissionSet of ExtlClntAppOauthConfigurablePolicies Vendor_Locked_oauthPlcy)"
    );
    const bySet = finding(result, 'preauth@eca.example', 'oauth app access Vendor_Locked');
    expect([bySet.status, bySet.grantedBy]).to.deep.equal(['pass', [{ kind: 'PermissionSet', name: 'Vendor_Locked_Access' }]]);
    const byProfile = finding(result, 'byprofile@eca.example', 'oauth app access Vendor_Locked');
    expect([byProfile.status, byProfile.grantedBy]).to.deep.equal(['pass', [{ kind: 'Profile', name: 'ECA Integration' }]]);
  });

  it('an ECA costs no more requests than a connected app check, and is read-only', async () => {
    await emu.clearLog();
    await check(emu, ['--preset', 'ampersand-external-client-app', '--app', 'Vendor_Locked', '--user', 'preauth@eca.example']);
    const log = await emu.log();
    expect(log.filter((r) => r.method !== 'GET' && !r.path.split('?')[0].endsWith('/composite') && !r.path.includes('/services/Soap/m/'))).to.deep.equal([]);
    // one readMetadata, of the ECA's OAuth policies (the pre-authorized lists are not queryable), like a
    // connected app's readMetadata of its ConnectedApp
    expect(log.filter((r) => r.path.includes('/services/Soap/m/')).length).to.equal(1);
    expect(log.length, JSON.stringify(log.map((l) => `${l.method} ${l.path}`))).to.be.at.most(7);
  });
});

describe('emulator readMetadata ↔ reader: app metadata spellings', () => {
  it('every scope the emulator writes into ConnectedApp metadata reads back as the same scope', () => {
    const scopes = ['id', 'api', 'web', 'full', 'refresh_token', 'offline_access', 'openid', 'profile', 'email', 'address', 'phone', 'visualforce', 'chatter_api', 'custom_permissions', 'content', 'lightning', 'wave_api', 'eclair_api', 'pardot_api', 'chatbot_api', 'interaction_api', 'sfap_api', 'cdp_ingest_api', 'mcp_api'];
    const wsdl = readFileSync(join(repoRoot, 'test', 'fixtures', 'salesforce', 'wsdl', 'metadata.xsd'), 'utf8');
    const enumBlock = /<xsd:simpleType name="ConnectedAppOauthAccessScope">([\s\S]*?)<\/xsd:simpleType>/.exec(wsdl)?.[1] ?? '';
    const enumValues = [...enumBlock.matchAll(/value="([^"]+)"/g)].map((m) => m[1]);
    expect(enumValues.length).to.be.greaterThan(30);
    for (const scope of scopes) {
      const written = metadataScope(scope);
      expect(enumValues, `${scope} → ${written}`).to.include(written);
      expect(SCOPE_FROM_METADATA[written], `${written} read back`).to.equal(normalizeScope(scope));
    }
    // every enum value of the schema is known to the reader
    expect(enumValues.filter((v) => SCOPE_FROM_METADATA[v] === undefined)).to.deep.equal([]);
  });

  it('serves the External Client App metadata types with the metadata spellings', () => {
    const state = caseState('eca.yaml');
    const [policies] = readRecords(state, 'ExtlClntAppOauthConfigurablePolicies', ['Vendor_Locked_oauthPlcy']);
    expect(policies).to.deep.include({
      commaSeparatedPermissionSet: 'Vendor_Locked_Access',
      externalClientApplication: 'Vendor_Locked',
      ipRelaxationPolicyType: 'Enforce',
      permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
      refreshTokenPolicyType: 'SpecificInactivity',
      refreshTokenValidityPeriod: 30,
      refreshTokenValidityUnit: 'Days',
    });
    const [settings] = readRecords(state, 'ExtlClntAppOauthSettings', ['Ampersand_Sync_oauth']);
    expect(settings).to.deep.include({ commaSeparatedOauthScopes: 'Api, RefreshToken, Basic', externalClientApplication: 'Ampersand_Sync' });
    expect(readRecords(state, 'ConnectedApp', ['Ampersand_Sync'])).to.deep.equal([null]);
    expect(readRecords(state, 'ExternalClientApplication', ['Ampersand_Sync'])[0]).to.deep.include({ fullName: 'Ampersand_Sync', label: 'Ampersand Sync' });
  });
});

describe('e2e: editions (emulator/states/cases/professional.yaml, api-disabled.yaml)', function () {
  this.timeout(180_000);

  it('Professional Edition: warns about the API add-on and shows the remaining daily API requests when low', async () => {
    const emu = await startEmulator(`${CASES}/professional.yaml`);
    try {
      const { code, result } = await check(emu, ['--preset', 'accord']);
      expect(code).to.equal(0);
      const edition = finding(result, 'owner@pro.example', 'API access (edition)');
      expect([edition.status, edition.message]).to.deep.equal(['warn', 'Professional Edition has API access only with the API add-on']);
      expect(finding(result, 'owner@pro.example', 'daily API requests').status).to.equal('warn');
      // read from the Sforce-Limit-Info header of the responses: 14,200 used before the check
      expect(result.org.dailyApiRequests?.max).to.equal(15_000);
      expect(result.org.dailyApiRequests?.remaining).to.be.within(780, 800);
      const human = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'accord']);
      expect(human.stdout).to.match(/^Org: Pro Edition Shop — Professional Edition, PRODUCTION, /m);
      expect(human.stdout).to.match(/^Daily API requests remaining: \d{3} of 15000$/m);
    } finally {
      await emu.stop();
    }
  });

  it('an org without API access: exit 1 with the named error, nothing read', async () => {
    const state = caseState('api-disabled.yaml');
    expect(state.apiEnabledForOrg).to.equal(false);
    // the emulator registers its sf alias over the API, so it starts enabled and is then switched off
    const emu = await startEmulator({ ...state, apiEnabledForOrg: true } as unknown as Record<string, unknown>);
    try {
      await emu.setState(state);
      const r = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'accord', '--json']);
      expect(r.code).to.equal(1);
      expect(r.json?.name).to.equal('OrgApiDisabledError');
      expect(String(r.json?.message)).to.include('API access is disabled for this org');
      const human = await runCli(emu.home, ['integration', 'check', '-o', emu.alias, '--preset', 'accord']);
      expect(human.code).to.equal(1);
      expect(human.stderr).to.include('Enterprise, Unlimited, Performance or Developer Edition');
      expect(human.stderr).not.to.match(/^\s+at .+:\d+:\d+\)?$/m);
    } finally {
      await emu.stop();
    }
  });
});
