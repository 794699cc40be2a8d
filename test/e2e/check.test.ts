/*
 * sf integration check, end to end: the real bin/run.js against the org emulator with the demo org
 * (emulator/states/demo.yaml), as a user runs it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CheckResult } from '../../src/commands/integration/check.js';
import type { Finding } from '../../src/evaluation/types.js';
import { RunningEmulator, runCli, startEmulator, RequestLogEntry } from './harness.js';

const findingsOf = (result: CheckResult, username: string): Finding[] => {
  const user = result.users.find((u) => u.username === username);
  expect(user, `user ${username} in result`).to.not.equal(undefined);
  return user!.findings;
};
const byRequirement = (findings: Finding[], requirement: string): Finding => {
  const f = findings.find((x) => x.requirement === requirement || x.requirement.startsWith(`${requirement} `));
  expect(f, `finding "${requirement}" among ${findings.map((x) => x.requirement).join(' | ')}`).to.not.equal(undefined);
  return f!;
};
const noStackTrace = (text: string): void => {
  expect(text).not.to.match(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(text).not.to.include('undefined');
};
/** Requests after authentication that the command itself made (the emulator logs every request). */
const writes = (log: RequestLogEntry[]): RequestLogEntry[] =>
  log.filter((r) => r.method !== 'GET' && !r.path.split('?')[0].endsWith('/composite') && !r.path.includes('/services/Soap/m/'));

