import { Messages } from '@salesforce/core';
import { Args } from '@oclif/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { presetSource } from '../../../requirements/index.js';
import { contractExitCode } from '../../../shared/exitCodes.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.preset.show');

export type PresetShowResult = {
  name: string;
  /** The manifest as data, exactly as the preset file writes it */
  manifest: Record<string, unknown>;
};

export default class IntegrationPresetShow extends SfCommand<PresetShowResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');
  public static readonly args = {
    name: Args.string({ required: true, description: messages.getMessage('args.name.description') }),
  };

  public async run(): Promise<PresetShowResult> {
    const { args } = await this.parse(IntegrationPresetShow);
    // validated like any manifest (UnknownPreset with the list of presets otherwise)
    const { name, text, data } = await presetSource(args.name);
    // print the file itself, comments included: it is the starting point for a user's own manifest
    if (!this.jsonEnabled()) process.stdout.write(text);
    return { name, manifest: data };
  }

  /** Exit codes of the contract under sf and bin/run.js alike (a bad flag or argument 2). */
  protected async catch(error: Error): Promise<never> {
    return super.catch(contractExitCode(error));
  }
}
