/*
 * Every built-in preset, end to end: the real bin/run.js against the org emulator, one hand-written
 * org per preset (emulator/states/presets/<preset>.yaml). For each preset: a user who has everything
 * passes (exit 0); a user who lacks a few documented items fails (exit 3) on exactly those items;
 * `grant --deploy --no-prompt` for that user deploys and assigns a permission set, leaving only what
 * a permission set cannot fix (as manual steps); the check then passes (or fails on exactly those).
 *
 * The expected items below are copied from the comments at the users and apps in each state file,
 * which say why each one is missing; they were not taken from the plugin's output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { GrantResult } from '../../src/commands/integration/grant.js';
import type { Finding } from '../../src/evaluation/types.js';
import { CliResult, RunningEmulator, runCli, startEmulator } from './harness.js';

type Scenario = {
  /** what the scenario shows */
  title: string;
  user: string;
  /** extra flags: --app, --feature */
  args: string[];
  /** Failing / erroring requirement items before the grant (see itemKey), as documented in the state */
  missing: string[];
  /** Items no permission set can fix: still failing after the grant (default: none) */
  remaining?: string[];
  /**
   * Manifest paths of the plan's manual steps (default: none). A manual step either covers a
   * remaining item or tells the admin what the tool could not check (an uninstalled vendor app).
   */
  manualStepPaths?: string[];
};

type PresetCase = {
  preset: string;
  /** under emulator/states/presets/ */
  state: string;
  /** the user who has everything; checked with the first scenario's flags */
  passing: string;
  /** items that must be met (status pass) for the passing user, beyond "nothing fails" */
  passingMustPass?: string[];
  scenarios: Scenario[];
};

/**
 * A finding's requirement without the permission labels Setup shows, e.g.
 * `EditEvent (Edit Events)` → `EditEvent`, `A (La) or B (Lb)` → `A or B`; errors are marked.
 */
const itemKey = (f: Finding): string => `${f.status === 'error' ? 'error: ' : ''}${f.requirement.replace(/ \([^()]*\)/g, '')}`;

