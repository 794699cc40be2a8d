import { Connection, Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { CheckReport } from '../../report/index.js';
import { DIAGNOSE_CODES, diagnoseAll, diagnosisExitCode, parseDiagnoseCode } from '../../diagnose/index.js';
import { writeJsonEnvelope } from '../../shared/jsonOutput.js';
import { exitCodesHelpSection, contractExitCode } from '../../shared/exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.check');

export type CheckResult = CheckReport;

/** The work modules load on first use, so `--help` costs only oclif and @salesforce/core. */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
const load = async () => {
  const [input, snapshot, evaluation, report, human, junit, markdown, outputFile, sarif] = await Promise.all([
    import('../../shared/requirementsInput.js'),
    import('../../snapshot/read.js'),
    import('../../evaluation/index.js'),
    import('../../report/index.js'),
    import('../../render/human.js'),
    import('../../render/junit.js'),
    import('../../render/markdown.js'),
    import('../../render/outputFile.js'),
    import('../../render/sarif.js'),
  ]);
  return { ...input, ...snapshot, ...evaluation, ...report, ...human, ...junit, ...markdown, ...outputFile, ...sarif };
};

export default class IntegrationCheck extends SfCommand<CheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelpSection();

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    preset: Flags.string({ char: 'p', summary: messages.getMessage('flags.preset.summary'), exactlyOne: ['preset', 'manifest'] }),
    manifest: Flags.file({ char: 'm', summary: messages.getMessage('flags.manifest.summary'), exactlyOne: ['preset', 'manifest'] }),
    feature: Flags.string({ char: 'f', summary: messages.getMessage('flags.feature.summary'), multiple: true }),
    user: Flags.string({ char: 'u', summary: messages.getMessage('flags.user.summary'), multiple: true }),
    'users-file': Flags.file({ summary: messages.getMessage('flags.users-file.summary') }),
    'match-emails': Flags.file({ summary: messages.getMessage('flags.match-emails.summary') }),
    app: Flags.string({ char: 'a', summary: messages.getMessage('flags.app.summary') }),
    'result-format': Flags.option({
      char: 'r',
      summary: messages.getMessage('flags.result-format.summary'),
      options: ['human', 'json', 'junit', 'markdown', 'sarif'] as const,
      default: 'human',
    })(),
    'output-file': Flags.string({ summary: messages.getMessage('flags.output-file.summary') }),
    verbose: Flags.boolean({ summary: messages.getMessage('flags.verbose.summary') }),
    record: Flags.directory({ summary: messages.getMessage('flags.record.summary'), description: messages.getMessage('flags.record.description') }),
    diagnose: Flags.string({
      summary: messages.getMessage('flags.diagnose.summary'),
      description: messages.getMessage('flags.diagnose.description', [DIAGNOSE_CODES.join(', ')]),
    }),
  };

  /** The --json envelope: plain text unless a person at a terminal reads a small one (see jsonOutput.ts). */
  public logJson(json: unknown): void {
    writeJsonEnvelope(json, (j) => super.logJson(j));
  }

  public async run(): Promise<CheckResult> {
    const { flags } = await this.parse(IntegrationCheck);
    const startedAt = new Date();
    // an unknown --diagnose code is a usage error (exit 2), caught before anything is read
    const code = flags.diagnose === undefined ? undefined : parseDiagnoseCode(flags.diagnose);
    if (flags.diagnose !== undefined && !code) {
      throw messages.createError('error.UnknownDiagnoseCode', [flags.diagnose, DIAGNOSE_CODES.join(', ')], [], 2);
    }
    const { collectUsers, loadRequirements, readSnapshot, evaluate, buildReport, exitCodeOf, renderHuman, renderJunit, renderMarkdown, writeOutputFile } = await load();
    const { evaluationOptions } = await load(); // labels for evaluation and diagnosis (they read no files)
    const { renderSarif, manifestSource } = await load(); // --result-format sarif
    const requirements = await loadRequirements(flags);
    const org = flags['target-org'];
    const { users, emails } = await collectUsers(flags, org.getUsername());
    const conn = org.getConnection(flags['api-version']);
    const app = flags.app ?? requirements.oauth?.app;

    const recording = flags.record ? await this.startRecording(conn, flags.record) : undefined;

    this.spinner.start(messages.getMessage('progress.reading', [String(users.length), org.getUsername() ?? org.getOrgId()]));
    const snapshot = await readSnapshot(conn, requirements, { users, emails, app }).then(
      (value) => (this.spinner.stop(), value),
      async (error: unknown) => {
        this.spinner.stop('failed');
        await recording?.finishWithError(error);
        throw error;
      }
    );
    if (snapshot.users.length === 0) {
      throw messages.createError('error.NoUsersResolved', [users.join(', ')]);
    }
    const report = buildReport(requirements, snapshot, evaluate(requirements, snapshot, evaluationOptions()), app);
    if (code) report.diagnosis = diagnoseAll(code, snapshot, requirements, evaluationOptions());

    const format = flags['result-format'];
    const render = (): string =>
      format === 'junit'
        ? renderJunit(report, { startedAt })
        : format === 'sarif'
          ? renderSarif(report, manifestSource(report.integration.origin))
        : format === 'markdown'
          ? renderMarkdown(report, { verbose: flags.verbose })
          : format === 'json'
            ? JSON.stringify(report, null, 2)
            : renderHuman(report, { verbose: flags.verbose, emails });
    if (flags['output-file']) {
      // the verdict first: a file that cannot be written must not lose the finished check
      this.log(renderHuman(report, { verbose: flags.verbose, emails }));
      await writeOutputFile(flags['output-file'], render(), format, report);
      this.info(messages.getMessage('info.wrote', [format, flags['output-file']]));
    } else if (!this.jsonEnabled()) {
      // under --json the envelope is the output: nothing else is rendered
      this.log(render());
    }
    // a broken link of the diagnosis is something missing (3); the check's own verdict still counts
    process.exitCode = Math.max(exitCodeOf(report), report.diagnosis ? diagnosisExitCode(report.diagnosis) : 0);
    await recording?.finish(process.exitCode, report);
    return report;
  }

  /** Exit codes of the contract under sf and bin/run.js alike (an unknown org 1, a bad flag 2). */
  protected async catch(error: Error): Promise<never> {
    return super.catch(contractExitCode(error));
  }

  /** --record DIR: every request of this run and its answer, scrubbed (src/snapshot/recording.ts). */
  private async startRecording(
    conn: Connection,
    dir: string
  ): Promise<{ finish(exitCode: number, report: CheckReport): Promise<void>; finishWithError(error: unknown): Promise<void> }> {
    const { startRecording, outcomeOf, errorOutcome } = await import('../../snapshot/recording.js');
    const plugin = `${this.config.pjson.name}@${this.config.pjson.version}`;
    const recording = await startRecording(conn, dir, { command: 'integration check', argv: this.argv, plugin });
    this.info(messages.getMessage('info.recording', [dir]));
    return {
      finish: (exitCode, report) => recording.finish(outcomeOf(exitCode, report)),
      finishWithError: (error) => recording.finish(errorOutcome(error)),
    };
  }
}
