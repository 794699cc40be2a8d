import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Messages } from '@salesforce/core';
import { Args } from '@oclif/core';
import { SfCommand } from '@salesforce/sf-plugins-core';
import { parse } from 'yaml';
import { loadPreset, presetsDir } from '../../../requirements/index.js';
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
    // validates the name and the file (UnknownPreset with the list of presets otherwise)
    const manifest = await loadPreset(args.name);
    const name = manifest.origin.replace(/^preset:/, '');
    const text = await readFile(join(presetsDir(), `${name}.yaml`), 'utf8');
    // print the file itself, comments included: it is the starting point for a user's own manifest
    if (!this.jsonEnabled()) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return { name, manifest: parse(text) as Record<string, unknown> };
  }

  /** Exit codes of the contract under sf and bin/run.js alike (a bad flag or argument 2). */
  protected async catch(error: Error): Promise<never> {
    return super.catch(contractExitCode(error));
  }
}
