import { Messages } from '@salesforce/core';
import { Flags, SfCommand } from '@salesforce/sf-plugins-core';
import { contractExitCode } from '../../../shared/exitCodes.js';
import type { Requirements } from '../../../requirements/types.js';
import type { InvalidManifestData } from '../../../requirements/errors.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.manifest.validate');

/**
 * The result of a valid manifest. An invalid one is not a result but the error InvalidManifest (exit 1); with
 * --json its `data` is the type ManifestValidateErrorData of this module: every defect with its path, position and message, and,
 * where the message suggests a concrete value, `fix`: `{ path: ['objects','Contact','access',1], replaceWith: 'read' }`
 * (set that value) or `{ path: ['objects','Contact','acess'], renameKey: 'access' }` (rename that key), with
 * `choices` when the message offers several. The fix's path is the list of keys and indexes into the parsed document.
 */
export type ManifestValidateResult = {
  valid: true;
  /** The manifest as the checker sees it: labels turned into API names, features merged */
  requirements: Requirements;
  features: string[];
};

/** `data` of the InvalidManifest error under --json: the defects, each with its machine-applicable `fix` where it has one. */
export type ManifestValidateErrorData = InvalidManifestData;

export default class IntegrationManifestValidate extends SfCommand<ManifestValidateResult> {
  public static readonly summary = messages.getMessage('summary');
  public static readonly description = messages.getMessage('description');
  public static readonly examples = messages.getMessages('examples');

  public static readonly flags = {
    manifest: Flags.file({ char: 'm', summary: messages.getMessage('flags.manifest.summary'), required: true }),
    feature: Flags.string({ char: 'f', summary: messages.getMessage('flags.feature.summary'), multiple: true }),
  };

  public async run(): Promise<ManifestValidateResult> {
    const { flags } = await this.parse(IntegrationManifestValidate);
    const { loadManifestFile, applyFeatures, featureSelection } = await import('../../../requirements/index.js');
    const manifest = await loadManifestFile(flags.manifest);
    const requirements = applyFeatures(manifest, featureSelection(flags.feature));
    const names = (items: Array<{ names: string[] }>): string =>
      items.map((i) => (i.names.length > 1 ? `anyOf(${i.names.join(' | ')})` : i.names[0])).join(', ') || '-';
    const fields = requirements.objects.reduce((n, o) => n + o.fields.length, 0);
    this.log(messages.getMessage('info.valid', [flags.manifest, requirements.label, requirements.name]));
    this.log(`  system permissions: ${names(requirements.systemPermissions)}`);
    if (requirements.customPermissions?.length) this.log(`  custom permissions: ${names(requirements.customPermissions)}`);
    this.log(`  objects: ${requirements.objects.map((o) => o.object).join(', ') || '-'} (${fields} field requirements)`);
    if (requirements.oauth) this.log(`  oauth scopes: ${names(requirements.oauth.scopes)}`);
    this.log(`  features: ${Object.keys(manifest.features).join(', ') || '-'}${requirements.features.length ? ` (merged: ${requirements.features.join(', ')})` : ''}`);
    return { valid: true, requirements, features: Object.keys(manifest.features) };
  }

  /** Exit codes of the contract under sf and bin/run.js alike (a bad flag or argument 2). */
  protected async catch(error: Error): Promise<never> {
    return super.catch(contractExitCode(error));
  }
}
