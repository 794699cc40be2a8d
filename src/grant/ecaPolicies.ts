/*
 * grant for an External Client App that admits only admin-approved users: the generated set is
 * pre-authorized the documented way, in the ECA's own OAuth policies (Help "Preauthorize User App Access
 * Through External Client App Policies"; ExtlClntAppOauthConfigurablePolicies.commaSeparatedPermissionSet,
 * Metadata API 59.0+), not by a SetupEntityAccess insert as for a connected app. Sources:
 * src/salesforce/ecaPreauthorization.ts.
 *
 * The policies are read from the org right before the change (readMetadata: every field, so nothing the
 * admin set is lost), the set's API name is appended to the permission set list (existing entries kept as
 * written), and the component is written beside the permission set source and deployed with
 * source-deploy-retrieve, after the set (the policies name it, so it must exist first).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Connection, Messages } from '@salesforce/core';
import { ECA_POLICIES_FOLDER, ECA_POLICIES_SUFFIX, ECA_POLICIES_TYPE, policiesXml, splitCommaSeparated, withPermissionSet } from '../salesforce/ecaPreauthorization.js';
import { toOrgError, withRetry } from '../snapshot/batch.js';
import type { AppPolicies, OrgSnapshot } from '../snapshot/types.js';
import { deployPermissionSet, type AssignmentOutcome, type DeployProgress } from './apply.js';
import type { PermissionSetPlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'grant');

export type EcaPolicyOutcome = {
  app: string;
  policyName: string;
  status: 'added' | 'alreadyListed';
  /** The permission set list after the change, as deployed (or found) */
  permissionSets: string[];
  file?: string;
  deployId?: string;
};

/** Whether grant pre-authorizes through the ECA's policies: an installed ECA that admits only admin-approved users. */
export const needsEcaPolicyUpdate = (app: AppPolicies | undefined, planned: boolean): app is AppPolicies =>
  planned && app !== undefined && app !== null && app.kind === 'externalClientApp' && app.installed;

export const ecaPoliciesPath = (dir: string, policyName: string): string => join(dir, ECA_POLICIES_FOLDER, `${policyName}.${ECA_POLICIES_SUFFIX}-meta.xml`);

/** Adds `setName` to the ECA's pre-authorized permission sets and deploys the policies (unless already listed). */
export const addSetToEcaPolicies = async (
  conn: Connection,
  app: AppPolicies,
  setName: string,
  outputDir: string,
  onProgress?: DeployProgress
): Promise<EcaPolicyOutcome> => {
  const policyName = app.preAuthorized?.policyName;
  if (!policyName) throw messages.createError('error.EcaPoliciesNotFound', [app.name]);
  const result = await withRetry(() => conn.metadata.read(ECA_POLICIES_TYPE as 'PermissionSet', [policyName])).catch((error: unknown) => {
    throw toOrgError(error, `external client app policies ${policyName} (readMetadata)`, conn);
  });
  const records = (Array.isArray(result) ? result : [result]) as unknown as Array<Record<string, unknown> | null | undefined>;
  const record = records.find((r) => r && r.fullName === policyName);
  if (!record) throw messages.createError('error.EcaPoliciesNotFound', [app.name]);
  const list = withPermissionSet(record.commaSeparatedPermissionSet, setName);
  if (list === undefined) {
    return { app: app.name, policyName, status: 'alreadyListed', permissionSets: splitCommaSeparated(record.commaSeparatedPermissionSet) };
  }
  const file = ecaPoliciesPath(outputDir, policyName);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, policiesXml({ ...record, commaSeparatedPermissionSet: list }), 'utf8');
  const deployId = await deployPermissionSet(conn, file, onProgress);
  return { app: app.name, policyName, status: 'added', permissionSets: splitCommaSeparated(list), file, deployId };
};

/**
 * grant's step for an ECA (instead of the SetupEntityAccess insert of a connected app): pre-authorize the
 * set in the ECA's policies, written beside the set's source file (`permissionSetFile`'s package directory),
 * and report it like an assignment. Undefined when the app is not such an ECA (the caller then inserts
 * SetupEntityAccess for a connected app as before).
 */
export const preAuthorizeInEcaPolicies = async (
  conn: Connection,
  snapshot: OrgSnapshot,
  plan: PermissionSetPlan,
  permissionSetFile: string,
  log: (line: string) => void
): Promise<AssignmentOutcome | undefined> => {
  const app = snapshot.app ?? undefined;
  if (!needsEcaPolicyUpdate(app, plan.appAccess !== undefined)) return undefined;
  const outcome = await addSetToEcaPolicies(conn, app, plan.name, dirname(dirname(permissionSetFile)));
  const item = `app access ${app.name} (OAuth policies ${outcome.policyName})`;
  if (outcome.status === 'added') {
    log(messages.getMessage('info.ecaPolicies.added', [plan.name, app.name, outcome.file ?? outcome.policyName, outcome.deployId ?? '', outcome.permissionSets.join(', ')]));
    return { username: '(permission set)', item, status: 'assigned' };
  }
  log(messages.getMessage('info.ecaPolicies.alreadyListed', [plan.name, outcome.policyName, app.name]));
  return { username: '(permission set)', item, status: 'alreadyAssigned' };
};

/**
 * App access for grant's assignments: an ECA's pre-authorization in its policies (reported as an outcome),
 * or the connected app Id whose SetupEntityAccess row `assign` inserts.
 */
export const preAuthorizeApp = async (
  conn: Connection,
  snapshot: OrgSnapshot,
  plan: PermissionSetPlan,
  permissionSetFile: string,
  log: (line: string) => void
): Promise<{ outcomes: AssignmentOutcome[]; appId?: string }> => {
  const eca = await preAuthorizeInEcaPolicies(conn, snapshot, plan, permissionSetFile, log);
  if (eca) return { outcomes: [eca] };
  const appId = snapshot.app?.installed && plan.appAccess ? snapshot.app.id : undefined;
  return { outcomes: [], ...(appId ? { appId } : {}) };
};
