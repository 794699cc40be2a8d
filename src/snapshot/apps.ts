/* The named app: a Connected App (its row and readMetadata) or an External Client App (its policy and settings rows). */
import { Connection } from '@salesforce/core';
import { ECA_SCOPE_PREFIX, SCOPE_FROM_METADATA, ecaPermittedUsers, ecaRefreshTokenPolicy, ipRelaxationOf, scopeOfEcaColumn } from '../salesforce/oauth.js';
import type { AppPolicies } from './types.js';
import { bool, SoqlRecord, str, toOrgError } from './batch.js';
import { unique } from './soql.js';
import { asArray, type MetadataRecord, readMetadata } from './metadata.js';




/** An External Client App's policies from its ExternalClientApplication, policy and settings rows. */
export const ecaPoliciesFrom = (name: string, eca: SoqlRecord, policy: SoqlRecord | undefined, settings: SoqlRecord | undefined): AppPolicies => {
  const scopes = settings
    ? unique(
        Object.keys(settings)
          .filter((k) => k.startsWith(ECA_SCOPE_PREFIX) && bool(settings[k]))
          .map(scopeOfEcaColumn)
      ).sort()
    : [];
  const refresh = policy ? ecaRefreshTokenPolicy(str(policy.RefreshTokenPolicyType), policy.RefreshTokenValidityPeriod, policy.RefreshTokenValidityUnit) : undefined;
  return {
    name: str(eca.DeveloperName) || name,
    id: str(eca.Id),
    kind: 'externalClientApp',
    installed: true,
    scopes,
    refreshTokenPolicy: refresh,
    ipRelaxation: policy && str(policy.IpRelaxationPolicyType) ? ipRelaxationOf(str(policy.IpRelaxationPolicyType)) : undefined,
    permittedUsers: policy ? ecaPermittedUsers(str(policy.PermittedUsersPolicyType)) : undefined,
  };
};

export const appPoliciesFrom = (name: string, installedRow: SoqlRecord | undefined, meta: MetadataRecord | undefined): AppPolicies => {
  const oauthConfig = (meta?.oauthConfig ?? {}) as Record<string, unknown>;
  const oauthPolicy = (meta?.oauthPolicy ?? {}) as Record<string, unknown>;
  const scopes = unique(asArray(oauthConfig.scopes as string | string[]).map((s) => SCOPE_FROM_METADATA[str(s)] ?? str(s).toLowerCase()));
  const adminApproved =
    installedRow !== undefined
      ? bool(installedRow.OptionsAllowAdminApprovedUsersOnly)
      : bool(oauthConfig.isAdminApproved);
  return {
    name,
    id: installedRow ? str(installedRow.Id) : undefined,
    kind: 'connectedApp',
    installed: installedRow !== undefined,
    scopes,
    refreshTokenPolicy: oauthPolicy.refreshTokenPolicy ? str(oauthPolicy.refreshTokenPolicy) : undefined,
    ipRelaxation: oauthPolicy.ipRelaxation ? ipRelaxationOf(str(oauthPolicy.ipRelaxation)) : undefined,
    permittedUsers: installedRow ? (adminApproved ? 'adminApproved' : 'any') : undefined,
  };
};

/** The named app's policies: installed Connected App, External Client App, or (neither) a vendor-hosted app. */
export const appFrom = (
  appName: string | undefined,
  appRow: SoqlRecord | undefined,
  ecaRow: SoqlRecord | undefined,
  appMeta: MetadataRecord[],
  r1: Map<string, SoqlRecord[]>
): AppPolicies | null | undefined => {
  let app: AppPolicies | null | undefined;
  if (appName) {
    if (appRow) app = appPoliciesFrom(appName, appRow, appMeta[0]);
    else if (ecaRow) {
      const ecaId = str(ecaRow.Id).slice(0, 15);
      const ofEca = (r: SoqlRecord): boolean => str(r.ExternalClientApplicationId).slice(0, 15) === ecaId;
      app = ecaPoliciesFrom(appName, ecaRow, (r1.get('ecaPolicy') ?? []).find(ofEca), (r1.get('ecaSettings') ?? []).find(ofEca));
    } else {
      // Neither an installed Connected App nor an External Client App: a vendor-hosted connected app,
      // which users can only authorize with Approve Uninstalled Connected Apps / Use Any API Client.
      app = { name: appName, kind: 'connectedApp', installed: false, scopes: [] };
    }
  }

  return app;
};

/** The named app's rows from round trip 1: an installed Connected App, else an External Client App. */
export const appRowsOf = (r1: Map<string, SoqlRecord[]>): { appRow?: SoqlRecord; ecaRow?: SoqlRecord; appId?: string } => {
  const appRow = r1.get('app')?.[0];
  const ecaRow = appRow ? undefined : r1.get('eca')?.[0];
  return { appRow, ecaRow, appId: str((appRow ?? ecaRow)?.Id) || undefined };
};

/** A Connected App's policies and scopes (readMetadata), when the named app is one. */
export const readAppMetadata = (conn: Connection, appName: string | undefined): Promise<MetadataRecord[]> =>
  appName
    ? readMetadata(conn, 'ConnectedApp', [appName]).catch((error: unknown) => {
        // a policy verdict from data that failed to load would be wrong: no verdict instead
        throw toOrgError(error, `connected app ${appName} (readMetadata)`, conn);
      })
    : Promise.resolve([]);
