import '../../shared/oneLogWriter.js';
import { writeFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import type { Inventory } from '../../inventory/types.js';
import { writeJsonEnvelope } from '../../shared/jsonOutput.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.inventory');

export type InventoryResult = Inventory;

/** The work modules load on first use, so `--help` costs only oclif and @salesforce/core. */
// eslint-disable-next-line @typescript-eslint/explicit-function-return-type
const load = async () => {
  const [read, build, render, excess] = await Promise.all([import('../../inventory/read.js'), import('../../inventory/build.js'), import('../../inventory/render.js'), import('../../inventory/excess.js')]);
  return { ...read, ...build, ...render, ...excess };
};

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
      options: ['human', 'json', 'markdown', 'csv'] as const,
      default: 'human',
    })(),
    'output-file': Flags.string({ summary: messages.getMessage('flags.output-file.summary') }),
  };

  /** The --json envelope: plain text unless a person at a terminal reads a small one (see jsonOutput.ts). */
  public logJson(json: unknown): void {
    writeJsonEnvelope(json, (j) => super.logJson(j));
  }

  public async run(): Promise<InventoryResult> {
    const { flags } = await this.parse(IntegrationInventory);
    const { readInventory, buildInventory, renderInventoryHuman, renderInventoryMarkdown, renderInventoryCsv, integrationUserIds, readIntegrationUserAccess } = await load();
    const org = flags['target-org'];
    this.spinner.start(messages.getMessage('progress.reading', [org.getUsername() ?? org.getOrgId()]));
    const conn = org.getConnection(flags['api-version']);
    // the inventory's round trip, then one read of everything its integration users hold (their excess by tier)
    const read = async (): Promise<Parameters<typeof buildInventory>> => {
      const inventorySnapshot = await readInventory(conn);
      return [inventorySnapshot, await readIntegrationUserAccess(conn, integrationUserIds(inventorySnapshot))];
    };
    const [snapshot, access] = await read().then(
      (value) => (this.spinner.stop(), value),
      (error: unknown) => {
        this.spinner.stop('failed');
        throw error;
      }
    );
    const inventory = buildInventory(snapshot, access);
    const format = flags['result-format'];
    const render = (): string =>
      format === 'csv'
        ? renderInventoryCsv(inventory)
        : format === 'markdown'
          ? renderInventoryMarkdown(inventory)
          : format === 'json'
            ? JSON.stringify(inventory, null, 2)
            : renderInventoryHuman(inventory);
    if (flags['output-file']) {
      const rendered = render();
      await writeFile(flags['output-file'], rendered.endsWith('\n') ? rendered : `${rendered}\n`);
      this.log(renderInventoryHuman(inventory));
      this.info(messages.getMessage('info.wrote', [format, flags['output-file']]));
    } else if (!this.jsonEnabled()) {
      this.log(render().replace(/\r?\n$/, ''));
    }
    return inventory;
  }
}
