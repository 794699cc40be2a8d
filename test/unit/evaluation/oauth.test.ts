import { expect } from 'chai';
import { scopeGrantedBy, refreshTokenPolicySatisfies } from '../../../src/evaluation/index.js';
import { AppSpec, BuiltOrg, MINIMUM_ACCESS, OrgSpec, SYSTEM_ADMINISTRATOR, buildSnapshot } from '../../fixtures/snapshots/builder.js';
import { RequirementsSpec, makeRequirements } from '../../fixtures/snapshots/requirements.js';
import { expectWellFormed, findingOf, verdictOf } from './helpers.js';

const USER = 'sync@acme.example';

const org = (app: AppSpec | null | undefined, spec: Partial<OrgSpec> & { sets?: string[]; tokens?: OrgSpec['users'][number]['oauthTokens'] } = {}): BuiltOrg =>
  buildSnapshot({
    ...spec,
    app,
    profiles: [MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR, ...(spec.profiles ?? [])],
    users: [{ username: USER, profile: spec.users?.[0]?.profile ?? MINIMUM_ACCESS.name, permissionSets: spec.sets ?? [], oauthTokens: spec.tokens ?? [] }],
  });

const CRANKWHEEL_OAUTH: RequirementsSpec['oauth'] = { scopes: ['api', 'refresh_token'], refreshTokenPolicy: 'infinite' };

const installed = (over: Partial<AppSpec> = {}): AppSpec => ({
  name: 'Acme_Sync',
  kind: 'connectedApp',
  installed: true,
  scopes: ['api', 'refresh_token', 'id'],
  refreshTokenPolicy: 'infinite',
  ipRelaxation: 'enforce',
  permittedUsers: 'any',
  ...over,
});