const CASES: PresetCase[] = [
  {
    preset: 'accord',
    state: 'accord.yaml',
    passing: 'owner@fabrikam.example',
    // the installed Accord app has every scope the article lists
    passingMustPass: [
      'oauth scope id',
      'oauth scope profile',
      'oauth scope email',
      'oauth scope address',
      'oauth scope phone',
      'oauth scope api',
      'oauth scope web',
      'oauth scope refresh_token',
      'oauth app access Accord',
    ],
    scenarios: [
      {
        title: 'no API Enabled and not pre-authorized for the admin-approved app',
        user: 'member@fabrikam.example',
        args: ['--app', 'Accord'],
        missing: ['ApiEnabled', 'oauth app access Accord'],
      },
    ],
  },
  {
    preset: 'ticketing-api',
    state: 'ticketing-api.yaml',
    passing: 'sync@contoso.example',
    passingMustPass: ['Incident: modifyAll', 'Image: viewAll', 'ModifyAllData or ManageRemoteAccess'],
    scenarios: [
      {
        title: 'a muted Manage Connected Apps, no View All on Contact / Account, read-only Image (--feature all)',
        user: 'agent@contoso.example',
        args: ['--feature', 'all'],
        missing: [
          'ModifyAllData or ManageRemoteAccess',
          'ManageRemoteAccess',
          'Contact: viewAll',
          'Account: viewAll',
          'Image: create',
          'Image: edit',
          'Image: delete',
          'Image: viewAll',
        ],
      },
    ],
  },
  {
    preset: 'crankwheel',
    state: 'crankwheel.yaml',
    passing: 'ready@northwind.example',
    passingMustPass: [
      'oauth app CrankWheel: authorize uninstalled app',
      'not ApiUserOnly',
      'Account.PersonEmail?: read',
      'Account.PersonOtherPhone?: read',
    ],
    scenarios: [
      {
        title: 'no Approve Uninstalled Connected Apps, Edit Events, Opportunity access or some FLS',
        user: 'lacking@northwind.example',
        args: [],
        missing: [
          'CanApproveUninstalledApps',
          'EditEvent',
          'oauth app CrankWheel: authorize uninstalled app',
          'Contact.MobilePhone: read',
          'Opportunity: read',
          'Opportunity.AccountId: read',
          'Event.Description: edit',
          'Event.WhoId: edit',
          'Event.WhatId: edit',
        ],
        // the app is not installed: its scopes can only be checked in the vendor's org
        manualStepPaths: ['oauth'],
      },
    ],
  },
  {
    preset: 'ciro',
    state: 'ciro.yaml',
    passing: 'ciro@tailspin.example',
    passingMustPass: ['Lead: visibility all', 'permission set licence SalesforceAPIIntegrationPsl', 'TransferAnyEntity'],
    scenarios: [
      {
        title: 'an incomplete permission set on a Salesforce Integration user',
        user: 'ciro-new@tailspin.example',
        args: [],
        missing: ['TransferAnyEntity', 'Lead: edit', 'Account.AnnualRevenue: edit', 'Contact.MobilePhone: edit', 'Task.WhoId: edit'],
      },
    ],
  },
  {
    preset: 'ciro-quick',
    state: 'ciro-quick.yaml',
    passing: 'quick@woodgrove.example',
    passingMustPass: ['ModifyAllData', 'ViewAllData', 'Account: visibility all'],
    scenarios: [
      {
        title: 'View All Data without Modify All Data, two FLS gaps',
        user: 'partial@woodgrove.example',
        args: [],
        missing: ['ModifyAllData', 'Contact.MailingCountry: edit', 'Lead.LeadSource: edit'],
      },
    ],
  },
  {
    preset: 'ampersand-connected-app',
    state: 'ampersand-connected-app.yaml',
    passing: 'amp@litware.example',
    passingMustPass: [
      'user licence Salesforce or Salesforce Integration',
      'UseAnyApiClient or CanApproveUninstalledApps',
      'oauth refresh token policy infinite',
      'oauth IP relaxation relaxed',
      'permission set licence SalesforceAPIIntegrationPsl',
      'ManageCustomPermissions',
    ],
    scenarios: [
      {
        title: 'an Integration user without the API Integration licence and half of Subscribe Actions (--feature all)',
        user: 'amp-new@litware.example',
        args: ['--app', 'Ampersand_Sync', '--feature', 'all'],
        missing: [
          'permission set licence SalesforceAPIIntegrationPsl',
          'UseAnyApiClient or CanApproveUninstalledApps',
          'ModifyMetadata',
          'ManageCustomPermissions',
        ],
      },
      {
        title: 'a Salesforce Platform user: the licence is left as the one manual step',
        user: 'platform@litware.example',
        args: ['--app', 'Ampersand_Sync'],
        missing: ['user licence Salesforce or Salesforce Integration', 'UseAnyApiClient or CanApproveUninstalledApps'],
        remaining: ['user licence Salesforce or Salesforce Integration'],
        manualStepPaths: ['user.licenses[0]'],
      },
    ],
  },
  {
    preset: 'ampersand-external-client-app',
    state: 'ampersand-external-client-app.yaml',
    passing: 'eca@adatum.example',
    passingMustPass: ['oauth refresh token policy infinite', 'oauth IP relaxation relaxed', 'oauth permitted users any', 'ViewRoles'],
    scenarios: [
      {
        title: 'no API Enabled and three Subscribe Actions permissions (--feature subscribe-actions)',
        user: 'eca-new@adatum.example',
        args: ['--app', 'Ampersand_ECA', '--feature', 'subscribe-actions'],
        missing: ['ApiEnabled', 'ModifyMetadata', 'ViewRoles', 'ManageCustomPermissions'],
      },
      {
        title: 'an external client app left at other policies: the three policies are the manual steps',
        user: 'eca@adatum.example',
        args: ['--app', 'Ampersand_ECA_Default', '--feature', 'subscribe-actions'],
        missing: ['oauth refresh token policy infinite', 'oauth IP relaxation relaxed', 'oauth permitted users any'],
        remaining: ['oauth refresh token policy infinite', 'oauth IP relaxation relaxed', 'oauth permitted users any'],
        manualStepPaths: ['oauth.refreshTokenPolicy', 'oauth.ipRelaxation', 'oauth.permittedUsers'],
      },
    ],
  },
];

