/*
 * The user's own record: active and not frozen, the user licence, permission set licences (the
 * Salesforce Integration licence's API Integration PSL among them) and required permission sets.
 */
import type { NameItem } from '../requirements/types.js';
import { API_INTEGRATION_PSL, API_INTEGRATION_PSL_LABEL, INTEGRATION_LICENSE, hasNoObjectPermissions } from '../salesforce/index.js';
import type { Finding } from './types.js';
import { EvaluationContext, eqName as eq, finding, orList, uniqueNames as unique } from './context.js';
import { text } from './texts.generated.js';

export const userStatusFindings = (ctx: EvaluationContext): Finding[] => {
  const { user } = ctx;
  const base = { kind: 'userStatus' as const, requirement: text('userStatus.requirement'), path: 'user' };
  if (user.isActive === false) {
    // Like a frozen user, an inactive one is something the admin fixes (activate the user): `fail`.
    // `error` is kept for what the org itself cannot do.
    return [
      finding(base, {
        status: 'fail',
        grantedBy: [],
        message: text('userStatus.inactive.message', user.username),
        fix: text('userStatus.inactive.fix', user.username),
      }),
    ];
  }
  if (user.isFrozen === true) {
    return [
      finding(base, {
        status: 'fail',
        grantedBy: [],
        message: text('userStatus.frozen.message', user.username),
        fix: text('userStatus.frozen.fix', user.username),
      }),
    ];
  }
  return [finding(base, { status: 'pass', grantedBy: [], message: text('userStatus.met.message', user.username) })];
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
    requirement: text('license.requirement', orList(names)),
    path: licenseItems[0].path,
    feature: licenseItems[0].feature,
  };
  const hit = names.find((n) => eq(n, userLicense));
  if (hit) {
    return [
      finding(
        { ...base, ...(names.length > 1 ? { chosen: hit } : {}) },
        { status: 'pass', grantedBy: [{ kind: 'Profile', name: user.profileName, via: text('license.met.via', userLicense) }], message: text('license.met.message', userLicense) }
      ),
    ];
  }
  return [
    finding(base, {
      status: 'fail',
      grantedBy: [],
      message: text('license.missing.message', userLicense || text('license.unknownLicence'), user.profileName, orList(names)),
      fix: text('license.missing.fix', orList(names), user.username),
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
  const base = { kind: 'permissionSetLicense' as const, requirement: text('permissionSetLicense.integration.requirement', API_INTEGRATION_PSL), path: 'objects' };
  if (psl.held(API_INTEGRATION_PSL)) {
    return [
      finding(base, {
        status: 'pass',
        grantedBy: [{ kind: 'Org', name: text('permissionSetLicense.name', API_INTEGRATION_PSL) }],
        message: text('permissionSetLicense.integration.met.message', API_INTEGRATION_PSL_LABEL),
      }),
    ];
  }
  const missingInOrg = psl.known && !psl.inOrg(API_INTEGRATION_PSL);
  return [
    finding(base, {
      status: missingInOrg ? 'error' : 'fail',
      grantedBy: [],
      message: missingInOrg
        ? text('permissionSetLicense.integration.notInOrg.message', API_INTEGRATION_PSL_LABEL, API_INTEGRATION_PSL)
        : text('permissionSetLicense.integration.missing.message', API_INTEGRATION_PSL_LABEL, API_INTEGRATION_PSL),
      fix: missingInOrg
        ? text('permissionSetLicense.integration.notInOrg.fix', API_INTEGRATION_PSL_LABEL)
        : text('permissionSetLicense.integration.missing.fix', user.username),
    }),
  ];
};

const pslItemFinding = (ctx: EvaluationContext, psl: PslLookup, item: NameItem): Finding => {
  const names = unique(item.names);
  const base = { kind: 'permissionSetLicense' as const, requirement: text('permissionSetLicense.name', orList(names)), path: item.path, feature: item.feature };
  const held = names.find((n) => psl.held(n));
  if (held) {
    return finding(
      { ...base, ...(names.length > 1 ? { chosen: held } : {}) },
      { status: 'pass', grantedBy: [{ kind: 'Org', name: text('permissionSetLicense.name', psl.inOrg(held) ?? held) }], message: text('permissionSetLicense.met.message', held) }
    );
  }
  const inOrg = names.filter((n) => !psl.known || psl.inOrg(n));
  if (inOrg.length === 0) {
    return finding(base, {
      status: 'error',
      grantedBy: [],
      message: names.length > 1 ? text('permissionSetLicense.notInOrgAnyOf.message', orList(names)) : text('permissionSetLicense.notInOrg.message', names[0]),
      fix: text('permissionSetLicense.notInOrg.fix'),
    });
  }
  return finding(
    { ...base, ...(names.length > 1 ? { chosen: inOrg[0] } : {}) },
    {
      status: 'fail',
      grantedBy: [],
      message: text('permissionSetLicense.missing.message', orList(names)),
      fix: text('permissionSetLicense.missing.fix', inOrg[0], ctx.user.username),
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
    const base = { kind: 'permissionSet' as const, requirement: text('permissionSet.requirement', orList(names)), path: item.path, feature: item.feature };
    for (const name of names) {
      const ps = assigned.find((p) => eq(p.name, name));
      if (ps) {
        return finding(
          { ...base, ...(names.length > 1 ? { chosen: ps.name } : {}) },
          {
            status: 'pass',
            grantedBy: [{ kind: ps.kind === 'PermissionSetGroup' ? 'PermissionSetGroup' : 'PermissionSet', name: ps.name }],
            message:
              (ps.kind === 'PermissionSetGroup' ? text('permissionSet.metGroup.message', ps.name) : text('permissionSet.met.message', ps.name)) +
              (ps.sessionBased ? ` ${text('permissionSet.met.sessionBased')}` : ''),
          }
        );
      }
    }
    return finding(
      { ...base, ...(names.length > 1 ? { chosen: names[0] } : {}) },
      {
        status: 'fail',
        grantedBy: [],
        message: names.length > 1 ? text('permissionSet.missingAnyOf.message', orList(names)) : text('permissionSet.missing.message', names[0]),
        fix: text('permissionSet.missing.fix', names[0], user.username, names[0], user.username),
      }
    );
  });
};
