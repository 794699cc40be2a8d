/*
 * A refresh (ReadOptions.refresh, grant's re-check) re-reads only what a change of assignments alters and
 * reuses the rest of the first read. Its result must equal a full read's, also when the org changed in a
 * way the caller did not announce (a set assigned by someone else meanwhile). In-process: the plugin's
 * readSnapshot against the emulator (its own rule code), over loopback.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Connection } from '@salesforce/core';
import { parseStateText } from '../../emulator/src/state.js';
import { startEmulator, type EmulatorHandle } from '../../emulator/src/index.js';
import { readSnapshot } from '../../src/snapshot/read.js';
import type { OrgSnapshot } from '../../src/snapshot/types.js';
import { loadRequirements } from '../../src/shared/requirementsInput.js';
import type { Requirements } from '../../src/requirements/types.js';
import { repoRoot } from './harness.js';

const USER = 'agent@acme.example';

/** The snapshot without the API usage counter (it counts the requests themselves). */
const comparable = (s: OrgSnapshot): unknown => ({ ...s, org: { ...s.org, dailyApiRequests: undefined } });

describe('e2e: a refresh read equals a full read, in one round trip', function () {
  this.timeout(120_000);
  let emulator: EmulatorHandle;
  let conn: Connection;
  let requirements: Requirements;
  let home: string;
  const savedEnv: Record<string, string | undefined> = {};

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'sfia-refresh-'));
    for (const k of ['HOME', 'SF_USE_GENERIC_UNIX_KEYCHAIN', 'SF_DISABLE_TELEMETRY']) savedEnv[k] = process.env[k];
    Object.assign(process.env, { HOME: home, SF_USE_GENERIC_UNIX_KEYCHAIN: 'true', SF_DISABLE_TELEMETRY: 'true' });
    const state = parseStateText(readFileSync(join(repoRoot, 'emulator', 'states', 'demo.yaml'), 'utf8'));
    emulator = await startEmulator({ state });
    const core = await import('@salesforce/core');
    const authInfo = await core.AuthInfo.create({
      accessTokenOptions: { accessToken: emulator.accessToken, instanceUrl: emulator.instanceUrl, loginUrl: emulator.instanceUrl },
    });
    conn = await core.Connection.create({ authInfo });
    requirements = await loadRequirements({ preset: 'crankwheel' });
  });

  after(async () => {
    await emulator?.stop();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(home, { recursive: true, force: true });
  });

  /** Assigns a set to the user by changing the emulator's org state (as another admin would). */
  const assignInOrg = (setName: string): void => {
    const state = emulator.getState();
    const user = (state.users ?? []).find((u) => u.username === USER)!;
    user.permissionSets = [...(user.permissionSets ?? []), setName];
    emulator.setState(state);
  };

  const setIdOf = async (name: string): Promise<string> =>
    (await conn.query<{ Id: string }>(`SELECT Id FROM PermissionSet WHERE Name = '${name}'`)).records[0].Id;

  it('reads what an announced assignment added in one request and matches a full read', async () => {
    const first = await readSnapshot(conn, requirements, { users: [USER], crossCheck: false });
    assignInOrg('Report_Builder');
    const added = await setIdOf('Report_Builder');
    emulator.clearLog();
    const refreshed = await readSnapshot(conn, requirements, { users: [USER], crossCheck: false, refresh: { previous: first, setIds: [added] } });
    const requests = emulator.requestLog().length;
    const full = await readSnapshot(conn, requirements, { users: [USER], crossCheck: false });
    expect(refreshed.users[0].permissionSetIds, 'the new set is among the user’s sources').to.include(added);
    expect(first.users[0].permissionSetIds).to.not.include(added);
    expect(comparable(refreshed)).to.deep.equal(comparable(full));
    expect(requests, 'one Composite request').to.equal(1);
  });

  it('finds a set assigned by someone else meanwhile (not announced) with one more round trip, and still matches a full read', async () => {
    const first = await readSnapshot(conn, requirements, { users: [USER], crossCheck: false });
    assignInOrg('Sales_Base');
    const unannounced = await setIdOf('Sales_Base');
    emulator.clearLog();
    const refreshed = await readSnapshot(conn, requirements, { users: [USER], crossCheck: false, refresh: { previous: first } });
    const requests = emulator.requestLog().length;
    const full = await readSnapshot(conn, requirements, { users: [USER], crossCheck: false });
    expect(refreshed.users[0].permissionSetIds).to.include(unannounced);
    expect(comparable(refreshed)).to.deep.equal(comparable(full));
    expect(requests).to.equal(2);
  });
});
