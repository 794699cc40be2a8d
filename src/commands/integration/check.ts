import { writeFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { collectUsers, loadRequirements } from '../../shared/requirementsInput.js';
import { readSnapshot } from '../../snapshot/read.js';
import { evaluate } from '../../evaluation/index.js';
import { buildReport, CheckReport, exitCodeOf } from '../../render/report.js';
import { renderHuman } from '../../render/human.js';
import { renderJunit } from '../../render/junit.js';
import { renderMarkdown } from '../../render/markdown.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.check');

export type CheckResult = CheckReport;

export default class IntegrationCheck extends SfCommand<CheckResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    preset: Flags.string({ char: 'p', summary: messages.getMessage('flags.preset.summary'), exactlyOne: ['preset', 'manifest'] }),
    manifest: Flags.file({ char: 'm', summary: messages.getMessage('flags.manifest.summary'), exists: true, exactlyOne: ['preset', 'manifest'] }),
    feature: Flags.string({ char: 'f', summary: messages.getMessage('flags.feature.summary'), multiple: true }),
    user: Flags.string({ char: 'u', summary: messages.getMessage('flags.user.summary'), multiple: true }),
    'users-file': Flags.file({ summary: messages.getMessage('flags.users-file.summary'), exists: true }),
    'match-emails': Flags.file({ summary: messages.getMessage('flags.match-emails.summary'), exists: true }),
    app: Flags.string({ char: 'a', summary: messages.getMessage('flags.app.summary') }),
    'result-format': Flags.option({
      char: 'r',
      summary: messages.getMessage('flags.result-format.summary'),
      options: ['human', 'json', 'junit', 'markdown'] as const,
      default: 'human',
    })(),
    'output-file': Flags.string({ summary: messages.getMessage('flags.output-file.summary') }),
    verbose: Flags.boolean({ summary: messages.getMessage('flags.verbose.summary') }),
  };

  public async run(): Promise<CheckResult> {
    const { flags } = await this.parse(IntegrationCheck);
    const requirements = await loadRequirements(flags);
    const org = flags['target-org'];
    const { users } = await collectUsers(flags, org.getUsername());
    const conn = org.getConnection(flags['api-version']);
    const app = flags.app ?? requirements.oauth?.app;

    this.spinner.start(messages.getMessage('progress.reading', [String(users.length), org.getUsername() ?? org.getOrgId()]));
    const snapshot = await readSnapshot(conn, requirements, { users, app }).finally(() => this.spinner.stop());
    if (snapshot.users.length === 0) {
      throw messages.createError('error.NoUsersResolved', [users.join(', ')]);
    }
    const report = buildReport(requirements, snapshot, evaluate(requirements, snapshot), app);

    const format = flags['result-format'];
    const rendered =
      format === 'junit'
        ? renderJunit(report)
        : format === 'markdown'
          ? renderMarkdown(report, { verbose: flags.verbose })
          : format === 'json'
            ? JSON.stringify(report, null, 2)
            : renderHuman(report, { verbose: flags.verbose });
    if (flags['output-file']) {
      await writeFile(flags['output-file'], rendered.endsWith('\n') ? rendered : `${rendered}\n`);
      this.log(renderHuman(report, { verbose: flags.verbose }));
      this.info(messages.getMessage('info.wrote', [format, flags['output-file']]));
    } else {
      this.log(rendered);
    }
    process.exitCode = exitCodeOf(report);
    return report;
  }
}
