/*
 * The user's side of the plan: status, licences and permission set licences, required permission sets,
 * forbidden permissions the user holds (manual steps) and the edition.
 */
import type { Requirements } from '../requirements/types.js';
import type { OrgSnapshot, PermissionSource, UserAccess } from '../snapshot/types.js';
import { API_INTEGRATION_PSL, INTEGRATION_LICENSE } from '../salesforce/index.js';
import { compareText } from './dependencies.js';
import { PlanBuilder, hasKey, listUsers, orList, sourcesOf } from './planBuilder.js';
import { text } from './planTexts.generated.js';

export function planUserStatus(builder: PlanBuilder, snapshot: OrgSnapshot): void {
  for (const user of snapshot.users) {
    if (!user.isActive) {
      builder.manual(text('user.active.requirement'), 'user', text('user.active.step', user.username, user.name || user.username));
    }
    if (user.isFrozen) {
      builder.manual(text('user.unfrozen.requirement'), 'user', text('user.unfrozen.step', user.username, user.name || user.username));
    }
  }
  for (const unresolved of snapshot.unresolvedUsers.filter((entry) => entry.reason === 'inactive')) {
    builder.manual(text('user.active.requirement'), 'user', text('user.unresolvedInactive.step', unresolved.input));
  }
}

export function planLicences(builder: PlanBuilder, requirements: Requirements, snapshot: OrgSnapshot): string | undefined {
  const users = snapshot.users;
  const orgLicences = snapshot.permissionSetLicenses;
  const licenceKnown = Object.keys(orgLicences).length === 0 ? undefined : (developerName: string): boolean => hasKey(orgLicences, developerName);
  let license: string | undefined;

  const integrationUsers = users.filter((user) => user.userLicense === INTEGRATION_LICENSE);
  if (integrationUsers.length > 0) {
    if (licenceKnown === undefined || licenceKnown(API_INTEGRATION_PSL)) {
      builder.licenseAssignments.add(API_INTEGRATION_PSL);
      if (integrationUsers.length === users.length) {
        // Every target user holds the Integration licence: the set can declare the PSL, as Salesforce
        // recommends for API-only integration sets. Mixed targets: no declaration, so the set stays assignable to all.
        license = API_INTEGRATION_PSL;
      }
    } else {
      builder.manual(
        text('licence.permissionSetLicence.requirement', API_INTEGRATION_PSL),
        'user.licenses',
        text('licence.integrationPsl.step', listUsers(integrationUsers), INTEGRATION_LICENSE, API_INTEGRATION_PSL)
      );
    }
  }

  for (const item of requirements.user.permissionSetLicenses) {
    const inOrg = licenceKnown === undefined ? item.names : item.names.filter((name) => licenceKnown(name));
    if (inOrg.length === 0) {
      builder.manual(
        text('licence.permissionSetLicence.requirement', orList(item.names)),
        item.path,
        text('licence.permissionSetLicence.step', orList(item.names))
      );
      continue;
    }
    const held = inOrg.find((name) => users.length > 0 && users.every((user) => user.permissionSetLicenses.includes(name)));
    builder.licenseAssignments.add(held ?? inOrg[0]);
  }

  // user.licenses lists the licences that are accepted: any one of them will do (as check reads it)
  const accepted = [...new Set(requirements.user.licenses.flatMap((item) => item.names))];
  if (accepted.length > 0) {
    const path = requirements.user.licenses[0].path;
    for (const user of users.filter((u) => !accepted.includes(u.userLicense))) {
      builder.manual(
        text('licence.userLicence.requirement', orList(accepted)),
        path,
        text('licence.userLicence.step', user.username, orList(accepted), user.userLicense, user.name || user.username)
      );
    }
  }
  return license;
}

export function planRequiredPermissionSets(builder: PlanBuilder, requirements: Requirements, snapshot: OrgSnapshot): void {
  for (const item of requirements.user.permissionSets) {
    const lacking = snapshot.users.filter((user) => {
      const assigned = new Set(sourcesOf(user, snapshot).map((source) => source.name));
      return !item.names.some((name) => assigned.has(name));
    });
    if (lacking.length === 0) continue;
    const which = item.names.length === 1 ? item.names[0] : text('permissionSet.oneOf', item.names.join(', '));
    builder.manual(
      text('permissionSet.requirement', orList(item.names)),
      item.path,
      text('permissionSet.step', which, listUsers(lacking), item.names[0])
    );
  }
}

export function planForbiddenHeld(builder: PlanBuilder, requirements: Requirements, snapshot: OrgSnapshot): void {
  for (const item of requirements.user.forbiddenPermissions) {
    for (const permission of item.names) {
      const bySource = new Map<string, { source: PermissionSource; users: UserAccess[] }>();
      for (const user of snapshot.users) {
        for (const source of sourcesOf(user, snapshot).filter((entry) => entry.systemPermissions.includes(permission))) {
          const entry = bySource.get(source.id) ?? { source, users: [] };
          entry.users.push(user);
          bySource.set(source.id, entry);
        }
      }
      for (const { source, users } of [...bySource.values()].sort((a, b) => compareText(a.source.name, b.source.name))) {
        builder.manual(text('forbidden.requirement', permission), item.path, forbiddenStep(permission, source, users, snapshot));
      }
    }
  }
}

export function forbiddenStep(permission: string, source: PermissionSource, users: UserAccess[], snapshot: OrgSnapshot): string {
  const who = listUsers(users);
  switch (source.kind) {
    case 'Profile':
      return text('forbidden.profile.step', permission, source.label || source.name, who);
    case 'PermissionSetGroup': {
      const members = (source.group?.memberIds ?? [])
        .map((id) => snapshot.permissionSets[id])
        .filter((member): member is PermissionSource => member?.systemPermissions.includes(permission) === true)
        .map((member) => member.name);
      return members.length > 0
        ? text('forbidden.permissionSetGroupMember.step', permission, source.name, members.join(', '), who)
        : text('forbidden.permissionSetGroup.step', permission, source.name, who);
    }
    default:
      return text('forbidden.permissionSet.step', permission, source.name, who);
  }
}

export function planEdition(builder: PlanBuilder, requirements: Requirements, snapshot: OrgSnapshot): void {
  const wantsApi =
    requirements.systemPermissions.some((item) => item.names.includes('ApiEnabled')) ||
    (requirements.oauth?.scopes.some((item) => item.names.includes('api')) ?? false);
  const edition = snapshot.org.edition;
  if (!wantsApi || edition === '') return;
  if (/enterprise|unlimited|performance|developer/i.test(edition)) return;
  const step = /professional/i.test(edition)
    ? text('edition.professional.step', edition)
    : text('edition.none.step', edition);
  builder.manual(text('edition.requirement'), 'systemPermissions', step);
}
