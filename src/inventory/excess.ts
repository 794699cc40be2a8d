/*
 * The inventory's excess-privilege counts per integration user. The inventory has no manifest, so the
 * basis is "nothing required": everything an integration user holds counts as excess, ranked by the
 * same risk tiers and computed by the same pure function as `check --excess` (src/excess/compute.ts),
 * with one exception — access to an app the user holds OAuth tokens for is the integration's own way in,
 * not excess. A user with no critical or high items holds nothing dangerous; the counts say where to run
 * `check --excess` with the integration's manifest (or preset) for the exact list.
 *
 * The read: after the inventory's own round trip, one snapshot read of all the integration users at
 * once (src/snapshot/read.ts with `excess: true`), so the number of requests does not grow with the
 * number of users or apps (users go into IN lists of thousands of Ids per query).
 */
import type { Connection } from '@salesforce/core';
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot } from '../snapshot/types.js';
import { computeExcess } from '../excess/compute.js';
import { RISK_TIERS } from '../salesforce/riskTiers.js';
import type { InventorySnapshot, IntegrationUserExcess } from './types.js';

/** The manifest the inventory compares against: nothing (see the top of this file). */
export const NOTHING_REQUIRED: Requirements = {
  name: 'nothing-required',
  label: 'Nothing required (inventory)',
  origin: 'inventory',
  features: [],
  user: { licenses: [], permissionSetLicenses: [], permissionSets: [], forbiddenPermissions: [] },
  systemPermissions: [],
  customPermissions: [],
  objects: [],
};

/** The Ids of the integration users the inventory lists (the licence's users and the API Only holders). */
export const integrationUserIds = (s: InventorySnapshot): string[] => {
  const ids = new Set([...s.integrationLicenceUsers.map((u) => u.id), ...(s.holders.ApiUserOnly?.assignments ?? []).map((a) => a.userId)]);
  return [...ids].filter(Boolean).sort();
};

/** One read of everything the integration users hold (every set's permissions, objects, fields, app access). */
export const readIntegrationUserAccess = async (conn: Connection, userIds: string[]): Promise<OrgSnapshot | undefined> => {
  if (userIds.length === 0) return undefined;
  const { readSnapshot } = await import('../snapshot/read.js');
  return readSnapshot(conn, NOTHING_REQUIRED, { users: userIds, excess: true, crossCheck: false });
};

const appKey = (name: string): string => name.toLowerCase().replace(/[\s_-]+/g, '');

/**
 * Excess counts by tier of one user (by Id), relative to nothing required; app access to the apps the
 * user holds tokens for (`appsUsed`, OauthToken.AppName) is not counted. Undefined when the user was not read.
 */
export const integrationUserExcess = (access: OrgSnapshot, userId: string, appsUsed: string[]): IntegrationUserExcess | undefined => {
  const user = access.users.find((u) => u.id.slice(0, 15) === userId.slice(0, 15));
  if (!user) return undefined;
  const used = new Set(appsUsed.map(appKey));
  const items = computeExcess(NOTHING_REQUIRED, access, user).items.filter((i) => !(i.kind === 'appAccess' && i.app && used.has(appKey(i.app.name))));
  const counts = Object.fromEntries(RISK_TIERS.map((t) => [t, items.filter((i) => i.tier === t).length])) as IntegrationUserExcess['counts'];
  const highest = RISK_TIERS.find((t) => counts[t] > 0);
  const riskiest = highest ? items.filter((i) => i.tier === highest).map((i) => i.item) : [];
  return { basis: 'nothingRequired', total: items.length, counts, ...(highest ? { highest, riskiest } : {}) };
};