describe('e2e: sf integration check', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;

  before(async () => {
    emu = await startEmulator('demo.yaml');
  });
  after(async () => {
    await emu?.stop();
  });

  it('shows real examples in --help', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '--help']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.include('EXAMPLES');
    expect(r.stdout).to.include('--preset crankwheel');
    expect(r.stdout).to.include('--result-format');
  });

  it('reports exactly what the CrankWheel agent is missing, and what grants the rest (exit 3)', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'agent@acme.example', '--json']);
    expect(r.code, r.stderr).to.equal(3);
    expect(r.json?.status).to.equal(3);
    const result = r.json!.result as CheckResult;
    const findings = findingsOf(result, 'agent@acme.example');

    // the demo org's Sales Agent profile lacks Edit Events, FLS on Contact.MobilePhone, and (it only
    // reads Events) the edit FLS the preset asks on Event.Description/WhoId/WhatId — and nothing else
    const missing = findings.filter((f) => f.status === 'fail' || f.status === 'error').map((f) => f.requirement.split(' ')[0]);
    expect(missing.sort()).to.deep.equal(['Contact.MobilePhone:', 'EditEvent', 'Event.Description:', 'Event.WhatId:', 'Event.WhoId:']);
    expect(byRequirement(findings, 'Contact.MobilePhone: read').fix).to.include('Contact.MobilePhone');
    // granted by the profile
    const api = byRequirement(findings, 'ApiEnabled');
    expect(api.status).to.equal('pass');
    expect(api.grantedBy).to.deep.include({ kind: 'Profile', name: 'Sales Agent' });
    // Approve Uninstalled Connected Apps (the preset requires it alone: Use Any API Client no longer authorizes an
    // uninstalled app, Help 005228838): the agent's CrankWheel_User permission set carries it
    const approve = findings.find((f) => f.path === 'systemPermissions[1]');
    expect(approve?.requirement).to.equal('CanApproveUninstalledApps (Approve Uninstalled Connected Apps)');
    expect(approve?.status).to.equal('pass');
    expect(approve?.grantedBy.map((g) => g.name)).to.include('CrankWheel_User');
    // Lead has no HomePhone field: the optional item is skipped, not failed
    expect(byRequirement(findings, 'Lead.HomePhone?: read').status).to.equal('skip');
    // Contact.Name is not permissionable: readable with the object
    expect(byRequirement(findings, 'Contact.Name: read').status).to.equal('pass');
    expect(result.summary.failed).to.be.greaterThan(0);
  });

  it('prints a human table of only what is missing, with fixes', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'agent@acme.example']);
    expect(r.code).to.equal(3);
    expect(r.stdout).to.include('FAIL  agent@acme.example');
    expect(r.stdout).to.include('Contact.MobilePhone: read');
    expect(r.stdout).to.include('fix:');
    expect(r.stdout).not.to.include('granted by Profile: Sales Agent');
    noStackTrace(r.stdout + r.stderr);
  });

  it('passes the admin for a manifest of things the admin profile grants (exit 0)', async () => {
    const manifest = join(emu.home, 'mine.yaml');
    writeFileSync(
      manifest,
      [
        'name: my-sync',
        'label: My Sync',
        'systemPermissions: [API Enabled, ModifyAllData]',
        'objects:',
        '  Contact:',
        '    access: [read, edit]',
        '    fields:',
        '      read: [Email, Name]',
        '',
      ].join('\n')
    );
    const r = await runCli(emu.home, ['integration', 'check', '--manifest', manifest, '-o', emu.alias, '--json']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    const result = r.json!.result as CheckResult;
    expect(result.users[0].username).to.equal('admin@acme.example');
    expect(result.users[0].passed).to.equal(true);
  });

  it('exits 1 with a named error and no stack trace for an unknown preset', async () => {
    const r = await runCli(emu.home, ['integration', 'check', '--preset', 'crankweel', '-o', emu.alias, '--json']);
    expect(r.code).to.equal(1);
    expect(r.json?.name).to.equal('UnknownPreset');
    expect(String(r.json?.message)).to.include('crankwheel');
    const human = await runCli(emu.home, ['integration', 'check', '--preset', 'crankweel', '-o', emu.alias]);
    expect(human.code).to.equal(1);
    noStackTrace(human.stderr);
  });

  it('exits 1 naming the file, the place and the fix for a bad manifest', async () => {
    const manifest = join(emu.home, 'bad.yaml');
    writeFileSync(manifest, 'name: bad\nlabel: Bad\nobjects:\n  Contact:\n    access: [raed]\n');
    const r = await runCli(emu.home, ['integration', 'check', '--manifest', manifest, '-o', emu.alias]);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('bad.yaml');
    expect(r.stderr).to.include('objects.Contact.access[0]');
    expect(r.stderr).to.include('read');
    noStackTrace(r.stderr);
  });

  it('is read-only and costs no more requests for 8 users than for 1', async () => {
    await emu.clearLog();
    // ops@ gets access through a permission set group, which adds the group-member queries: the
    // single-user run includes one so both runs read the same kinds of data
    const one = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '-o', emu.alias, '--user', 'ops@acme.example', '--json']);
    expect(one.code).to.equal(3);
    const logOne = await emu.log();
    await emu.clearLog();
    const users = ['agent@acme.example', 'admin@acme.example', 'integration@acme.example', 'integration-nopsl@acme.example', 'platform@acme.example', 'ops@acme.example', 'frozen@acme.example', 'former@acme.example'];
    const many = await runCli(emu.home, ['integration', 'check', '--preset', 'crankwheel', '-o', emu.alias, ...users.flatMap((u) => ['--user', u]), '--json']);
    expect(many.code).to.equal(3);
    expect((many.json!.result as CheckResult).users).to.have.length(users.length);
    const logMany = await emu.log();
    expect(writes(logOne), JSON.stringify(logOne)).to.deep.equal([]);
    expect(writes(logMany)).to.deep.equal([]);
    // requests do not grow with users: 8 users cost no more than 1 (one user also gets the cross-check
    // queries against UserEntityAccess / UserFieldAccess, which are skipped above 2 users)
    expect(logMany.length, JSON.stringify(logMany.map((l) => l.path))).to.be.at.most(logOne.length);
    expect(logOne.length, JSON.stringify(logOne.map((l) => `${l.method} ${l.path}`))).to.be.at.most(6);
  });
});
