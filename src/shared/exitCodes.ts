/*
 * The exit-code contract (design: "Exit codes"), the same under `sf` and under bin/run.js:
 *   0 every required item is met, 3 something required is missing or impossible, 1 no verdict (bad
 *   input, org or API error), 2 flag/usage errors.
 *
 * The `sf` CLI's package.json sets oclif's `exitCodes.failedFlagParsing` to 2, so under `sf` an error thrown
 * while a flag's value is parsed exits 2 (and its message is wrapped in "Parsing --flag … See more help with
 * --help"). This plugin's package.json sets the same exitCodes, so bin/run.js behaves the same. Resolving
 * --target-org happens during flag parsing too, but an org that is not found or has no usable auth is an org
 * error, not a usage error: contractExitCode() gives it exit 1 and its own message back, under both.
 */
import { Messages } from '@salesforce/core';
import { toHelpSection } from '@salesforce/sf-plugins-core';
import type { HelpSection } from '@oclif/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'exit-codes');

export const EXIT = { met: 0, noVerdict: 1, usage: 2, missing: 3 } as const;

/** The ERROR CODES section of --help (sf renders a command's static errorCodes; so does src/help.ts). */
export const exitCodesHelpSection = (): HelpSection =>
  toHelpSection(messages.getMessage('header'), {
    'Met (0)': messages.getMessage('met'),
    'NoVerdict (1)': messages.getMessage('noVerdict'),
    'Usage (2)': messages.getMessage('usage'),
    'Missing (3)': messages.getMessage('missing'),
  });

const ORG_FLAG_PARSE = /^Parsing --target-org \n\t([\s\S]*)\nSee more help with --help$/;
const PARSE_ERROR_END = '\nSee more help with --help';

/**
 * The contract's exit code for an error, whichever CLI runs the command: an error raised while resolving
 * --target-org is an org error (exit 1, its own message); any other error oclif raised while parsing the
 * command line is a usage error (exit 2; oclif itself gives some of them, e.g. a value not among a flag's
 * options, its `exitCodes.default`, which is 1 under sf).
 */
export const contractExitCode = <E extends Error>(error: E): E => {
  const e = error as E & { oclif?: { exit?: number }; exitCode?: number; parse?: unknown };
  const org = ORG_FLAG_PARSE.exec(error.message);
  const code = org ? EXIT.noVerdict : error.message.endsWith(PARSE_ERROR_END) || e.parse !== undefined ? EXIT.usage : undefined;
  if (code === undefined) return error;
  if (org) e.message = org[1];
  e.oclif = { exit: code };
  e.exitCode = code;
  return error;
};
