/*
 * An External Client App's pre-authorized permission sets and profiles, read the documented way: the
 * commaSeparatedPermissionSet / commaSeparatedProfile lists of its ExtlClntAppOauthConfigurablePolicies
 * component (readMetadata; the ExtlClntAppOauthPlcyCnfg sObject has no column for them). Sources and what is
 * unverified: src/salesforce/ecaPreauthorization.ts.
 *
 * A set or profile the lists name gets the app's Id in its `appAccess`, beside the SetupEntityAccess rows
 * (SetupEntityType 'ExternalClientApplication', API 60.0+) read with round trip 2, so a verdict names the
 * set or profile that pre-authorizes the user, whichever of the two records shows it.
 */
import type { Connection } from '@salesforce/core';
import { ECA_POLICIES_TYPE, listNames, policyListsOf, type EcaPolicyLists } from '../salesforce/ecaPreauthorization.js';
import { toOrgError, withRetry } from './batch.js';
import type { SoqlRecord } from './batch.js';
import type { AppPolicies, PermissionSource } from './types.js';

/** Errors that stop every read (toOrgError's names): the run cannot go on without them fixed */
const STOPPING = /OrgSessionExpired|OrgRequestLimit|OrgApiDisabled|OrgTimeout|OrgUnavailable|OrgUnreachable/;

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** The policies component's fullName: the DeveloperName of the ECA's ExtlClntAppOauthPlcyCnfg row (round trip 1). */
export const ecaPolicyNameOf = (policyRows: SoqlRecord[] | undefined, ecaRow: SoqlRecord | undefined): string | undefined => {
  if (!ecaRow) return undefined;
  const ecaId = text(ecaRow.Id).slice(0, 15);
  const row = (policyRows ?? []).find((r) => text(r.ExternalClientApplicationId).slice(0, 15) === ecaId);
  return text(row?.DeveloperName) || undefined;
};

/**
 * readMetadata of the ECA's policies. Reading them needs "View all External Client Apps, view their
 * settings, and edit their policies" (the type's special access rule): when the org refuses, the check goes
 * on with the SetupEntityAccess rows alone (the documented record of the same access, SetupEntityType
 * 'ExternalClientApplication'), the app carries no lists, and a failing verdict says the policies were not
 * read. A session or limit error still stops the run.
 */
export const readEcaPolicyLists = async (conn: Connection, policyName: string | undefined): Promise<EcaPolicyLists | undefined> => {
  if (!policyName) return undefined;
  let result: unknown;
  try {
    result = await withRetry(() => conn.metadata.read(ECA_POLICIES_TYPE as 'PermissionSet', [policyName]));
  } catch (error) {
    const orgError = toOrgError(error, `external client app policies ${policyName} (readMetadata)`, conn);
    if (STOPPING.test(orgError.name)) throw orgError;
    return undefined;
  }
  const records = (Array.isArray(result) ? result : [result]) as unknown as Array<Record<string, unknown> | null | undefined>;
  const record = records.find((r) => r && r.fullName === policyName);
  // a nil record: no policies component of that name (the DeveloperName = fullName assumption failed)
  return record ? policyListsOf(record) : undefined;
};

/** Gives every permission set and profile the lists name the app's Id in its `appAccess`. */
export const applyEcaPolicyLists = (permissionSets: Record<string, PermissionSource>, appId: string | undefined, lists: EcaPolicyLists | undefined): void => {
  if (!appId || !lists) return;
  for (const source of Object.values(permissionSets)) {
    const named =
      source.kind === 'PermissionSet'
        ? listNames(lists.permissionSets, { name: source.name, ids: [source.id] })
        : source.kind === 'Profile'
          ? listNames(lists.profiles, { name: source.name, ids: [source.profileId, source.id] })
          : undefined;
    if (named !== undefined && !source.appAccess.includes(appId)) source.appAccess.push(appId);
  }
};

/** The app with its policies' lists (an ECA's), for the verdict's message and fix. */
export const withEcaPolicyLists = <A extends AppPolicies | null | undefined>(app: A, lists: EcaPolicyLists | undefined): A =>
  app && lists && app.kind === 'externalClientApp' ? ({ ...app, preAuthorized: lists } as A) : app;
