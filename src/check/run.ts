/*
 * The check workflow, without oclif: requirements → one snapshot of the org → evaluation (and the optional
 * diagnosis) → the report and its exit code. The command parses flags, reports progress and prints; every
 * step here is a module of its own (requirements/, snapshot/, evaluation/, diagnose/, report/).
 */
import type { Connection } from '@salesforce/core';
import { Messages } from '@salesforce/core';
import { DIAGNOSE_CODES, type DiagnoseCode, parseDiagnoseCode } from '../diagnose/index.js';
import type { RenderContext, ResultFormat } from '../render/formats.js';
import type { CheckReport } from '../report/index.js';
import type { RequirementsFlags } from '../shared/requirementsInput.js';
import type { RiskTier } from '../salesforce/riskTiers.js';
import type { FailOn } from '../drift/gate.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.check');

export type CheckInput = RequirementsFlags & {
  user?: string[];
  'users-file'?: string;
  'match-emails'?: string;
  app?: string;
  /** A parsed --diagnose code */
  diagnose?: DiagnoseCode;
  /** --excess: also everything the users hold beyond the manifest (implied by --fail-on-excess) */
  excess?: boolean;
  'fail-on-excess'?: RiskTier;
  /** --baseline FILE: a previous `check --json` result to compare with */
  baseline?: string;
  'fail-on'?: FailOn;
};

export type CheckHooks = {
  /** Reading the org is the wait a person sees: start and stop a spinner around it */
  onReadStart?: (users: number) => void;
  onReadEnd?: (outcome: 'done' | 'failed') => void;
};

export type CheckRun = { report: CheckReport; exitCode: 0 | 3; emails: string[] };

/** --diagnose CODE: an unknown code is a usage error (exit 2), raised before anything is read. */
export const parseDiagnoseFlag = (value: string | undefined): DiagnoseCode | undefined => {
  if (value === undefined) return undefined;
  const code = parseDiagnoseCode(value);
  if (!code) throw messages.createError('error.UnknownDiagnoseCode', [value, DIAGNOSE_CODES.join(', ')], [], 2);
  return code;
};

/**
 * Prints the report in the chosen format, or with --output-file prints the human verdict first and then writes
 * the file (a file that cannot be written must not lose the finished check). Under --json nothing is printed:
 * the envelope is the output.
 */
export const emitReport = async (
  report: CheckReport,
  options: { format: ResultFormat; outputFile?: string; json: boolean; context: RenderContext },
  io: { log: (text: string) => void; info: (text: string) => void }
): Promise<void> => {
  const [{ renderReport }, { writeOutputFile }] = await Promise.all([import('../render/formats.js'), import('../render/outputFile.js')]);
  const { format, outputFile, context } = options;
  if (outputFile) {
    io.log(await renderReport('human', report, context));
    await writeOutputFile(outputFile, await renderReport(format, report, context), format, report);
    io.info(messages.getMessage('info.wrote', [format, outputFile]));
  } else if (!options.json) {
    io.log(await renderReport(format, report, context));
  }
};

export const runCheck = async (conn: Connection, defaultUsername: string | undefined, input: CheckInput, hooks: CheckHooks = {}): Promise<CheckRun> => {
  const [{ collectUsers, loadRequirements, evaluationOptions }, { readSnapshot }, { evaluate }, { buildReport }, { diagnoseAll, diagnosisExitCode }, drift] =
    await Promise.all([
      import('../shared/requirementsInput.js'),
      import('../snapshot/read.js'),
      import('../evaluation/index.js'),
      import('../report/index.js'),
      import('../diagnose/index.js'),
      import('../drift/index.js'),
    ]);
  const requirements = await loadRequirements(input);
  const { users, emails } = await collectUsers(input, defaultUsername);
  const app = input.app ?? requirements.oauth?.app;
  // --excess / --fail-on-excess read everything the users hold; --baseline is read first (a bad file fails fast)
  const excess = input.excess === true || input['fail-on-excess'] !== undefined;
  const baseline = input.baseline ? await drift.readBaseline(input.baseline) : undefined;

  hooks.onReadStart?.(users.length);
  const snapshot = await readSnapshot(conn, requirements, { users, emails, app, excess }).then(
    (value) => (hooks.onReadEnd?.('done'), value),
    (error: unknown) => {
      hooks.onReadEnd?.('failed');
      throw error;
    }
  );
  if (snapshot.users.length === 0) throw messages.createError('error.NoUsersResolved', [users.join(', ')]);

  // labels for evaluation and diagnosis are loaded here: they read no files
  const report = buildReport(requirements, snapshot, evaluate(requirements, snapshot, evaluationOptions()), app);
  if (input.diagnose) report.diagnosis = diagnoseAll(input.diagnose, snapshot, requirements, evaluationOptions());
  if (excess) report.excess = (await import('../excess/attach.js')).attachExcess(report, requirements, snapshot, input['fail-on-excess']);
  if (baseline) report.drift = drift.compareWithBaseline(baseline, report);
  // the gates (--fail-on-excess, --fail-on new) decide the verdict's code; a broken link of the diagnosis is
  // something missing (3) whatever the check's own verdict
  const verdict = drift.gatedExitCode(report, { failOnExcess: input['fail-on-excess'], failOn: input['fail-on'] });
  const exitCode = Math.max(verdict, report.diagnosis ? diagnosisExitCode(report.diagnosis) : 0) as 0 | 3;
  return { report, exitCode, emails };
};

/** --record DIR around a check: every request of the run and its answer, scrubbed (src/snapshot/recording.ts). */
export const startCheckRecording = async (
  conn: Connection,
  dir: string | undefined,
  meta: { argv: string[]; plugin: string },
  info: (text: string) => void
): Promise<{ finish(exitCode: number, report: CheckReport): Promise<void>; finishWithError(error: unknown): Promise<void> } | undefined> => {
  if (!dir) return undefined; // no --record: nothing is recorded
  const { startRecording, outcomeOf, errorOutcome } = await import('../snapshot/recording.js');
  const recording = await startRecording(conn, dir, { command: 'integration check', ...meta });
  info(messages.getMessage('info.recording', [dir]));
  return {
    finish: (exitCode, report) => recording.finish(outcomeOf(exitCode, report)),
    finishWithError: (error) => recording.finish(errorOutcome(error)),
  };
};
