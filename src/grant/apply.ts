/*
 * Applying a grant: all of grant's I/O. Writing the source file (atomically, never over a file we did
 * not make), reading the org's current copy of the set, deploying with source-deploy-retrieve, and
 * assigning (permission set licences first, then the set, then app access) in one Composite request.
 * Heavy modules (SDR) are imported only when a deploy actually happens.
 */
import { mkdir, readdir, readFile, rename, writeFile, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { Connection, Messages, SfProject } from '@salesforce/core';
import { sleep, withRetry, toOrgError } from '../snapshot/batch.js';
import { soqlString, unique } from '../snapshot/soql.js';
import type { OrgSnapshot } from '../snapshot/types.js';
import type { PermissionSetPlan } from './types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'grant');
const orgMessages = Messages.loadMessages('sf-integration-access', 'snapshot');

/** Marker in the description of every permission set this tool generates. */
import { PLAN_MARKER as OWNER_MARKER } from './plan.js';

export { OWNER_MARKER };

export type WriteOutcome = { path: string; status: 'created' | 'updated' | 'unchanged' };

/** Where the source goes: --output-dir, else the sfdx project's default package dir, else ./integration-access. */
export const resolveOutputDir = async (outputDir: string | undefined): Promise<string> => {
  if (outputDir) return resolve(outputDir);
  try {
    const project = await SfProject.resolve();
    const pkg = project.getDefaultPackage();
    const base = resolve(project.getPath(), pkg.path);
    const mainDefault = join(base, 'main', 'default');
    return existsSync(mainDefault) ? mainDefault : base;
  } catch {
    return resolve('integration-access');
  }
};

export const permissionSetPath = (dir: string, name: string): string => join(dir, 'permissionsets', `${name}.permissionset-meta.xml`);

/** Temp files of this path left by a run that was killed between writing and renaming (`NAME.<pid>.tmp`). */
const removeStaleTempFiles = async (path: string): Promise<void> => {
  const prefix = `${basename(path)}.`;
  const entries = await readdir(dirname(path)).catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => e.startsWith(prefix) && /^\d+\.tmp$/.test(e.slice(prefix.length)))
      .map((e) => rm(join(dirname(path), e), { force: true }))
  );
};

/** Write atomically (temp file + rename). Refuses to replace a file this tool did not make unless force. */
export const writePermissionSetFile = async (path: string, xml: string, force: boolean): Promise<WriteOutcome> => {
  let existing: string | undefined;
  try {
    existing = await readFile(path, 'utf8');
  } catch {
    existing = undefined;
  }
  if (existing !== undefined) {
    if (existing === xml) return { path, status: 'unchanged' };
    if (!existing.includes(OWNER_MARKER) && !force) throw messages.createError('error.NotOurFile', [path]);
  }
  await mkdir(dirname(path), { recursive: true });
  await removeStaleTempFiles(path);
  const temp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(temp, xml, 'utf8');
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return { path, status: existing === undefined ? 'created' : 'updated' };
};

export type OrgCopy = { exists: boolean; ours: boolean; xmlEquivalent: boolean };

type MetaPerm = Record<string, unknown>;
const arr = <T>(v: T | T[] | undefined | null): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const t = (v: unknown): boolean => v === true || v === 'true';

/** A canonical text of a permission set's grants, to tell whether the org already has exactly the plan. */
const canonical = (p: {
  label?: string;
  license?: string;
  userPermissions: string[];
  objects: string[];
  fields: string[];
  customPermissions: string[];
}): string =>
  JSON.stringify({
    ...p,
    userPermissions: [...p.userPermissions].sort(),
    objects: [...p.objects].sort(),
    fields: [...p.fields].sort(),
    customPermissions: [...p.customPermissions].sort(),
  });

const planCanonical = (plan: PermissionSetPlan): string =>
  canonical({
    label: plan.label,
    license: plan.license ?? '',
    userPermissions: plan.userPermissions.map((u) => u.name),
    objects: plan.objectPermissions.map(
      (o) => `${o.object}:${[o.read, o.create, o.edit, o.delete, o.viewAll, o.modifyAll, o.viewAllFields].map((b) => (b ? 1 : 0)).join('')}`
    ),
    fields: plan.fieldPermissions.map((f) => `${f.field}:${f.readable ? 1 : 0}${f.editable ? 1 : 0}`),
    customPermissions: (plan.customPermissions ?? []).map((c) => c.name),
  });