describe('evaluation: oauth', () => {
  it('no app named → every oauth item is skipped with "pass --app to check"', () => {
    const v = verdictOf(makeRequirements({ oauth: CRANKWHEEL_OAUTH }), org(undefined), USER);
    const oauth = v.findings.filter((f) => f.kind === 'oauth');
    expect(oauth.map((f) => [f.requirement, f.status, f.message])).to.deep.equal([
      ['oauth scope api', 'skip', 'pass --app to check'],
      ['oauth scope refresh_token', 'skip', 'pass --app to check'],
      ['oauth refresh token policy infinite', 'skip', 'pass --app to check'],
    ]);
  });

  it('no oauth requirements and no app → no oauth findings', () => {
    expect(verdictOf(makeRequirements({ systemPermissions: ['ApiEnabled'] }), org(undefined), USER).findings.filter((f) => f.kind === 'oauth')).to.deep.equal([]);
  });

  it('app named but not found → fail', () => {
    const v = verdictOf(makeRequirements({ oauth: { ...CRANKWHEEL_OAUTH, app: 'CrankWheel' } }), org(null), USER);
    const f = findingOf(v, 'oauth app CrankWheel');
    expect(f.status).to.equal('fail');
    expect(f.message).to.equal('app CrankWheel not found (neither installed connected app nor external client app)');
    expect(v.passed).to.equal(false);
  });

  describe('uninstalled (vendor-hosted) app', () => {
    const app: AppSpec = { name: 'CrankWheel', kind: 'connectedApp', installed: false, scopes: [] };
    const requirement = 'oauth app CrankWheel: authorize uninstalled app';

    it('without Approve Uninstalled Connected Apps → fail naming OAUTH_APPROVAL_ERROR_GENERIC, with both fixes', () => {
      const v = verdictOf(makeRequirements({ oauth: CRANKWHEEL_OAUTH }), org(app), USER);
      const f = findingOf(v, requirement);
      expect(f.status).to.equal('fail');
      expect(f.message).to.contain('OAUTH_APPROVAL_ERROR_GENERIC');
      expect(f.message).to.contain('app must be installed into org');
      expect(f.fix).to.contain('CanApproveUninstalledApps');
      expect(f.fix).to.contain('install the app');
      expectWellFormed(v);
    });

    it('with Approve Uninstalled Connected Apps → pass, granted by the permission set', () => {
      const o = org(app, { permissionSets: [{ name: 'CrankWheel_Access', systemPermissions: ['CanApproveUninstalledApps'] }], sets: ['CrankWheel_Access'] });
      const f = findingOf(verdictOf(makeRequirements({ oauth: CRANKWHEEL_OAUTH }), o, USER), requirement);
      expect(f.status).to.equal('pass');
      expect(f.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'CrankWheel_Access' }]);
    });

    // Salesforce Help 005228838: since the week of 8 Dec 2025 Use Any API Client no longer lets a user
    // self-authorize an uninstalled connected app; only Approve Uninstalled Connected Apps (or installing it)
    it('with only Use Any API Client → fail, naming Approve Uninstalled Connected Apps and why Use Any API Client is not enough', () => {
      const o = org(app, { permissionSets: [{ name: 'Any_Client', systemPermissions: ['UseAnyApiClient'] }], sets: ['Any_Client'] });
      const f = findingOf(verdictOf(makeRequirements({ oauth: CRANKWHEEL_OAUTH }), o, USER), requirement);
      expect(f.status).to.equal('fail');
      expect(f.chosen).to.equal(undefined);
      expect(f.message).to.contain('the user holds UseAnyApiClient (Use Any API Client) (granted by PermissionSet: Any_Client), which is not enough');
      expect(f.message).to.contain('since the week of 8 December 2025');
      expect(f.message).to.contain('Salesforce Help 005228838');
      expect(f.fix).to.match(/^Either grant CanApproveUninstalledApps \(Approve Uninstalled Connected Apps\)/);
      expect(f.fix).to.contain('install the app in this org');
    });

    it("even when the manifest's anyOf is met through Use Any API Client: the permission item passes, the app item fails and says the manifest predates the change", () => {
      const o = org(app, { permissionSets: [{ name: 'Any_Client', systemPermissions: ['UseAnyApiClient'] }], sets: ['Any_Client'] });
      const req = { ...makeRequirements({ oauth: CRANKWHEEL_OAUTH, systemPermissions: [['CanApproveUninstalledApps', 'UseAnyApiClient']] }), source: 'Vendor page' };
      const v = verdictOf(req, o, USER);
      expect(findingOf(v, 'CanApproveUninstalledApps (Approve Uninstalled Connected Apps) or UseAnyApiClient (Use Any API Client)').status).to.equal('pass');
      const f = findingOf(v, requirement);
      expect(f.status).to.equal('fail');
      expect(f.message).to.contain('the manifest (Vendor page) offers Use Any API Client as an alternative at systemPermissions[0]: that predates the change of the week of 8 December 2025 (Salesforce Help 005228838)');
      expect(v.passed).to.equal(false);
    });

    it('an earlier authorization is noted: it keeps working, a new one fails (Help 005132365)', () => {
      const o = org(app, { tokens: [{ appName: 'CrankWheel', lastUsedDate: '2025-06-01T00:00:00.000+0000', useCount: 3 }] });
      const f = findingOf(verdictOf(makeRequirements({ oauth: CRANKWHEEL_OAUTH }), o, USER), requirement);
      expect(f.status).to.equal('fail');
      expect(f.message).to.contain('existing authorizations (1) keep working, except with the OAuth device flow, but a new authorization fails');
    });

    it('its scopes and policies are skipped (set in the vendor org)', () => {
      const v = verdictOf(makeRequirements({ oauth: CRANKWHEEL_OAUTH }), org(app), USER);
      expect(findingOf(v, 'oauth scope api').status).to.equal('skip');
    });
  });

  describe('installed app policies', () => {
    it('matching scopes and policies pass', () => {
      const v = verdictOf(makeRequirements({ oauth: { ...CRANKWHEEL_OAUTH, ipRelaxation: 'enforce', permittedUsers: 'any' } }), org(installed()), USER);
      for (const r of ['oauth scope api', 'oauth scope refresh_token', 'oauth refresh token policy infinite', 'oauth IP relaxation enforce', 'oauth permitted users any']) {
        expect(findingOf(v, r).status, r).to.equal('pass');
      }
    });

    it('a missing scope fails with where to add it', () => {
      const f = findingOf(verdictOf(makeRequirements({ oauth: { scopes: ['web'] } }), org(installed()), USER), 'oauth scope web');
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('Selected OAuth Scopes');
    });

    it('refresh_token is met by offline_access, and full does not include refresh_token', () => {
      const offline = verdictOf(makeRequirements({ oauth: { scopes: ['refresh_token'] } }), org(installed({ scopes: ['api', 'offline_access'] })), USER);
      expect(findingOf(offline, 'oauth scope refresh_token').status).to.equal('pass');
      const full = verdictOf(makeRequirements({ oauth: { scopes: ['api', 'refresh_token'] } }), org(installed({ scopes: ['full'] })), USER);
      expect(findingOf(full, 'oauth scope api').status).to.equal('pass');
      expect(findingOf(full, 'oauth scope api').grantedBy[0]?.via).to.equal('scope full');
      const rt = findingOf(full, 'oauth scope refresh_token');
      expect(rt.status).to.equal('fail');
      expect(rt.message).to.contain('full does not include refresh_token');
    });

    it('a refresh token policy that expires fails with the Edit Policies path', () => {
      const f = findingOf(
        verdictOf(makeRequirements({ oauth: { refreshTokenPolicy: 'infinite' } }), org(installed({ refreshTokenPolicy: 'specific_lifetime:1:HOURS' })), USER),
        'oauth refresh token policy infinite'
      );
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('Setup > App Manager > Acme_Sync > Manage > Edit Policies');
      expect(f.fix).to.contain('Refresh token is valid until revoked');
    });

    it('IP relaxation enforce fails a relaxed requirement', () => {
      const f = findingOf(verdictOf(makeRequirements({ oauth: { ipRelaxation: 'relaxed' } }), org(installed()), USER), 'oauth IP relaxation relaxed');
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('Edit Policies');
    });

    it('an external client app points at the External Client App Manager', () => {
      const app = installed({ kind: 'externalClientApp', ipRelaxation: 'enforce' });
      const f = findingOf(verdictOf(makeRequirements({ oauth: { ipRelaxation: 'relaxed' } }), org(app), USER), 'oauth IP relaxation relaxed');
      expect(f.fix).to.contain('External Client App Manager');
    });
  });

  describe('admin-approved apps need app access from the profile or a permission set', () => {
    const app = installed({ permittedUsers: 'adminApproved' });
    const req = makeRequirements({ oauth: { scopes: ['api'], permittedUsers: 'adminApproved' } });

    it('without SetupEntityAccess → fail with the Manage Profiles / Permission Sets fix', () => {
      const f = findingOf(verdictOf(req, org(app), USER), 'oauth app access Acme_Sync');
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('Manage Profiles / Manage Permission Sets');
      expect(findingOf(verdictOf(req, org(app), USER), 'oauth permitted users adminApproved').status).to.equal('pass');
    });

    it('with SetupEntityAccess through a permission set → pass', () => {
      const o = org(app, { permissionSets: [{ name: 'Acme_Sync_Users', appAccess: ['Acme_Sync'] }], sets: ['Acme_Sync_Users'] });
      const f = findingOf(verdictOf(req, o, USER), 'oauth app access Acme_Sync');
      expect(f.status).to.equal('pass');
      expect(f.grantedBy).to.deep.equal([{ kind: 'PermissionSet', name: 'Acme_Sync_Users' }]);
    });

    it('a manifest asking for self-authorization fails against an admin-approved app', () => {
      const f = findingOf(verdictOf(makeRequirements({ oauth: { permittedUsers: 'any' } }), org(app), USER), 'oauth permitted users any');
      expect(f.status).to.equal('fail');
      expect(f.fix).to.contain('All users may self-authorize');
    });
  });

  describe('authorizations (OauthToken)', () => {
    it('never authorized → warning, not a failure', () => {
      const v = verdictOf(makeRequirements({ oauth: { scopes: ['api'] } }), org(installed()), USER);
      const f = findingOf(v, 'oauth authorizations Acme_Sync');
      expect(f.status).to.equal('warn');
      expect(f.message).to.contain('never authorized');
      expect(v.passed).to.equal(true);
    });

    it('authorized → pass with count and last use', () => {
      const o = org(installed(), {
        tokens: [
          { appName: 'Acme_Sync', lastUsedDate: '2026-11-20T10:00:00.000Z', useCount: 40 },
          { appName: 'Acme_Sync', lastUsedDate: '2026-11-22T08:30:00.000Z', useCount: 2 },
        ],
      });
      const f = findingOf(verdictOf(makeRequirements({ oauth: { scopes: ['api'] } }), o, USER), 'oauth authorizations Acme_Sync');
      expect(f.status).to.equal('pass');
      expect(f.message).to.equal('authorized 2 times, last used 2026-11-22T08:30:00.000Z (42 uses)');
    });
  });
});