const sorted = (items: string[]): string[] => [...items].sort();

const onlyUser = (result: CheckResult, username: string): Finding[] => {
  expect(result.users.map((u) => u.username)).to.deep.equal([username]);
  return result.users[0].findings;
};

const failingItems = (findings: Finding[]): string[] => findings.filter((f) => f.status === 'fail' || f.status === 'error').map(itemKey);

const explain = (r: CliResult): string => `exit ${r.code}\n${r.stderr}\n${r.stdout.slice(0, 4000)}`;

type StateUser = { username: string; permissionSets?: string[]; permissionSetLicenses?: string[] };

/*
 * Running: each preset's commands depend on each other (check → grant → check) and run in order
 * against the preset's own emulator, but the presets are independent, so a few of them run at the same
 * time (each bin/run.js call costs seconds of start-up). Every command's outcome is recorded under a
 * step name; the `it`s below wait for their step and assert on it, so each verdict still reports on its own.
 */
type Outcome = { run: CliResult; stateUser?: StateUser };
type Deferred = { promise: Promise<Outcome>; resolve: (o: Outcome) => void; reject: (e: unknown) => void };
const PARALLEL_PRESETS = 3;

const steps = new Map<string, Deferred>();
const stepOf = (name: string): Deferred => {
  let d = steps.get(name);
  if (!d) {
    let resolve!: (o: Outcome) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<Outcome>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => undefined); // a step nobody awaits must not be an unhandled rejection
    d = { promise, resolve, reject };
    steps.set(name, d);
  }
  return d;
};
const stepName = (c: PresetCase, step: string, s?: Scenario): string => `${c.preset}|${s ? `${s.user}|${s.args.join(' ')}|` : ''}${step}`;
const outcome = (c: PresetCase, step: string, s?: Scenario): Promise<Outcome> => stepOf(stepName(c, step, s)).promise;

/** All of a preset's commands, in order, on its own emulator. */
const runPreset = async (c: PresetCase): Promise<void> => {
  const names = [stepName(c, 'pass'), ...c.scenarios.flatMap((s) => ['check', 'grant', 'recheck'].map((step) => stepName(c, step, s)))];
  let emu: RunningEmulator | undefined;
  try {
    emu = await startEmulator(`emulator/states/presets/${c.state}`);
    const home = emu.home;
    const alias = emu.alias;
    const check = (user: string, args: string[]): Promise<CliResult> =>
      runCli(home, ['integration', 'check', '--preset', c.preset, '-o', alias, '--user', user, ...args, '--json']);
    stepOf(stepName(c, 'pass')).resolve({ run: await check(c.passing, c.scenarios[0].args) });
    // the scenarios build on each other's org changes: one after the other
    /* eslint-disable no-await-in-loop */
    for (const s of c.scenarios) {
      stepOf(stepName(c, 'check', s)).resolve({ run: await check(s.user, s.args) });
      // prettier-ignore
      const grant = await runCli(home, ['integration', 'grant', '--preset', c.preset, '-o', alias, '--user', s.user, ...s.args,
        '--deploy', '--no-prompt', '--output-dir', join(home, `grant-${s.user}`), '--json']);
      const stateUser = ((await emu.state()).users as StateUser[]).find((u) => u.username === s.user);
      stepOf(stepName(c, 'grant', s)).resolve({ run: grant, stateUser });
      stepOf(stepName(c, 'recheck', s)).resolve({ run: await check(s.user, s.args) });
    }
    /* eslint-enable no-await-in-loop */
  } catch (error) {
    for (const name of names) stepOf(name).reject(error); // settled steps ignore this
  } finally {
    await emu?.stop();
  }
};

