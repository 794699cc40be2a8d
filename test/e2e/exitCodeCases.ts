/*
 * Failures whose exit code is part of the contract (README "Exit codes"), run under bin/run.js
 * (firstDay.test.ts) and under the real sf (sf-cli.test.ts), which must agree.
 */
export type ExitCodeCase = { what: string; args: string[]; code: number; name?: string };

/** `alias` is an org that exists in the HOME the commands run in. */
export const exitCodeCases = (alias: string): ExitCodeCase[] => [
  {
    what: 'check, an org alias that does not exist (an org error)',
    args: ['integration', 'check', '--preset', 'crankwheel', '-o', 'no-such-org', '--json'],
    code: 1,
    name: 'NamedOrgNotFoundError',
  },
  {
    what: 'grant, an org alias that does not exist (an org error)',
    args: ['integration', 'grant', '--preset', 'crankwheel', '-o', 'no-such-org', '--dry-run', '--json'],
    code: 1,
    name: 'NamedOrgNotFoundError',
  },
  {
    what: 'check, an unknown preset (no verdict)',
    args: ['integration', 'check', '--preset', 'no-such-preset', '-o', alias, '--json'],
    code: 1,
  },
  {
    what: 'check, a flag value that cannot be parsed (--api-version abc)',
    args: ['integration', 'check', '--preset', 'crankwheel', '-o', alias, '--api-version', 'abc', '--json'],
    code: 2,
    name: 'InvalidApiVersionError',
  },
  {
    what: 'check, a value not among a flag\'s options (--result-format xml)',
    args: ['integration', 'check', '--preset', 'crankwheel', '-o', alias, '--result-format', 'xml'],
    code: 2,
  },
  {
    what: 'check, an unknown flag',
    args: ['integration', 'check', '--preset', 'crankwheel', '-o', alias, '--bogus'],
    code: 2,
  },
];

/** The four codes the ERROR CODES section of --help lists. */
export const HELP_ERROR_CODES = ['Met (0)', 'NoVerdict (1)', 'Usage (2)', 'Missing (3)'];
