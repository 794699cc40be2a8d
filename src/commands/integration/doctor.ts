import '../../shared/oneLogWriter.js';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { DoctorResult } from '../../doctor/index.js';
import { writeJsonEnvelope } from '../../shared/jsonOutput.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.doctor');

export type { DoctorResult };

export default class IntegrationDoctor extends SfCommand<DoctorResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    user: Flags.string({ char: 'u', summary: messages.getMessage('flags.user.summary') }),
    app: Flags.string({ char: 'a', summary: messages.getMessage('flags.app.summary') }),
  };

  /** The --json envelope: plain text unless a person at a terminal reads a small one (see jsonOutput.ts). */
  public logJson(json: unknown): void {
    writeJsonEnvelope(json, (j) => super.logJson(j));
  }

  public async run(): Promise<DoctorResult> {
    const { flags } = await this.parse(IntegrationDoctor);
    const { runDoctor, doctorExitCode } = await import('../../doctor/index.js');
    const { renderDoctor } = await import('../../doctor/render.js');
    const org = flags['target-org'];
    const conn = org.getConnection(flags['api-version']);
    this.spinner.start(messages.getMessage('progress.probing', [org.getUsername() ?? org.getOrgId()]));
    const result = await runDoctor(conn, { user: flags.user, app: flags.app }).then(
      (value) => (this.spinner.stop(), value),
      (error: unknown) => {
        this.spinner.stop('failed');
        throw error;
      }
    );
    if (!this.jsonEnabled()) this.log(renderDoctor(result));
    process.exitCode = doctorExitCode(result);
    if (process.exitCode !== 0 && !this.jsonEnabled()) this.info(messages.getMessage('info.refused'));
    return result;
  }
}
