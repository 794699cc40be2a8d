/*
 * The user's own record: active and not frozen, the user licence, permission set licences (the
 * Salesforce Integration licence's API Integration PSL among them) and required permission sets.
 */
import type { NameItem } from '../requirements/types.js';
import { API_INTEGRATION_PSL, API_INTEGRATION_PSL_LABEL, INTEGRATION_LICENSE, hasNoObjectPermissions } from '../salesforce/index.js';
import type { Finding } from './types.js';
import { EvaluationContext, eqName as eq, finding, uniqueNames as unique } from './context.js';

export const userStatusFindings = (ctx: EvaluationContext): Finding[] => {
  const { user } = ctx;
  const base = { kind: 'userStatus' as const, requirement: 'user is active', path: 'user' };
  if (user.isActive === false) {
    // Like a frozen user, an inactive one is something the admin fixes (activate the user): `fail`.
    // `error` is kept for what the org itself cannot do.
    return [
      finding(base, {
        status: 'fail',
        grantedBy: [],
        message: `${user.username} is inactive: an inactive user cannot log in or authorize an app, and API calls as the user fail`,
        fix: `Activate the user (Setup > Users > ${user.username} > Edit > Active), or check the user the integration really connects as`,
      }),
    ];
  }
  if (user.isFrozen === true) {
    return [
      finding(base, {
        status: 'fail',
        grantedBy: [],
        message: `${user.username} is frozen: logins and API calls are blocked`,
        fix: `Unfreeze the user in Setup > Users > ${user.username} > Unfreeze`,
      }),
    ];
  }
  return [finding(base, { status: 'pass', grantedBy: [], message: `${user.username} is active and not frozen` })];
};

/** The user licence: any of the listed ones. */
const userLicenceFindings = (ctx: EvaluationContext): Finding[] => {
  const { user } = ctx;
  const userLicense = user.userLicense ?? '';
  const licenseItems = ctx.requirements.user?.licenses ?? [];
  if (licenseItems.length === 0) return [];
  const names = unique(licenseItems.flatMap((i) => i.names));
  const base = {
    kind: 'license' as const,
    requirement: `user licence ${names.join(' or ')}`,
    path: licenseItems[0].path,
    feature: licenseItems[0].feature,
  };
  const hit = names.find((n) => eq(n, userLicense));
  if (hit) {
    return [
      finding(
        { ...base, ...(names.length > 1 ? { chosen: hit } : {}) },
        { status: 'pass', grantedBy: [{ kind: 'Profile', name: user.profileName, via: `licence ${userLicense}` }], message: `the user has the ${userLicense} licence` }
      ),
    ];
  }
  return [
    finding(base, {
      status: 'fail',
      grantedBy: [],
      message: `the user has the ${userLicense || 'unknown'} licence (profile ${user.profileName}), not ${names.join(' or ')}`,
      fix: `Use a user with the ${names.join(' or ')} licence, or give this user a profile of that licence (Setup > Users > ${user.username} > Edit > User License / Profile)`,
    }),
  ];
};

/** Permission set licences known in the org and held by the user, matched by developer name or label. */
type PslLookup = { known: boolean; inOrg: (name: string) => string | undefined; held: (name: string) => boolean };

const pslLookup = (ctx: EvaluationContext): PslLookup => {
  const knownPsls = ctx.snapshot.permissionSetLicenses ?? {};
  const inOrg = (name: string): string | undefined => Object.keys(knownPsls).find((k) => eq(k, name) || eq(knownPsls[k] ?? '', name));
  return {
    known: Object.keys(knownPsls).length > 0,
    inOrg,
    held: (name): boolean => {
      const devName = inOrg(name) ?? name;
      return (ctx.user.permissionSetLicenses ?? []).some((p) => eq(p, devName) || eq(p, name));
    },
  };
};

