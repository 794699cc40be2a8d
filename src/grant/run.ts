/*
 * The grant workflow, without oclif: requirements → one snapshot of the org → the planned permission set →
 * write its source → deploy (unless the org already has exactly this set; never over a set this tool did not
 * make; a production org asks first) → assign → reduce (--reduce) → re-check, and the exit code of the
 * re-check. `--undo FILE` restores what a reduction removed. The command parses flags and passes its output,
 * prompt and spinner in as hooks; every step is a module of its own (grant/apply.ts, grant/reduceApply.ts, …).
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import type { Requirements } from '../requirements/types.js';
import type { CheckReport } from '../report/index.js';
import type { RequirementsFlags } from '../shared/requirementsInput.js';
import type { PermissionSetPlan } from './types.js';
import type { AssignmentOutcome } from './apply.js';
import type { ReductionResult, RestoreOutcome } from './reduceApply.js';
import type { ReductionPlan } from './reduce.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.grant');
const grantMessages = Messages.loadMessages('sf-integration-access', 'grant');

export type GrantResult = {
  integration: { name: string; label: string; origin: string; features: string[] };
  permissionSet: { name: string; label: string; file?: string; fileStatus: 'created' | 'updated' | 'unchanged' | 'notWritten' };
  plan: PermissionSetPlan;
  /** dryRun: nothing written; written: source only; deployed; unchanged: the org already had exactly this set */
  deployStatus: 'dryRun' | 'written' | 'deployed' | 'unchanged';
  deployId?: string;
  assignments: AssignmentOutcome[];
  /** The check after the grant (or before it, for --dry-run and without --deploy) */
  check: CheckReport;
  /** Whether this run changed anything in the org */
  changedOrg: boolean;
  /** --reduce: the sets and groups to unassign per user, and what happened to them */
  reduction?: ReductionResult;
  /** --undo: the undo file and each assignment it restored */
  undo?: { file: string; restored: RestoreOutcome[] };
};

/** The command's flags the workflow reads. */
export type GrantInput = RequirementsFlags & {
  user?: string[];
  app?: string;
  'permission-set-name'?: string;
  'output-dir'?: string;
  deploy: boolean;
  assign: boolean;
  'dry-run': boolean;
  'no-prompt': boolean;
  force: boolean;
  reduce: boolean;
  undo?: string;
};

/** The org to grant in: its connection, the username it was authorised as and its Id. */
export type GrantOrg = { conn: Connection; username?: string; orgId: string };

/** What the command lends the workflow: its output, its prompt and its spinner. */
export type GrantHooks = {
  log: (text: string) => void;
  warn: (text: string) => void;
  confirm: (message: string) => Promise<boolean>;
  progress?: { start: (text: string) => void; status: (text: string) => void; stop: (outcome?: 'failed') => void };
};

/** The result and the exit code of the run (undefined: --dry-run, which gives no verdict of its own: exit 0). */
export type GrantRun = { result: GrantResult; exitCode?: 0 | 3 };

// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
const load = async () => {
  const [input, snapshot, evaluation, grant, apply, report, human, plan, reduce, reduceApply, ecaPolicies] = await Promise.all([
    import('../shared/requirementsInput.js'),
    import('../snapshot/read.js'),
    import('../evaluation/index.js'),
    import('./index.js'),
    import('./apply.js'),
    import('../report/index.js'),
    import('../render/human.js'),
    import('../render/plan.js'),
    import('./reduce.js'),
    import('./reduceApply.js'),
    import('./ecaPolicies.js'),
  ]);
  return { ...input, ...snapshot, ...evaluation, ...grant, ...apply, ...report, ...human, ...plan, ...reduce, ...reduceApply, ...ecaPolicies };
};

/** --reduce without --deploy only prints the plan. */
const reductionIsDryRun = (planned: ReductionResult | undefined, deploy: boolean): boolean => planned !== undefined && !deploy;

const orgChanged = (deployStatus: string, assignments: AssignmentOutcome[], reduction: ReductionResult | undefined): boolean =>
  deployStatus === 'deployed' || assignments.some((a) => a.status === 'assigned') || reduction?.status === 'removed';

/** Runs `work` between the spinner's start and stop ('failed' when it throws). */
const withProgress = async <T>(hooks: GrantHooks, text: string, work: () => Promise<T>): Promise<T> => {
  hooks.progress?.start(text);
  try {
    const value = await work();
    hooks.progress?.stop();
    return value;
  } catch (error) {
    hooks.progress?.stop('failed');
    throw error;
  }
};

