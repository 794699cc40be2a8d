/* System permissions in the plan: an anyOf is met by the least powerful member the org has. */
import type { NameItem } from '../requirements/types.js';
import type { OrgSnapshot } from '../snapshot/types.js';
import { describeGrants, effectiveAccess } from '../evaluation/index.js';
import { CAN_APPROVE_UNINSTALLED_APPS, USE_ANY_API_CLIENT } from '../salesforce/index.js';
import { isBroadPermission, rankByPower } from './dependencies.js';
import { PlanBuilder } from './planBuilder.js';
import { text } from './planTexts.generated.js';

export function planAnyOf(builder: PlanBuilder, item: NameItem, snapshot: OrgSnapshot): void {
  const list = text('anyOf.list', item.names.join(', '));
  const allowed = item.names.filter((name) => !builder.isForbidden(name) && builder.isAvailable(name));
  // An anyOf offering Approve Uninstalled Connected Apps next to Use Any API Client is about authorizing an
  // uninstalled app, which only the former does since the week of 8 Dec 2025 (Salesforce Help 005228838):
  // never pick Use Any API Client for it, even when a user already holds it.
  const candidates = allowed.includes(CAN_APPROVE_UNINSTALLED_APPS) ? allowed.filter((name) => name !== USE_ANY_API_CLIENT) : allowed;
  if (candidates.length === 0) {
    const why = item.names.every((name) => builder.isForbidden(name))
      ? text('anyOf.allForbidden.why')
      : text('anyOf.noneAvailable.why');
    builder.omit(list, item.path, why);
    return;
  }
  const inPlan = candidates.find((name) => builder.userPermissions.has(name));
  if (inPlan !== undefined) {
    builder.addUserPermission(inPlan, { path: item.path, kind: 'anyOf', note: text('anyOf.inSet.note', list) });
    return;
  }
  const holders = new Map<string, string[]>();
  for (const user of snapshot.users) {
    const access = effectiveAccess(snapshot, user);
    for (const name of candidates) {
      const grants = access.systemPermission(name);
      if (grants.length > 0) holders.set(name, [...(holders.get(name) ?? []), text('anyOf.holder', user.username, describeGrants(grants))]);
    }
  }
  const ranked = rankByPower(candidates, builder.dependencies);
  const narrowAvailable = ranked.some((name) => !isBroadPermission(name));
  const heldChoices = ranked.filter((name) => holders.has(name) && (!narrowAvailable || !isBroadPermission(name)));
  if (heldChoices.length > 0) {
    const chosen = heldChoices[0];
    builder.addUserPermission(chosen, {
      path: item.path,
      kind: 'anyOf',
      note: text('anyOf.held.note', list, (holders.get(chosen) ?? []).join(', ')),
    });
    return;
  }
  const chosen = ranked[0];
  const heldBroad = ranked.filter((name) => holders.has(name));
  const note =
    heldBroad.length > 0
      ? text('anyOf.leastPowerfulHeldBroad.note', list, heldBroad.map((name) => text('anyOf.heldBy', name, (holders.get(name) ?? []).join(', '))).join('; '), chosen)
      : text('anyOf.leastPowerful.note', list);
  builder.addUserPermission(chosen, { path: item.path, kind: 'anyOf', note });
}
