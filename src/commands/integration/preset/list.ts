import { Messages } from '@salesforce/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { contractExitCode } from '../../../shared/exitCodes.js';
import { listPresets, type PresetSummary } from '../../../requirements/index.js';
import { renderPresetList } from '../../../render/presetList.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.preset.list');

export type PresetListEntry = PresetSummary;
export type PresetListResult = PresetListEntry[];

export default class IntegrationPresetList extends SfCommand<PresetListResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public async run(): Promise<PresetListResult> {
    await this.parse(IntegrationPresetList);
    const presets: PresetListResult = (await listPresets()).map((p) => ({
      name: p.name,
      label: p.label,
      source: p.source,
      description: p.description,
      counts: p.counts,
      features: p.features,
    }));
    this.log(renderPresetList(presets));
    return presets;
  }

  /** Exit codes of the contract under sf and bin/run.js alike (a bad flag or argument 2). */
  protected async catch(error: Error): Promise<never> {
    return super.catch(contractExitCode(error));
  }
}