export const runGrant = async (org: GrantOrg, input: GrantInput, hooks: GrantHooks): Promise<GrantRun> => {
  const {
    collectUsers, loadRequirements, evaluationOptions, readSnapshot, evaluate, defaultPermissionSetName, permissionSetXml, planPermissionSet,
    assign, assignedSetIds, permissionSetPath, resolveOutputDir, writePermissionSetFile, preAuthorizeApp,
    buildReport, exitCodeOf, renderHuman, renderPlan, planReduction, renderReductionPlan, applyReduction,
  } = await load();
  const requirements = await loadRequirements(input);
  const { users } = await collectUsers(input, org.username);
  const { conn } = org;
  const app = input.app ?? requirements.oauth?.app;
  const orgLabel = org.username ?? org.orgId;
  const integration = { name: requirements.name, label: requirements.label, origin: requirements.origin, features: requirements.features };

  if (input.undo) return undoFromFile(input.undo, { org, requirements, users, app, integration, permissionSetName: input['permission-set-name'] }, hooks);

  const name = input['permission-set-name'] ?? defaultPermissionSetName(requirements);
  const snapshot = await withProgress(hooks, messages.getMessage('progress.reading', [orgLabel]), () =>
    // --reduce reads everything the users hold (as check --excess does): a profile's over-grants are only seen so
    readSnapshot(conn, requirements, { users, app, includeDependencies: true, crossCheck: false, probeSetName: name, excess: input.reduce === true })
  );
  if (snapshot.users.length === 0) throw messages.createError('error.NoUsersResolved', [users.join(', ')]);

  const plan = planPermissionSet(requirements, snapshot, { name });
  const xml = permissionSetXml(plan);
  const before = buildReport(requirements, snapshot, evaluate(requirements, snapshot, evaluationOptions()), app);
  hooks.log(renderPlan(plan));
  const reductionPlan = input.reduce ? planReduction(requirements, snapshot, plan) : undefined;
  const planned = showReduction(reductionPlan, renderReductionPlan, hooks);

  if (input['dry-run'] || reductionIsDryRun(planned, input.deploy)) {
    hooks.log(`\n${messages.getMessage('info.dryRun')}\n\n${xml}`);
    const result: GrantResult = { integration, permissionSet: { name, label: plan.label, fileStatus: 'notWritten' }, plan, deployStatus: 'dryRun', assignments: [], check: before, changedOrg: false, reduction: planned };
    return { result };
  }

  const file = permissionSetPath(await resolveOutputDir(input['output-dir']), name);
  const written = await writePermissionSetFile(file, xml, input.force);
  hooks.log(`\n${messages.getMessage(`info.file.${written.status}`, [written.path])}`);
  const permissionSet = { name, label: plan.label, file, fileStatus: written.status };

  if (!input.deploy) {
    hooks.log(messages.getMessage('info.notDeployed'));
    hooks.log(`\n${renderHuman(before)}`);
    return { result: { integration, permissionSet, plan, deployStatus: 'written', assignments: [], check: before, changedOrg: false }, exitCode: exitCodeOf(before) };
  }

  const { deployStatus, deployId } = await deployIfChanged(conn, plan, file, {
    force: input.force,
    confirmProduction: !snapshot.org.isSandbox && !input['no-prompt'],
    orgName: snapshot.org.name || orgLabel,
    probe: snapshot.probedSet,
  }, hooks);

  let assignments: AssignmentOutcome[] = [];
  if (input.assign) {
    // an external client app pre-authorizes through its policies (src/grant/ecaPolicies.ts), a connected app through SetupEntityAccess
    const appAccess = await preAuthorizeApp(conn, snapshot, plan, file, hooks.log);
    assignments = [...appAccess.outcomes, ...(await assign(conn, plan, snapshot, { appId: appAccess.appId }))];
    for (const a of assignments) hooks.log(messages.getMessage(`info.assignment.${a.status}`, [a.item, a.username, a.message ?? '']));
  }

  const reduction = await reduceAfterAssign(reductionPlan, (p) =>
    applyReduction(conn, p, {
      log: hooks.log,
      confirm: input['no-prompt'] ? undefined : hooks.confirm,
      recheck: async () =>
        evaluate(requirements, await readSnapshot(conn, requirements, { users, app, crossCheck: false, refresh: { previous: snapshot, setIds: assignedSetIds(assignments) } }), evaluationOptions()),
      orgId: org.orgId,
      runBy: org.username,
    }), hooks
  );

  // the re-check re-reads what this run changed (assignments and the sets) and reuses the rest of the first read
  const refresh = { previous: snapshot, setIds: assignedSetIds(assignments) };
  const afterSnapshot = await withProgress(hooks, messages.getMessage('progress.rechecking'), () => readSnapshot(conn, requirements, { users, app, crossCheck: false, refresh }));
  const after = buildReport(requirements, afterSnapshot, evaluate(requirements, afterSnapshot, evaluationOptions()), app);
  hooks.log(`\n${renderHuman(after)}`);
  const changedOrg = orgChanged(deployStatus, assignments, reduction);
  if (!changedOrg) hooks.log(messages.getMessage('info.nothingChanged'));
  // a failed assignment shows in the re-check as a failing user (exit 3); each failure is listed above
  if (assignments.some((a) => a.status === 'failed')) hooks.warn(messages.getMessage('warn.assignmentsFailed'));
  return { result: { integration, permissionSet, plan, deployStatus, deployId, assignments, check: after, changedOrg, reduction }, exitCode: exitCodeOf(after) };
};