/**
 * Read the org's copy of the set (one readMetadata request), unless the snapshot's look-up by name
 * (`probe`, read with the snapshot) already says the org has no set of that name.
 */
export const readOrgCopy = async (conn: Connection, plan: PermissionSetPlan, probe?: { name: string; exists: boolean }): Promise<OrgCopy> => {
  if (probe && probe.name === plan.name && !probe.exists) return { exists: false, ours: false, xmlEquivalent: false };
  let record: MetaPerm | undefined;
  try {
    const result = (await withRetry(() => conn.metadata.read('PermissionSet', [plan.name]))) as unknown as MetaPerm | MetaPerm[];
    record = arr(result).find((r) => r && typeof r === 'object' && r.fullName === plan.name);
  } catch (error) {
    throw toOrgError(error, `permission set ${plan.name}`, conn);
  }
  if (!record) return { exists: false, ours: false, xmlEquivalent: false };
  const description = typeof record.description === 'string' ? record.description : '';
  const orgCanonical = canonical({
    label: typeof record.label === 'string' ? record.label : undefined,
    license: typeof record.license === 'string' ? record.license : '',
    userPermissions: arr(record.userPermissions as MetaPerm[]).filter((u) => t(u.enabled)).map((u) => String(u.name)),
    objects: arr(record.objectPermissions as MetaPerm[])
      .map((o) => `${String(o.object)}:${['allowRead', 'allowCreate', 'allowEdit', 'allowDelete', 'viewAllRecords', 'modifyAllRecords', 'viewAllFields'].map((k) => (t(o[k]) ? 1 : 0)).join('')}`)
      .filter((s) => !s.endsWith(':0000000')),
    fields: arr(record.fieldPermissions as MetaPerm[])
      .map((f) => `${String(f.field)}:${t(f.readable) ? 1 : 0}${t(f.editable) ? 1 : 0}`)
      .filter((s) => !s.endsWith(':00')),
    customPermissions: arr(record.customPermissions as MetaPerm[]).filter((c) => t(c.enabled)).map((c) => String(c.name)),
  });
  return { exists: true, ours: description.includes(OWNER_MARKER), xmlEquivalent: orgCanonical === planCanonical(plan) };
};

export type DeployProgress = (status: string, done: number, total: number) => void;

