/*
 * Help for bin/run.js: oclif's help plus the ERROR CODES section that the `sf` CLI's own help class renders
 * from a command's static `errorCodes` (so `--help` shows the exit-code table under both).
 */
import { CommandHelp, Help } from '@oclif/core';
import type { HelpSection } from '@oclif/core';

type Section = ReturnType<CommandHelp['sections']>[number];

class CommandHelpWithErrorCodes extends CommandHelp {
  protected sections(): Section[] {
    const sections = super.sections();
    const errorCodes: Section = {
      header: 'ERROR CODES',
      generate: ({ cmd }) => {
        const section = (cmd as { errorCodes?: HelpSection }).errorCodes;
        return section ? [section] : undefined;
      },
    };
    const at = sections.findIndex((s) => s.header === 'FLAG DESCRIPTIONS');
    sections.splice(at < 0 ? sections.length : at + 1, 0, errorCodes);
    return sections;
  }
}

export default class IntegrationHelp extends Help {
  protected CommandHelpClass = CommandHelpWithErrorCodes;
}