/** Prints the reduction plan (--reduce); returns it as a `planned` result. */
const showReduction = (plan: ReductionPlan | undefined, render: (p: ReductionPlan) => string, hooks: GrantHooks): ReductionResult | undefined => {
  if (!plan) return undefined;
  hooks.log(`\n${render(plan)}`);
  return { status: 'planned', plan, removed: [] };
};

/** With --reduce: applies the reduction after the assignment, and warns when it was refused and restored. */
const reduceAfterAssign = async (
  plan: ReductionPlan | undefined,
  apply: (p: ReductionPlan) => Promise<ReductionResult>,
  hooks: GrantHooks
): Promise<ReductionResult | undefined> => {
  if (!plan) return undefined;
  const reduction = await apply(plan);
  if (reduction.status === 'restored') hooks.warn(grantMessages.getMessage('warn.reductionRestored', [reduction.undoFile ?? '']));
  return reduction;
};

/** `--undo FILE`: restore what a reduction removed, then re-check its users. */
const undoFromFile = async (
  file: string,
  ctx: { org: GrantOrg; requirements: Requirements; users: string[]; app?: string; integration: GrantResult['integration']; permissionSetName?: string },
  hooks: GrantHooks
): Promise<GrantRun> => {
  const { readSnapshot, evaluate, evaluationOptions, buildReport, exitCodeOf, renderHuman, planPermissionSet, defaultPermissionSetName, undoReduction } = await load();
  const { org: { conn, orgId }, requirements, app } = ctx;
  const { undo, restored } = await undoReduction(conn, file, orgId);
  for (const r of restored) hooks.log(grantMessages.getMessage(`info.reduce.restore.${r.status}`, [r.item, r.username, r.message ?? '']));
  const undoUsers = [...new Set(undo.removed.map((r) => r.username))];
  const snapshot = await readSnapshot(conn, requirements, { users: undoUsers.length > 0 ? undoUsers : ctx.users, app, crossCheck: false });
  const check = buildReport(requirements, snapshot, evaluate(requirements, snapshot, evaluationOptions()), app);
  hooks.log(`\n${renderHuman(check)}`);
  const plan = planPermissionSet(requirements, snapshot, { name: ctx.permissionSetName ?? defaultPermissionSetName(requirements) });
  const changedOrg = restored.some((r) => r.status === 'restored');
  const result: GrantResult = { integration: ctx.integration, permissionSet: { name: plan.name, label: plan.label, fileStatus: 'notWritten' }, plan, deployStatus: 'unchanged', assignments: [], check, changedOrg, undo: { file, restored } };
  return { result, exitCode: exitCodeOf(check) };
};

/** Deploy unless the org already has exactly this set; refuses to replace a set this tool did not create. */
const deployIfChanged = async (
  conn: Connection,
  plan: PermissionSetPlan,
  file: string,
  options: { force: boolean; confirmProduction: boolean; orgName: string; probe?: { name: string; exists: boolean } },
  hooks: GrantHooks
): Promise<{ deployStatus: 'deployed' | 'unchanged'; deployId?: string }> => {
  const { readOrgCopy, deployPermissionSet } = await import('./apply.js');
  const copy = await readOrgCopy(conn, plan, options.probe);
  if (copy.exists && !copy.ours && !options.force) throw grantMessages.createError('error.NotOurPermissionSet', [plan.name]);
  if (copy.xmlEquivalent) {
    hooks.log(messages.getMessage('info.deployUnchanged', [plan.name]));
    return { deployStatus: 'unchanged' };
  }
  if (options.confirmProduction) {
    const ok = await hooks.confirm(messages.getMessage('prompt.production', [options.orgName, plan.name]));
    if (!ok) throw grantMessages.createError('error.ProductionNotConfirmed', [options.orgName]);
  }
  const deployId = await withProgress(hooks, messages.getMessage('progress.deploying', [plan.name]), () =>
    deployPermissionSet(conn, file, (status, done, total) => hooks.progress?.status(`${status} ${done}/${total}`))
  );
  hooks.log(messages.getMessage('info.deployed', [plan.name, deployId]));
  return { deployStatus: 'deployed', deployId };
};
