import { expect } from 'chai';
import {
  DIAGNOSE_CODES,
  Diagnosis,
  diagnose,
  diagnoseAll,
  diagnosisExitCode,
  parseDiagnoseCode,
} from '../../../src/diagnose/index.js';
import { applyFeatures, loadPreset } from '../../../src/requirements/index.js';
import type { Requirements } from '../../../src/requirements/types.js';
import { renderDiagnosis } from '../../../src/render/human.js';
import { AppSpec, BuiltOrg, MINIMUM_ACCESS, OrgSpec, PLATFORM_PROFILE, SYSTEM_ADMINISTRATOR, UserSpec, buildSnapshot } from '../../fixtures/snapshots/builder.js';

const USER = 'agent@acme.example';

const org = (app: AppSpec | null | undefined, user: Partial<UserSpec> = {}, spec: Partial<OrgSpec> = {}): BuiltOrg =>
  buildSnapshot({
    ...spec,
    app,
    profiles: [MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR, PLATFORM_PROFILE, ...(spec.profiles ?? [])],
    users: [{ username: USER, profile: MINIMUM_ACCESS.name, ...user }],
  });

const run = (code: Parameters<typeof diagnose>[0], o: BuiltOrg, requirements?: Requirements): Diagnosis =>
  diagnose(code, o.snapshot, o.user(USER), requirements);

const statuses = (d: Diagnosis): Array<[string, string]> => d.links.map((l) => [l.id, l.status]);

const CRANKWHEEL_APP: AppSpec = { name: 'CrankWheel', kind: 'connectedApp', installed: false, scopes: [] };
const ADMIN_APPROVED: AppSpec = {
  name: 'Acme_Sync',
  kind: 'connectedApp',
  installed: true,
  scopes: ['api', 'refresh_token'],
  refreshTokenPolicy: 'infinite',
  ipRelaxation: 'enforce',
  permittedUsers: 'adminApproved',
};

const preset = async (name: string): Promise<Requirements> => applyFeatures(await loadPreset(name), []);

describe('diagnose: codes', () => {
  it('accepts the four supported codes in any case, nothing else', () => {
    expect(parseDiagnoseCode('oauth_approval_error_generic')).to.equal('OAUTH_APPROVAL_ERROR_GENERIC');
    expect(parseDiagnoseCode('INVALID_CLIENT')).to.equal('invalid_client');
    expect(parseDiagnoseCode(' Api_Disabled_For_Org ')).to.equal('API_DISABLED_FOR_ORG');
    expect(parseDiagnoseCode('insufficient_access')).to.equal('INSUFFICIENT_ACCESS');
    expect(parseDiagnoseCode('INSUFFICIENT_ACCESS_OR_READONLY')).to.equal(undefined);
    expect(parseDiagnoseCode('invalid_grant')).to.equal(undefined);
    expect(DIAGNOSE_CODES).to.have.length(4);
  });
});

