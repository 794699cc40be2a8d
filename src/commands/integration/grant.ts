import '../../shared/oneLogWriter.js';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { GrantResult } from '../../grant/run.js';
import { writeJsonEnvelope } from '../../shared/jsonOutput.js';
import { exitCodesHelpSection, contractExitCode } from '../../shared/exitCodes.js';
import { appFlag, requirementsFlags, userFlag } from '../../flags.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.grant');

/** The workflow (src/grant/run.ts) loads on first use, so `--help` costs only oclif and @salesforce/core. */
export type { GrantResult } from '../../grant/run.js';

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
    const { runGrant } = await import('../../grant/run.js');
    const org = flags['target-org'];
    const { result, exitCode } = await runGrant({ conn: org.getConnection(flags['api-version']), username: org.getUsername(), orgId: org.getOrgId() }, flags, {
      log: (text) => this.log(text),
      warn: (text) => this.warn(text),
      confirm: (message) => this.confirm({ message }),
      progress: {
        start: (text): void => this.spinner.start(text),
        status: (text): void => void (this.spinner.status = text),
        stop: (outcome): void => this.spinner.stop(outcome),
      },
    });
    if (exitCode !== undefined) process.exitCode = exitCode;
    return result;
  }

  /** Exit codes of the contract under sf and bin/run.js alike (an unknown org 1, a bad flag 2). */
  protected async catch(error: Error): Promise<never> {
    return super.catch(contractExitCode(error));
  }
}
