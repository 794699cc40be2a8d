import { Connection, Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { PermissionSetPlan } from '../../grant/types.js';
import type { Requirements } from '../../requirements/types.js';
import type { AssignmentOutcome } from '../../grant/apply.js';
import type { CheckReport } from '../../report/index.js';
import type { ReductionResult, RestoreOutcome } from '../../grant/reduceApply.js';
import type { ReductionPlan } from '../../grant/reduce.js';
import { writeJsonEnvelope } from '../../shared/jsonOutput.js';
import { exitCodesHelpSection, contractExitCode } from '../../shared/exitCodes.js';
import { appFlag, requirementsFlags, userFlag } from '../../flags.js';

/** The work modules load on first use, so `--help` costs only oclif and @salesforce/core. */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
const load = async () => {
  const [input, snapshot, evaluation, grant, apply, report, human, plan] = await Promise.all([
    import('../../shared/requirementsInput.js'),
    import('../../snapshot/read.js'),
    import('../../evaluation/index.js'),
    import('../../grant/index.js'),
    import('../../grant/apply.js'),
    import('../../report/index.js'),
    import('../../render/human.js'),
    import('../../render/plan.js'),
  ]);
  const [reduce, reduceApply, ecaPolicies] = await Promise.all([import('../../grant/reduce.js'), import('../../grant/reduceApply.js'), import('../../grant/ecaPolicies.js')]);
  return { ...input, ...snapshot, ...evaluation, ...grant, ...apply, ...report, ...human, ...plan, ...reduce, ...reduceApply, ...ecaPolicies };
};

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

/** --reduce without --deploy only prints the plan. */
const reductionIsDryRun = (planned: ReductionResult | undefined, deploy: boolean): boolean => planned !== undefined && !deploy;

const orgChanged = (deployStatus: string, assignments: AssignmentOutcome[], reduction: ReductionResult | undefined): boolean =>
  deployStatus === 'deployed' || assignments.some((a) => a.status === 'assigned') || reduction?.status === 'removed';

export default class IntegrationGrant extends SfCommand<GrantResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelpSection();

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    ...requirementsFlags,
    user: userFlag,
    app: appFlag,
    'permission-set-name': Flags.string({ char: 'n', summary: messages.getMessage('flags.permission-set-name.summary') }),
    'output-dir': Flags.directory({ char: 'd', summary: messages.getMessage('flags.output-dir.summary') }),
    deploy: Flags.boolean({ summary: messages.getMessage('flags.deploy.summary') }),
    assign: Flags.boolean({ summary: messages.getMessage('flags.assign.summary'), default: true, allowNo: true }),
    'dry-run': Flags.boolean({ summary: messages.getMessage('flags.dry-run.summary'), exclusive: ['deploy'] }),
    'no-prompt': Flags.boolean({ summary: messages.getMessage('flags.no-prompt.summary') }),
    force: Flags.boolean({ summary: messages.getMessage('flags.force.summary') }),
    reduce: Flags.boolean({ summary: messages.getMessage('flags.reduce.summary'), description: messages.getMessage('flags.reduce.description') }),
    undo: Flags.file({ summary: messages.getMessage('flags.undo.summary'), exists: true, exclusive: ['reduce', 'deploy', 'dry-run'] }),
  };

  /** The --json envelope: plain text unless a person at a terminal reads a small one (see jsonOutput.ts). */
  public logJson(json: unknown): void {
    writeJsonEnvelope(json, (j) => super.logJson(j));
  }

  public async run(): Promise<GrantResult> {
    const { flags } = await this.parse(IntegrationGrant);
    const {
      collectUsers, loadRequirements, evaluationOptions, readSnapshot, evaluate, defaultPermissionSetName, permissionSetXml, planPermissionSet,
      assign, assignedSetIds, permissionSetPath, resolveOutputDir, writePermissionSetFile, preAuthorizeApp,
      buildReport, exitCodeOf, renderHuman, renderPlan, planReduction, renderReductionPlan, applyReduction,
    } = await load();
    const requirements = await loadRequirements(flags);
    const org = flags['target-org'];
    const { users } = await collectUsers(flags, org.getUsername());
    const conn = org.getConnection(flags['api-version']);
    const app = flags.app ?? requirements.oauth?.app;
    const orgLabel = org.getUsername() ?? org.getOrgId();
    const integration = { name: requirements.name, label: requirements.label, origin: requirements.origin, features: requirements.features };

    if (flags.undo) return this.undoFromFile(flags.undo, { conn, requirements, users, app, integration, permissionSetName: flags['permission-set-name'], orgId: org.getOrgId() });

    this.spinner.start(messages.getMessage('progress.reading', [orgLabel]));
    const name = flags['permission-set-name'] ?? defaultPermissionSetName(requirements);
    const snapshot = await readSnapshot(conn, requirements, { users, app, includeDependencies: true, crossCheck: false, probeSetName: name }).then(
      (value) => (this.spinner.stop(), value),
      (error: unknown) => {
        this.spinner.stop('failed');
        throw error;
      }
    );
    if (snapshot.users.length === 0) throw messages.createError('error.NoUsersResolved', [users.join(', ')]);

    const plan = planPermissionSet(requirements, snapshot, { name });
    const xml = permissionSetXml(plan);
    const before = buildReport(requirements, snapshot, evaluate(requirements, snapshot, evaluationOptions()), app);
    this.log(renderPlan(plan));
    const reductionPlan = flags.reduce ? planReduction(requirements, snapshot, plan) : undefined;
    const planned = this.showReduction(reductionPlan, renderReductionPlan);

    if (flags['dry-run'] || reductionIsDryRun(planned, flags.deploy)) {
      this.log(`\n${messages.getMessage('info.dryRun')}\n\n${xml}`);
      const reduction = planned;
      return { integration, permissionSet: { name, label: plan.label, fileStatus: 'notWritten' }, plan, deployStatus: 'dryRun', assignments: [], check: before, changedOrg: false, reduction };
    }

    const file = permissionSetPath(await resolveOutputDir(flags['output-dir']), name);
    const written = await writePermissionSetFile(file, xml, flags.force);
    this.log(`\n${messages.getMessage(`info.file.${written.status}`, [written.path])}`);

    if (!flags.deploy) {
      this.log(messages.getMessage('info.notDeployed'));
      this.log(`\n${renderHuman(before)}`);
      process.exitCode = exitCodeOf(before);
      return { integration, permissionSet: { name, label: plan.label, file, fileStatus: written.status }, plan, deployStatus: 'written', assignments: [], check: before, changedOrg: false };
    }

    const { deployStatus, deployId } = await this.deployIfChanged(conn, plan, file, {
      force: flags.force,
      confirmProduction: !snapshot.org.isSandbox && !flags['no-prompt'],
      orgName: snapshot.org.name || orgLabel,
      probe: snapshot.probedSet,
    });

    let assignments: AssignmentOutcome[] = [];
    if (flags.assign) {
      // an external client app pre-authorizes through its policies (src/grant/ecaPolicies.ts), a connected app through SetupEntityAccess
      const appAccess = await preAuthorizeApp(conn, snapshot, plan, file, (line) => this.log(line));
      assignments = [...appAccess.outcomes, ...(await assign(conn, plan, snapshot, { appId: appAccess.appId }))];
      for (const a of assignments) this.log(messages.getMessage(`info.assignment.${a.status}`, [a.item, a.username, a.message ?? '']));
    }

    const reduction = await this.reduceAfterAssign(reductionPlan, (p) =>
      applyReduction(conn, p, {
        log: (text) => this.log(text),
        confirm: flags['no-prompt'] ? undefined : (message): Promise<boolean> => this.confirm({ message }),
        recheck: async () =>
          evaluate(requirements, await readSnapshot(conn, requirements, { users, app, crossCheck: false, refresh: { previous: snapshot, setIds: assignedSetIds(assignments) } }), evaluationOptions()),
        orgId: org.getOrgId(),
        runBy: org.getUsername(),
      })
    );

    this.spinner.start(messages.getMessage('progress.rechecking'));
    // the re-check re-reads what this run changed (assignments and the sets) and reuses the rest of the first read
    const refresh = { previous: snapshot, setIds: assignedSetIds(assignments) };
    const afterSnapshot = await readSnapshot(conn, requirements, { users, app, crossCheck: false, refresh }).then(
      (value) => (this.spinner.stop(), value),
      (error: unknown) => {
        this.spinner.stop('failed');
        throw error;
      }
    );
    const after = buildReport(requirements, afterSnapshot, evaluate(requirements, afterSnapshot, evaluationOptions()), app);
    this.log(`\n${renderHuman(after)}`);
    const changedOrg = orgChanged(deployStatus, assignments, reduction);
    if (!changedOrg) this.log(messages.getMessage('info.nothingChanged'));
    const anyAssignmentFailed = assignments.some((a) => a.status === 'failed');
    // a failed assignment shows in the re-check as a failing user (exit 3); each failure is listed above
    process.exitCode = exitCodeOf(after);
    if (anyAssignmentFailed) this.warn(messages.getMessage('warn.assignmentsFailed'));
    return { integration, permissionSet: { name, label: plan.label, file, fileStatus: written.status }, plan, deployStatus, deployId, assignments, check: after, changedOrg, reduction };
  }

  /** Exit codes of the contract under sf and bin/run.js alike (an unknown org 1, a bad flag 2). */
  protected async catch(error: Error): Promise<never> {
    return super.catch(contractExitCode(error));
  }

  /** Prints the reduction plan (--reduce); returns it as a `planned` result. */
  private showReduction(plan: ReductionPlan | undefined, render: (p: ReductionPlan) => string): ReductionResult | undefined {
    if (!plan) return undefined;
    this.log(`\n${render(plan)}`);
    return { status: 'planned', plan, removed: [] };
  }

  /** With --reduce: applies the reduction after the assignment, and warns when it was refused and restored. */
  private async reduceAfterAssign(plan: ReductionPlan | undefined, apply: (p: ReductionPlan) => Promise<ReductionResult>): Promise<ReductionResult | undefined> {
    if (!plan) return undefined;
    const reduction = await apply(plan);
    if (reduction.status === 'restored') this.warn(grantMessages.getMessage('warn.reductionRestored', [reduction.undoFile ?? '']));
    return reduction;
  }

  /** `--undo FILE`: restore what a reduction removed, then re-check its users. */
  private async undoFromFile(
    file: string,
    ctx: { conn: Connection; requirements: Requirements; users: string[]; app?: string; integration: GrantResult['integration']; permissionSetName?: string; orgId: string }
  ): Promise<GrantResult> {
    const { readSnapshot, evaluate, evaluationOptions, buildReport, exitCodeOf, renderHuman, planPermissionSet, defaultPermissionSetName, undoReduction } = await load();
    const { conn, requirements, app } = ctx;
    const { undo, restored } = await undoReduction(conn, file, ctx.orgId);
    for (const r of restored) this.log(grantMessages.getMessage(`info.reduce.restore.${r.status}`, [r.item, r.username, r.message ?? '']));
    const undoUsers = [...new Set(undo.removed.map((r) => r.username))];
    const snapshot = await readSnapshot(conn, requirements, { users: undoUsers.length > 0 ? undoUsers : ctx.users, app, crossCheck: false });
    const check = buildReport(requirements, snapshot, evaluate(requirements, snapshot, evaluationOptions()), app);
    this.log(`\n${renderHuman(check)}`);
    process.exitCode = exitCodeOf(check);
    const plan = planPermissionSet(requirements, snapshot, { name: ctx.permissionSetName ?? defaultPermissionSetName(requirements) });
    const changedOrg = restored.some((r) => r.status === 'restored');
    return { integration: ctx.integration, permissionSet: { name: plan.name, label: plan.label, fileStatus: 'notWritten' }, plan, deployStatus: 'unchanged', assignments: [], check, changedOrg, undo: { file, restored } };
  }

  /** Deploy unless the org already has exactly this set; refuses to replace a set this tool did not create. */
  private async deployIfChanged(
    conn: Connection,
    plan: PermissionSetPlan,
    file: string,
    options: { force: boolean; confirmProduction: boolean; orgName: string; probe?: { name: string; exists: boolean } }
  ): Promise<{ deployStatus: 'deployed' | 'unchanged'; deployId?: string }> {
    const { readOrgCopy, deployPermissionSet } = await import('../../grant/apply.js');
    const copy = await readOrgCopy(conn, plan, options.probe);
    if (copy.exists && !copy.ours && !options.force) throw grantMessages.createError('error.NotOurPermissionSet', [plan.name]);
    if (copy.xmlEquivalent) {
      this.log(messages.getMessage('info.deployUnchanged', [plan.name]));
      return { deployStatus: 'unchanged' };
    }
    if (options.confirmProduction) {
      const ok = await this.confirm({ message: messages.getMessage('prompt.production', [options.orgName, plan.name]) });
      if (!ok) throw grantMessages.createError('error.ProductionNotConfirmed', [options.orgName]);
    }
    this.spinner.start(messages.getMessage('progress.deploying', [plan.name]));
    try {
      const deployId = await deployPermissionSet(conn, file, (status, done, total) => {
        this.spinner.status = `${status} ${done}/${total}`;
      });
      this.spinner.stop();
      this.log(messages.getMessage('info.deployed', [plan.name, deployId]));
      return { deployStatus: 'deployed', deployId };
    } catch (error) {
      this.spinner.stop('failed');
      throw error;
    }
  }
}
