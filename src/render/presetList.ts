/*
 * `sf integration preset list` as text: one block per preset, the name first and whole (it is what --preset
 * needs), the label beside it, then its counts, features and source on indented lines. Nothing is cut to the
 * terminal's width: a line longer than the terminal wraps, a name never loses characters.
 */
import { Messages } from '@salesforce/core';
import type { PresetSummary } from '../requirements/presets.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.preset.list');

export const renderPresetList = (presets: PresetSummary[]): string => {
  const width = Math.max(0, ...presets.map((p) => p.name.length));
  const blocks = presets.map((p) => {
    const { systemPermissions, objects, fields, scopes } = p.counts;
    return [
      `${p.name.padEnd(width)}  ${p.label}`,
      `  ${messages.getMessage('counts', [systemPermissions, objects, fields, scopes].map(String))}`,
      ...(p.features.length ? [`  ${messages.getMessage('features', [p.features.join(', ')])}`] : []),
      ...(p.source ? [`  ${messages.getMessage('source', [p.source])}`] : []),
    ].join('\n');
  });
  return [...blocks, messages.getMessage('footer')].join('\n\n');
};