describe('diagnose: OAUTH_APPROVAL_ERROR_GENERIC', () => {
  it('uninstalled app, user without Approve Uninstalled Connected Apps → that link is broken, with both fixes', () => {
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', org(CRANKWHEEL_APP));
    expect(statuses(d)).to.deep.equal([
      ['org-api', 'ok'],
      ['user-active', 'ok'],
      ['user-api-enabled', 'ok'],
      ['app-named', 'ok'],
      ['app-installed-or-approved', 'broken'],
      ['user-authorized', 'unknown'],
    ]);
    expect(d.status).to.equal('broken');
    expect(d.brokenLink).to.equal('app-installed-or-approved');
    expect(d.fix).to.include('CanApproveUninstalledApps').and.to.include('install the app in this org');
    expect(d.links[4].detail).to.include('app must be installed into org');
    // only Approve Uninstalled Connected Apps is offered: Use Any API Client no longer authorizes uninstalled
    // apps since the week of 8 Dec 2025 (Salesforce Help 005228838)
    expect(d.fix).to.include('Use Any API Client does not help since 2025-12-08 (Salesforce Help 005228838)');
    expect(d.fix).not.to.match(/grant [^.]*UseAnyApiClient/);
    expect(diagnosisExitCode([d])).to.equal(3);
  });

  it('uninstalled app, user holding only Use Any API Client → still broken, saying why it is not enough (Help 005228838)', () => {
    const o = org(CRANKWHEEL_APP, { permissionSets: ['Any_Client'] }, { permissionSets: [{ name: 'Any_Client', systemPermissions: ['UseAnyApiClient'] }] });
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', o);
    expect(d.brokenLink).to.equal('app-installed-or-approved');
    const detail = d.links.find((l) => l.id === 'app-installed-or-approved')?.detail ?? '';
    expect(detail).to.include('the user holds UseAnyApiClient (Use Any API Client) (granted by PermissionSet: Any_Client)');
    expect(detail).to.include('since the week of 8 December 2025 Use Any API Client no longer lets a user authorize an uninstalled connected app (Salesforce Help 005228838)');
    expect(d.fix).to.include('CanApproveUninstalledApps (Approve Uninstalled Connected Apps)');
  });

  it('uninstalled app, permission granted by a permission set, authorized before → no broken link (exit 0)', () => {
    const o = org(CRANKWHEEL_APP, {
      permissionSets: ['CrankWheel_User'],
      oauthTokens: [{ appName: 'CrankWheel', lastUsedDate: '2024-01-15T10:00:00.000+0000', useCount: 42 }],
    }, { permissionSets: [{ name: 'CrankWheel_User', systemPermissions: ['CanApproveUninstalledApps'] }] });
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', o);
    expect(d.status).to.equal('ok');
    expect(d.brokenLink).to.equal(undefined);
    expect(d.links.find((l) => l.id === 'app-installed-or-approved')?.detail).to.include('PermissionSet: CrankWheel_User');
    expect(d.links.find((l) => l.id === 'user-authorized')?.detail).to.equal('authorized 1 time, last used 2024-01-15T10:00:00.000+0000 (42 uses)');
    expect(diagnosisExitCode([d])).to.equal(0);
  });

  it('admin-approved app without the user pre-authorized → the pre-authorization link is broken', () => {
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', org(ADMIN_APPROVED));
    expect(statuses(d).map(([id]) => id)).to.deep.equal([
      'org-api',
      'user-active',
      'user-api-enabled',
      'app-named',
      'app-installed-or-approved',
      'app-preauthorized',
      'user-authorized',
    ]);
    expect(d.brokenLink).to.equal('app-preauthorized');
    expect(d.fix).to.include('Manage Profiles / Manage Permission Sets');
  });

  it('admin-approved app, access through the profile → ok, naming the profile', () => {
    const profile = { ...MINIMUM_ACCESS, name: 'Sync Profile', appAccess: ['Acme_Sync'] };
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', org(ADMIN_APPROVED, { profile: 'Sync Profile' }, { profiles: [profile] }));
    const link = d.links.find((l) => l.id === 'app-preauthorized');
    expect(link?.status).to.equal('ok');
    expect(link?.detail).to.include('Profile: Sync Profile');
  });

  it('external client app that lets all users self-authorize → the pre-authorization link holds and says why', () => {
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', org({ ...ADMIN_APPROVED, kind: 'externalClientApp', permittedUsers: 'any' }));
    const link = d.links.find((l) => l.id === 'app-preauthorized');
    expect(link?.status).to.equal('ok');
    expect(link?.detail).to.equal('not needed: Acme_Sync lets all users self-authorize');
    expect(d.links.find((l) => l.id === 'app-named')?.detail).to.equal('Acme_Sync: installed external client app');
  });

  it('frozen user → the first broken link is the user, not the app', () => {
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', org(CRANKWHEEL_APP, { isFrozen: true }));
    expect(d.brokenLink).to.equal('user-active');
    expect(d.fix).to.include('Unfreeze');
    // the later broken link is still shown
    expect(d.links.find((l) => l.id === 'app-installed-or-approved')?.status).to.equal('broken');
  });

  it('no app named → the app links are unknown, nothing is broken (exit 0)', () => {
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', org(undefined));
    expect(d.status).to.equal('unknown');
    expect(d.links.find((l) => l.id === 'app-named')?.fix).to.include('--app');
    expect(diagnosisExitCode([d])).to.equal(0);
  });
});

describe('diagnose: API_DISABLED_FOR_ORG', () => {
  it('a user without API Enabled → broken, with the grant as the fix', () => {
    const noApi = { name: 'No API', userLicense: 'Salesforce', systemPermissions: [] };
    const d = run('API_DISABLED_FOR_ORG', org(undefined, { profile: 'No API' }, { profiles: [noApi] }));
    expect(statuses(d)).to.deep.equal([
      ['org-api', 'ok'],
      ['user-active', 'ok'],
      ['user-api-enabled', 'broken'],
    ]);
    expect(d.fix).to.include('ApiEnabled (API Enabled)');
    expect(d.links[2].detail).to.include('API is disabled for this User');
  });

  it('API Enabled only from a session-based set → unknown, not broken', () => {
    const noApi = { name: 'No API', userLicense: 'Salesforce', systemPermissions: [] };
    const o = org(undefined, { profile: 'No API', permissionSets: ['Api_Session'] }, {
      profiles: [noApi],
      permissionSets: [{ name: 'Api_Session', sessionBased: true, systemPermissions: ['ApiEnabled'] }],
    });
    const d = run('API_DISABLED_FOR_ORG', o);
    expect(d.links[2].status).to.equal('unknown');
    expect(d.links[2].detail).to.include('session-based');
  });

  it('an inactive user → broken at the user', () => {
    const d = run('API_DISABLED_FOR_ORG', org(undefined, { isActive: false }));
    expect(d.brokenLink).to.equal('user-active');
    expect(d.fix).to.include('Activate the user');
  });
});

