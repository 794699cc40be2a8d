import '../../shared/oneLogWriter.js';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { Inventory } from '../../inventory/types.js';
import { INVENTORY_FORMATS, type InventoryFormat } from '../../inventory/formats.js';
import { writeJsonEnvelope } from '../../shared/jsonOutput.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.inventory');

export type InventoryResult = Inventory;

export default class IntegrationInventory extends SfCommand<InventoryResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    'target-org': Flags.requiredOrg(),
    'api-version': Flags.orgApiVersion(),
    'result-format': Flags.option({
      char: 'r',
      summary: messages.getMessage('flags.result-format.summary'),
      options: INVENTORY_FORMATS,
      default: 'human' as InventoryFormat,
    })(),
    'output-file': Flags.string({ summary: messages.getMessage('flags.output-file.summary') }),
  };

  /** The --json envelope: plain text unless a person at a terminal reads a small one (see jsonOutput.ts). */
  public logJson(json: unknown): void {
    writeJsonEnvelope(json, (j) => super.logJson(j));
  }

  public async run(): Promise<InventoryResult> {
    const { flags } = await this.parse(IntegrationInventory);
    // the work modules load on first use, so `--help` costs only oclif and @salesforce/core
    const { runInventory, emitInventory } = await import('../../inventory/run.js');
    const org = flags['target-org'];
    const inventory = await runInventory(org.getConnection(flags['api-version']), {
      start: () => this.spinner.start(messages.getMessage('progress.reading', [org.getUsername() ?? org.getOrgId()])),
      stop: (outcome) => this.spinner.stop(outcome),
    });
    await emitInventory(
      inventory,
      { format: flags['result-format'], outputFile: flags['output-file'], json: this.jsonEnabled() },
      { log: (t) => this.log(t), wrote: (format, file) => this.info(messages.getMessage('info.wrote', [format, file])) }
    );
    return inventory;
  }
}