describe('e2e: every built-in preset, check → grant → check', function () {
  this.timeout(300_000);

  before(() => {
    // start the presets' pipelines, at most PARALLEL_PRESETS at a time; the its wait for their steps
    const queue = [...CASES];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        // eslint-disable-next-line no-await-in-loop
        await runPreset(c);
      }
    };
    for (let i = 0; i < PARALLEL_PRESETS; i++) void worker();
  });

  it('covers every built-in preset', async () => {
    const home = mkdtempSync(join(tmpdir(), 'sfia-presets-'));
    try {
      const r = await runCli(home, ['integration', 'preset', 'list', '--json']);
      expect(r.code, explain(r)).to.equal(0);
      const listed = (r.json?.result as Array<{ name: string }>).map((p) => p.name);
      expect(sorted(CASES.map((c) => c.preset))).to.deep.equal(sorted(listed));
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  for (const c of CASES) {
    describe(`preset ${c.preset} (emulator/states/presets/${c.state})`, () => {
      it(`${c.passing} has everything: exit 0, passed`, async () => {
        const { run: r } = await outcome(c, 'pass');
        expect(r.code, explain(r)).to.equal(0);
        expect(r.json?.status).to.equal(0);
        const result = r.json!.result as CheckResult;
        const findings = onlyUser(result, c.passing);
        expect(result.users[0].passed).to.equal(true);
        expect(failingItems(findings)).to.deep.equal([]);
        for (const item of c.passingMustPass ?? []) {
          const f = findings.find((x) => itemKey(x) === item);
          expect(f, `finding "${item}" among ${findings.map(itemKey).join(' | ')}`).not.to.equal(undefined);
          expect(f!.status, `${item}: ${f!.message}`).to.equal('pass');
        }
      });

      for (const s of c.scenarios) {
        describe(`${s.user}: ${s.title}`, () => {
          const remaining = s.remaining ?? [];
          const fixable = remaining.length === 0;

          it(`fails on exactly the documented items (exit 3): ${s.missing.join(', ')}`, async () => {
            const { run: r } = await outcome(c, 'check', s);
            expect(r.code, explain(r)).to.equal(3);
            expect(r.json?.status).to.equal(3);
            const result = r.json!.result as CheckResult;
            const findings = onlyUser(result, s.user);
            expect(result.users[0].passed).to.equal(false);
            expect(sorted(failingItems(findings))).to.deep.equal(sorted(s.missing));
            // every failing item says how to fix it
            for (const f of findings.filter((x) => x.status === 'fail' || x.status === 'error')) expect(f.fix ?? '', itemKey(f)).to.have.length.greaterThan(0);
          });

          it(`grant --deploy --no-prompt deploys and assigns a set (exit ${fixable ? 0 : 3}${fixable ? '' : ', the rest as manual steps'})`, async () => {
            const { run: r, stateUser } = await outcome(c, 'grant', s);
            expect(r.code, explain(r)).to.equal(fixable ? 0 : 3);
            const result = r.json!.result as GrantResult;
            expect(['deployed', 'unchanged']).to.include(result.deployStatus);
            expect(result.assignments.filter((a) => a.status === 'failed'), JSON.stringify(result.assignments)).to.deep.equal([]);
            expect(result.assignments.map((a) => `${a.username} ${a.item}`)).to.include(`${s.user} permission set ${result.permissionSet.name}`);
            expect(sorted(result.plan.manualSteps.map((m) => m.path)), JSON.stringify(result.plan.manualSteps, null, 1)).to.deep.equal(sorted(s.manualStepPaths ?? []));
            // the re-check the grant ran
            expect(sorted(failingItems(onlyUser(result.check, s.user)))).to.deep.equal(sorted(remaining));
            // the org really changed: the user now holds the set (and the licences the plan asked for)
            expect(stateUser?.permissionSets).to.include(result.permissionSet.name);
            for (const licence of result.plan.licenseAssignments) expect(stateUser?.permissionSetLicenses).to.include(licence);
          });

          it(`check again: ${fixable ? 'passes (exit 0)' : `only ${remaining.join(', ')} remain (exit 3)`}`, async () => {
            const { run: r } = await outcome(c, 'recheck', s);
            expect(r.code, explain(r)).to.equal(fixable ? 0 : 3);
            const result = r.json!.result as CheckResult;
            const findings = onlyUser(result, s.user);
            expect(result.users[0].passed).to.equal(fixable);
            expect(sorted(failingItems(findings))).to.deep.equal(sorted(remaining));
          });
        });
      }
    });
  }
});