describe('diagnose: invalid_client', () => {
  it('installed app: the consumer key link points to where the key is; the secret stays unknown', () => {
    const d = run('invalid_client', org(ADMIN_APPROVED));
    expect(statuses(d)).to.deep.equal([
      ['org-api', 'ok'],
      ['user-active', 'ok'],
      ['app-named', 'ok'],
      ['app-in-org', 'ok'],
      ['client-credentials', 'unknown'],
    ]);
    expect(d.links[3].detail).to.include('Manage Consumer Details');
    expect(d.status).to.equal('unknown');
  });

  it("uninstalled app: the key is the vendor's", () => {
    const d = run('invalid_client', org(CRANKWHEEL_APP));
    expect(d.links.find((l) => l.id === 'app-in-org')?.status).to.equal('unknown');
    expect(d.links.find((l) => l.id === 'app-in-org')?.fix).to.include('vendor');
  });
});

describe('diagnose: INSUFFICIENT_ACCESS (with the CrankWheel preset)', () => {
  it('a Platform user → system permissions, objects (Lead is impossible on the licence) and fields are broken', async () => {
    const requirements = await preset('crankwheel');
    const d = run('INSUFFICIENT_ACCESS', org(undefined, { profile: PLATFORM_PROFILE.name }), requirements);
    expect(statuses(d)).to.deep.equal([
      ['org-api', 'ok'],
      ['user-active', 'ok'],
      ['user-api-enabled', 'ok'],
      ['system-permissions', 'broken'],
      ['object-access', 'broken'],
      ['field-access', 'broken'],
    ]);
    expect(d.links[3].detail).to.include('EditEvent');
    expect(d.links[4].detail).to.include('Lead: read');
    expect(d.brokenLink).to.equal('system-permissions');
    expect(d.fix).to.include('CanApproveUninstalledApps');
  });

  it('the System Administrator passes the system permission link but not field-level security', async () => {
    const requirements = await preset('crankwheel');
    const d = run('INSUFFICIENT_ACCESS', org(undefined, { profile: SYSTEM_ADMINISTRATOR.name }), requirements);
    expect(d.links.find((l) => l.id === 'field-access')?.status).to.equal('broken');
    expect(d.links.find((l) => l.id === 'field-access')?.detail).to.match(/^missing: /);
  });

  it('without requirements → one unknown link asking for them', () => {
    const d = run('INSUFFICIENT_ACCESS', org(undefined));
    expect(d.links.at(-1)).to.deep.include({ id: 'requirements', status: 'unknown' });
  });
});

describe('diagnose: many users and rendering', () => {
  it('diagnoseAll gives one diagnosis per user; the exit code is 3 when any link is broken', () => {
    const built = buildSnapshot({
      app: CRANKWHEEL_APP,
      profiles: [MINIMUM_ACCESS],
      permissionSets: [{ name: 'CrankWheel_User', systemPermissions: ['CanApproveUninstalledApps'] }],
      users: [
        { username: 'ok@acme.example', profile: MINIMUM_ACCESS.name, permissionSets: ['CrankWheel_User'] },
        { username: 'no@acme.example', profile: MINIMUM_ACCESS.name },
      ],
    });
    const all = diagnoseAll('OAUTH_APPROVAL_ERROR_GENERIC', built.snapshot);
    expect(all.map((d) => [d.username, d.status])).to.deep.equal([
      ['ok@acme.example', 'unknown'],
      ['no@acme.example', 'broken'],
    ]);
    expect(diagnosisExitCode(all)).to.equal(3);
    expect(diagnosisExitCode(all.slice(0, 1))).to.equal(0);
  });

  it('renders a line per link and the broken link with its fix', () => {
    const d = run('OAUTH_APPROVAL_ERROR_GENERIC', org(CRANKWHEEL_APP));
    const lines = renderDiagnosis(d);
    expect(lines[0]).to.equal(`Diagnosis of OAUTH_APPROVAL_ERROR_GENERIC for ${USER} (app CrankWheel):`);
    expect(lines.filter((l) => /^ {2}[✔✖?] /.test(l))).to.have.length(d.links.length);
    expect(lines.find((l) => l.includes('✖'))).to.include('app installed, or user may approve uninstalled apps');
    expect(lines.at(-2)).to.equal('  → broken link: app installed, or user may approve uninstalled apps');
    expect(lines.at(-1)).to.match(/^ {4}fix: Either grant /);
  });
});