/** The Salesforce Integration licence holds object access only with the Salesforce API Integration PSL. */
const integrationLicenceFindings = (ctx: EvaluationContext, psl: PslLookup): Finding[] => {
  const { user, requirements } = ctx;
  const asksApiPsl = (requirements.user?.permissionSetLicenses ?? []).some((i) => i.names.some((n) => eq(n, API_INTEGRATION_PSL) || eq(n, API_INTEGRATION_PSL_LABEL)));
  const needsObjectAccess = (requirements.objects ?? []).some((o) => !hasNoObjectPermissions(o.object) && (o.access.length > 0 || o.fields.length > 0));
  if (!eq(user.userLicense ?? '', INTEGRATION_LICENSE) || !needsObjectAccess || asksApiPsl) return [];
  const base = { kind: 'permissionSetLicense' as const, requirement: `permission set licence ${API_INTEGRATION_PSL} (object access for the Salesforce Integration licence)`, path: 'objects' };
  if (psl.held(API_INTEGRATION_PSL)) {
    return [
      finding(base, {
        status: 'pass',
        grantedBy: [{ kind: 'Org', name: `permission set licence ${API_INTEGRATION_PSL}` }],
        message: `the Salesforce Integration licence holds object access with the ${API_INTEGRATION_PSL_LABEL} permission set licence, which the user has`,
      }),
    ];
  }
  const missingInOrg = psl.known && !psl.inOrg(API_INTEGRATION_PSL);
  return [
    finding(base, {
      status: missingInOrg ? 'error' : 'fail',
      grantedBy: [],
      message: `the Salesforce Integration licence cannot hold object access without the ${API_INTEGRATION_PSL_LABEL} permission set licence (${API_INTEGRATION_PSL})${missingInOrg ? ', which this org does not have' : ', which the user does not have'}`,
      fix: missingInOrg
        ? `Provision the ${API_INTEGRATION_PSL_LABEL} permission set licence in this org (Salesforce account executive), then assign it to the user`
        : `Assign the Salesforce API Integration permission set licence first (Setup > Users > ${user.username} > Permission Set License Assignments > Edit Assignments), then the permission sets that grant object access`,
    }),
  ];
};

const pslItemFinding = (ctx: EvaluationContext, psl: PslLookup, item: NameItem): Finding => {
  const names = unique(item.names);
  const base = { kind: 'permissionSetLicense' as const, requirement: `permission set licence ${names.join(' or ')}`, path: item.path, feature: item.feature };
  const held = names.find((n) => psl.held(n));
  if (held) {
    return finding(
      { ...base, ...(names.length > 1 ? { chosen: held } : {}) },
      { status: 'pass', grantedBy: [{ kind: 'Org', name: `permission set licence ${psl.inOrg(held) ?? held}` }], message: `the user has the permission set licence ${held}` }
    );
  }
  const inOrg = names.filter((n) => !psl.known || psl.inOrg(n));
  if (inOrg.length === 0) {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: `${names.join(' or ')} ${names.length > 1 ? 'are not permission set licences' : 'is not a permission set licence'} in this org (not purchased or not provisioned)`,
      fix: 'Provision the permission set licence in this org (Salesforce account executive); it cannot be assigned until the org has it',
    });
  }
  return finding(
    { ...base, ...(names.length > 1 ? { chosen: inOrg[0] } : {}) },
    {
      status: 'fail',
      grantedBy: [],
      message: `the user does not have the permission set licence ${names.join(' or ')}`,
      fix: `Assign the permission set licence ${inOrg[0]} to the user (Setup > Users > ${ctx.user.username} > Permission Set License Assignments > Edit Assignments)`,
    }
  );
};

export const licenceFindings = (ctx: EvaluationContext): Finding[] => {
  const psl = pslLookup(ctx);
  return [
    ...userLicenceFindings(ctx),
    ...integrationLicenceFindings(ctx, psl),
    ...(ctx.requirements.user?.permissionSetLicenses ?? []).map((item) => pslItemFinding(ctx, psl, item)),
  ];
};

export const permissionSetFindings = (ctx: EvaluationContext): Finding[] => {
  const { user, snapshot } = ctx;
  const assigned = (user.permissionSetIds ?? [])
    .map((id) => snapshot.permissionSets?.[id])
    .filter((ps): ps is NonNullable<typeof ps> => ps !== undefined && (ps.kind === 'PermissionSet' || ps.kind === 'PermissionSetGroup'));
  return (ctx.requirements.user?.permissionSets ?? []).map((item) => {
    const names = unique(item.names);
    const base = { kind: 'permissionSet' as const, requirement: `permission set ${names.join(' or ')}`, path: item.path, feature: item.feature };
    for (const name of names) {
      const ps = assigned.find((p) => eq(p.name, name));
      if (ps) {
        return finding(
          { ...base, ...(names.length > 1 ? { chosen: ps.name } : {}) },
          {
            status: 'pass',
            grantedBy: [{ kind: ps.kind === 'PermissionSetGroup' ? 'PermissionSetGroup' : 'PermissionSet', name: ps.name }],
            message: `${ps.kind === 'PermissionSetGroup' ? 'permission set group' : 'permission set'} ${ps.name} is assigned${ps.sessionBased ? ' (session-based: counts only while activated)' : ''}`,
          }
        );
      }
    }
    return finding(
      { ...base, ...(names.length > 1 ? { chosen: names[0] } : {}) },
      {
        status: 'fail',
        grantedBy: [],
        message: `${names.join(' or ')} ${names.length > 1 ? 'are' : 'is'} not assigned to the user`,
        fix: `Assign ${names[0]} to the user (Setup > Users > ${user.username} > Permission Set Assignments, or \`sf org assign permset --name ${names[0]} --on-behalf-of ${user.username}\`)`,
      }
    );
  });
};
