/*
 * Custom permissions in the emulated org, the way Salesforce stores them (Object Reference,
 * "CustomPermission" and "SetupEntityAccess"): one CustomPermission row per permission, and one
 * SetupEntityAccess row (SetupEntityType = 'CustomPermission') per permission set that enables it — the
 * profile's own set, a regular set, a muting set, and a group's aggregate set, which holds the members'
 * custom permissions minus those its muting set lists.
 *
 * The emulator's own knowledge: it deliberately imports nothing from the plugin.
 */
import type { CustomPermissionState, OrgState, PermissionSetGroupState } from './orgState.js';

/** `ns__Name` → namespace and developer name; `Name` → no namespace. */
export const splitCustomPermissionName = (name: string): { namespace: string | null; developerName: string } => {
  const m = /^([A-Za-z][A-Za-z0-9]*)__(.+)$/.exec(name);
  return m ? { namespace: m[1], developerName: m[2] } : { namespace: null, developerName: name };
};

/** The org's spelling of a custom permission name (case-insensitive), or undefined when the org has none. */
export const findCustomPermission = (state: OrgState, name: string): CustomPermissionState | undefined =>
  (state.customPermissions ?? []).find((c) => c.name.toLowerCase() === name.toLowerCase());

/** A group's aggregate: the members' custom permissions minus the muting set's (names as the org spells them). */
export const groupCustomPermissions = (state: OrgState, group: PermissionSetGroupState): string[] => {
  const sets = new Map((state.permissionSets ?? []).map((s) => [s.name, s]));
  const muted = new Set((group.mutingPermissionSet?.customPermissions ?? []).map((n) => n.toLowerCase()));
  const out = new Map<string, string>();
  for (const member of group.members ?? []) {
    for (const name of sets.get(member)?.customPermissions ?? []) {
      if (!muted.has(name.toLowerCase())) out.set(name.toLowerCase(), findCustomPermission(state, name)?.name ?? name);
    }
  }
  return [...out.values()].sort();
};

/** Every holder of custom permissions in the state: a key for stable Ids, how to find its PermissionSet Id, the names. */
export type CustomPermissionHolder = {
  key: string;
  kind: 'profile' | 'permissionSet' | 'muting' | 'group';
  name: string;
  names: string[];
};

export const customPermissionHolders = (state: OrgState): CustomPermissionHolder[] => {
  const holders: CustomPermissionHolder[] = [];
  for (const p of state.profiles ?? []) holders.push({ key: `profile:${p.name}`, kind: 'profile', name: p.name, names: p.customPermissions ?? [] });
  for (const s of state.permissionSets ?? []) holders.push({ key: `set:${s.name}`, kind: 'permissionSet', name: s.name, names: s.customPermissions ?? [] });
  for (const g of state.permissionSetGroups ?? []) {
    const m = g.mutingPermissionSet;
    if (m) holders.push({ key: `muting:${m.name}`, kind: 'muting', name: m.name, names: m.customPermissions ?? [] });
    holders.push({ key: `group:${g.name}`, kind: 'group', name: g.name, names: groupCustomPermissions(state, g) });
  }
  return holders.filter((h) => h.names.length > 0);
};