describe('oauth rules', () => {
  const scopeCases: Array<[string, string[], string | undefined]> = [
    ['api', ['api'], 'api'],
    ['refresh_token', ['offline_access'], 'refresh_token'],
    ['offline_access', ['refresh_token'], 'refresh_token'],
    ['refresh_token', ['RefreshToken'], 'refresh_token'],
    ['refresh_token', ['full'], undefined],
    ['web', ['full'], 'full'],
    ['email', ['id'], 'id'],
    ['api', ['web', 'id'], undefined],
  ];
  for (const [wanted, have, by] of scopeCases) {
    it(`scope ${wanted} with [${have.join(', ')}] → ${by ?? 'not granted'}`, () => expect(scopeGrantedBy(wanted, have)).to.equal(by));
  }

  const policyCases: Array<[string, string, boolean]> = [
    ['infinite', 'infinite', true],
    ['infinite', 'Infinite', true],
    ['infinite', 'zero', false],
    ['infinite', 'specific_lifetime:1:HOURS', false],
    ['specific_lifetime:1:DAYS', 'infinite', true],
    ['specific_lifetime:1:DAYS', 'specific_lifetime:48:HOURS', true],
    ['specific_lifetime:7:DAYS', 'specific_lifetime:1:DAYS', false],
  ];
  for (const [required, actual, ok] of policyCases) {
    it(`refresh token policy ${required} with ${actual} → ${ok}`, () => expect(refreshTokenPolicySatisfies(required, actual)).to.equal(ok));
  }
});
