/*
 * Flags that several commands share, declared once with their texts in messages/commonFlags.md (the way
 * plugin-data's src/flags.ts and plugin-deploy-retrieve's commonFlags do it). A command spreads the ones it takes.
 */
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'commonFlags');

/** --preset or --manifest (exactly one), and --feature. */
export const requirementsFlags = {
  preset: Flags.string({ char: 'p', summary: messages.getMessage('flags.preset.summary'), exactlyOne: ['preset', 'manifest'] }),
  manifest: Flags.file({ char: 'm', summary: messages.getMessage('flags.manifest.summary'), exactlyOne: ['preset', 'manifest'] }),
  feature: Flags.string({ char: 'f', summary: messages.getMessage('flags.feature.summary'), multiple: true }),
};

export const userFlag = Flags.string({ char: 'u', summary: messages.getMessage('flags.user.summary'), multiple: true });

export const usersFileFlag = Flags.file({ summary: messages.getMessage('flags.users-file.summary') });

export const appFlag = Flags.string({ char: 'a', summary: messages.getMessage('flags.app.summary') });
