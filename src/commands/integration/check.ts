import '../../shared/oneLogWriter.js';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { CheckReport } from '../../report/index.js';
import { DIAGNOSE_CODES } from '../../diagnose/index.js';
import { writeJsonEnvelope } from '../../shared/jsonOutput.js';
import { exitCodesHelpSection, contractExitCode } from '../../shared/exitCodes.js';
import { appFlag, requirementsFlags, userFlag, usersFileFlag } from '../../flags.js';
import { RESULT_FORMATS, type ResultFormat } from '../../render/formats.js';
import { excessAndDriftFlags } from '../../check/flags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.check');

export type CheckResult = CheckReport;

export default class IntegrationCheck extends SfCommand<CheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly errorCodes = exitCodesHelpSection();

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    ...requirementsFlags,
    user: userFlag,
    'users-file': usersFileFlag,
    'match-emails': Flags.file({ summary: messages.getMessage('flags.match-emails.summary') }),
    app: appFlag,
    'result-format': Flags.option({
      char: 'r',
      summary: messages.getMessage('flags.result-format.summary'),
      options: RESULT_FORMATS,
      default: 'human' as ResultFormat,
    })(),
    'output-file': Flags.string({ summary: messages.getMessage('flags.output-file.summary') }),
    verbose: Flags.boolean({ summary: messages.getMessage('flags.verbose.summary') }),
    record: Flags.directory({ summary: messages.getMessage('flags.record.summary'), description: messages.getMessage('flags.record.description') }),
    ...excessAndDriftFlags,
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
    const { runCheck, parseDiagnoseFlag, emitReport, startCheckRecording } = await import('../../check/run.js');
    const diagnose = parseDiagnoseFlag(flags.diagnose);
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    const recording = await startCheckRecording(conn, flags.record, { argv: this.argv, plugin: `${this.config.pjson.name}@${this.config.pjson.version}` }, (t) => this.info(t));
    const { report, exitCode, emails } = await runCheck(conn, org.getUsername(), { ...flags, diagnose }, {
      onReadStart: (users) => this.spinner.start(messages.getMessage('progress.reading', [String(users), org.getUsername() ?? org.getOrgId()])),
      onReadEnd: (outcome) => this.spinner.stop(outcome === 'done' ? undefined : outcome),
    }).catch(async (error: unknown) => {
      await recording?.finishWithError(error);
      throw error;
    });
    const options = { format: flags['result-format'], outputFile: flags['output-file'], json: this.jsonEnabled(), context: { verbose: flags.verbose, emails, startedAt } };
    await emitReport(report, options, { log: (t) => this.log(t), info: (t) => this.info(t) });
    process.exitCode = exitCode;
    await recording?.finish(exitCode, report);
    return report;
  }

  /** Exit codes of the contract under sf and bin/run.js alike (an unknown org 1, a bad flag 2). */
  protected async catch(error: Error): Promise<never> {
    return super.catch(contractExitCode(error));
  }
}
