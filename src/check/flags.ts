/*
 * check's flags for excess privilege and drift (issue #18), declared here so the command stays a list of
 * flags and a call into src/check/run.ts.
 */
import { Messages } from '@salesforce/core';
import { Flags } from '@salesforce/sf-plugins-core';
import { RISK_TIERS } from '../salesforce/riskTiers.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'integration.check');

export const excessAndDriftFlags = {
  excess: Flags.boolean({ summary: messages.getMessage('flags.excess.summary'), description: messages.getMessage('flags.excess.description') }),
  'fail-on-excess': Flags.option({ summary: messages.getMessage('flags.fail-on-excess.summary'), options: RISK_TIERS })(),
  baseline: Flags.file({ summary: messages.getMessage('flags.baseline.summary'), description: messages.getMessage('flags.baseline.description'), exists: true }),
  'fail-on': Flags.option({ summary: messages.getMessage('flags.fail-on.summary'), options: ['any', 'new'] as const, dependsOn: ['baseline'] })(),
};