/** The first wait before a deploy status check: SF_INTEGRATION_ACCESS_POLL_MS, else 250 ms. */
export const firstPollMs = (): number => {
  const fromEnv = Number(process.env.SF_INTEGRATION_ACCESS_POLL_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 250;
};
/** The longest wait between two deploy status checks. */
export const MAX_POLL_MS = 2000;
/** The waits before the deploy status checks: short first (a one-set deploy is quick), doubling up to MAX_POLL_MS. */
export const pollWaits = (first: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => Math.min(MAX_POLL_MS, Math.max(first, Math.round(first * 2 ** i))));

/**
 * Source-deploy-retrieve polls at a fixed frequency (1 s here before): instead, each status check waits
 * first — 250 ms, then twice as long each time, up to 2 s — so a deploy that ends in half a second costs
 * two checks, not a second's wait, and a long one no more checks than before.
 */
const backOffStatusChecks = <T>(deploy: { checkStatus: () => Promise<T> }): void => {
  const check = deploy.checkStatus.bind(deploy);
  let n = 0;
  const first = firstPollMs();
  // eslint-disable-next-line no-param-reassign -- the deploy's own status check, wrapped
  deploy.checkStatus = async (): Promise<T> => {
    await sleep(pollWaits(first, n + 1)[n]);
    n++;
    return check();
  };
};

/** Deploy one permission set source file with source-deploy-retrieve; throws a named error with each component failure. */
export const deployPermissionSet = async (conn: Connection, filePath: string, onProgress?: DeployProgress): Promise<string> => {
  const { ComponentSet } = await import('@salesforce/source-deploy-retrieve');
  const { Duration } = await import('@salesforce/kit');
  const components = ComponentSet.fromSource(filePath);
  const deploy = await components
    .deploy({ usernameOrConnection: conn, apiOptions: { rollbackOnError: true } })
    .catch((error: unknown) => {
      throw toOrgError(error, `the deploy of ${basename(filePath)}`, conn);
    });
  if (onProgress) {
    deploy.onUpdate((response) => onProgress(String(response.status), response.numberComponentsDeployed ?? 0, response.numberComponentsTotal ?? 0));
  }
  backOffStatusChecks(deploy);
  // the waits are in checkStatus (backOffStatusChecks); the polling client itself only loops
  const result = await deploy
    .pollStatus({ frequency: Duration.milliseconds(1), timeout: Duration.minutes(30) })
    .catch((error: unknown) => {
      // The deploy was submitted but its outcome is unknown (the run was cut off from the org while
      // polling): nothing is assigned, and the next run finds the set deployed (or not) and completes.
      const cause = toOrgError(error, `the status of deploy ${deploy.id ?? ''}`, conn);
      const unknown = orgMessages.createError('error.DeployOutcomeUnknown', [deploy.id ?? '', cause.message], [deploy.id ?? ''], cause.cause instanceof Error ? cause.cause : undefined);
      if (cause.data !== undefined) unknown.setData(cause.data);
      unknown.actions = [...(unknown.actions ?? []), ...(cause.actions ?? [])];
      throw unknown;
    });
  if (!result.response.success) {
    const failures = result
      .getFileResponses()
      .filter((f) => String(f.state) === 'Failed')
      .map((f) => `${f.fullName} (${f.type}): ${'error' in f ? String(f.error) : 'failed'}`);
    const details = arr(result.response.details?.componentFailures).map((f) => `${f.fullName}: ${f.problem ?? 'failed'}`);
    const lines = unique([...failures, ...details]);
    throw messages.createError('error.DeployFailed', [result.response.id, lines.join('\n  ') || String(result.response.errorMessage ?? result.response.status)]);
  }
  return result.response.id;
};

export type AssignmentOutcome = {
  username: string;
  item: string;
  status: 'assigned' | 'alreadyAssigned' | 'failed';
  message?: string;
  /** The assigned permission set's Id (permission set items that were assigned) */
  permissionSetId?: string;
};

/** The sets an assignment added, for a re-read that reuses the rest (ReadOptions.refresh). */
export const assignedSetIds = (outcomes: AssignmentOutcome[]): string[] => [
  ...new Set(outcomes.flatMap((o) => (o.status === 'assigned' && o.permissionSetId ? [o.permissionSetId] : []))),
];

type CompositeSobjectsResult = Array<{ id?: string; success: boolean; errors: Array<{ statusCode?: string; message?: string }> }>;

/**
 * Assign in one Composite sObject Collections request, in order: permission set licences (for users who
 * need them), the permission set, then app access. allOrNone=false so one user's failure does not hide the
 * others; DUPLICATE_VALUE means it was already there.
 */
export const assign = async (
  conn: Connection,
  plan: PermissionSetPlan,
  snapshot: OrgSnapshot,
  options: { appId?: string }
): Promise<AssignmentOutcome[]> => {
  // Who already holds the set is known from the snapshot (the set is among their sources by name), so the
  // set's Id is needed only inside the insert: one Composite request looks it up and inserts, referencing it.
  const holds = (user: OrgSnapshot['users'][number]): boolean =>
    user.permissionSetIds.some((id) => snapshot.permissionSets[id]?.kind === 'PermissionSet' && snapshot.permissionSets[id]?.name === plan.name);
  const ourSet = Object.values(snapshot.permissionSets).find((s) => s.kind === 'PermissionSet' && s.name === plan.name);
  const psls = plan.licenseAssignments.filter((psl) => psl in snapshot.permissionSetLicenses).slice(0, 3);
  const records: Array<{ record: Record<string, unknown>; username: string; item: string }> = [];
  for (const user of snapshot.users) {
    psls.forEach((psl, n) => {
      if (user.permissionSetLicenses.includes(psl) || user.userLicense !== 'Salesforce Integration') return;
      records.push({
        record: { attributes: { type: 'PermissionSetLicenseAssign' }, AssigneeId: user.id, PermissionSetLicenseId: `@{psl${n}.records[0].Id}` },
        username: user.username,
        item: `licence ${psl}`,
      });
    });
    if (!holds(user)) {
      records.push({
        record: { attributes: { type: 'PermissionSetAssignment' }, AssigneeId: user.id, PermissionSetId: '@{set.records[0].Id}' },
        username: user.username,
        item: `permission set ${plan.name}`,
      });
    }
  }
  if (options.appId && !(ourSet?.appAccess ?? []).includes(options.appId)) {
    records.push({
      record: { attributes: { type: 'SetupEntityAccess' }, ParentId: '@{set.records[0].Id}', SetupEntityId: options.appId },
      username: '(permission set)',
      item: `app access ${plan.appAccess?.appName ?? options.appId}`,
    });
  }
  const outcomes: AssignmentOutcome[] = snapshot.users
    .filter(holds)
    .map((u) => ({ username: u.username, item: `permission set ${plan.name}`, status: 'alreadyAssigned' as const }));
  if (records.length === 0) return outcomes;
  const version = conn.getApiVersion();
  const query = (soql: string): string => `/services/data/v${version}/query?q=${encodeURIComponent(soql)}`;
  // up to 200 records per collection; each Composite request carries the look-ups it references
  for (let i = 0; i < records.length; i += 200) {
    const slice = records.slice(i, i + 200);
    const compositeRequest = [
      { method: 'GET', referenceId: 'set', url: query(`SELECT Id FROM PermissionSet WHERE Name = ${soqlString(plan.name)}`) },
      ...psls.map((psl, n) => ({ method: 'GET', referenceId: `psl${n}`, url: query(`SELECT Id FROM PermissionSetLicense WHERE DeveloperName = ${soqlString(psl)}`) })),
      { method: 'POST', referenceId: 'assign', url: `/services/data/v${version}/composite/sobjects`, body: { allOrNone: false, records: slice.map((r) => r.record) } },
    ];
    // eslint-disable-next-line no-await-in-loop
    const response = await withRetry(() =>
      conn.request<{ compositeResponse: Array<{ referenceId: string; httpStatusCode: number; body: unknown }> }>({
        method: 'POST',
        url: `/services/data/v${version}/composite`,
        body: JSON.stringify({ allOrNone: false, compositeRequest }),
        headers: { 'content-type': 'application/json' },
      })
    ).catch((error: unknown) => {
      throw toOrgError(error, 'permission set assignments', conn);
    });
    const setLookup = response.compositeResponse.find((r) => r.referenceId === 'set');
    if (!setLookup || (setLookup.body as { totalSize?: number } | null)?.totalSize === 0) {
      throw messages.createError('error.SetNotFoundAfterDeploy', [plan.name]);
    }
    const setId = (setLookup.body as { records?: Array<{ Id?: string }> }).records?.[0]?.Id;
    const insert = response.compositeResponse.find((r) => r.referenceId === 'assign');
    const results = Array.isArray(insert?.body) ? (insert.body as CompositeSobjectsResult) : [];
    slice.forEach((r, n) => {
      const res = results[n];
      const isSet = (r.record.attributes as { type: string }).type === 'PermissionSetAssignment';
      if (res?.success) outcomes.push({ username: r.username, item: r.item, status: 'assigned', ...(isSet && setId ? { permissionSetId: setId } : {}) });
      else if (res?.errors?.some((e) => e.statusCode === 'DUPLICATE_VALUE')) outcomes.push({ username: r.username, item: r.item, status: 'alreadyAssigned' });
      else {
        const why = res?.errors?.map((e) => `${e.statusCode ?? ''}: ${e.message ?? ''}`).join('; ') ?? JSON.stringify(insert?.body ?? 'no result');
        outcomes.push({ username: r.username, item: r.item, status: 'failed', message: why });
      }
    });
  }
  return outcomes;
};
