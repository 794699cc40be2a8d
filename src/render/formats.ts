/*
 * The result formats of `check --result-format`: one registry, from which the flag takes its options.
 * Adding a format is one renderer file plus one line here. Renderers load on first use (`--help` stays cheap).
 */
import type { CheckReport } from '../report/index.js';

export type RenderContext = {
  /** --verbose: list passing items too */
  verbose: boolean;
  /** Users matched by email (--match-emails), for the human summary */
  emails: string[];
  /** When the check started (JUnit's timestamp and time) */
  startedAt: Date;
};

type Renderer = (report: CheckReport, context: RenderContext) => Promise<string>;

const RENDERERS = {
  human: async (report: CheckReport, context: RenderContext): Promise<string> =>
    (await import('./human.js')).renderHuman(report, { verbose: context.verbose, emails: context.emails }),
  json: (report: CheckReport): Promise<string> => Promise.resolve(JSON.stringify(report, null, 2)),
  junit: async (report: CheckReport, context: RenderContext): Promise<string> =>
    (await import('./junit.js')).renderJunit(report, { startedAt: context.startedAt }),
  markdown: async (report: CheckReport, context: RenderContext): Promise<string> =>
    (await import('./markdown.js')).renderMarkdown(report, { verbose: context.verbose }),
  sarif: async (report: CheckReport): Promise<string> => {
    const { renderSarif, manifestSource } = await import('./sarif.js');
    return renderSarif(report, manifestSource(report.integration.origin));
  },
} satisfies Record<string, Renderer>;

export type ResultFormat = keyof typeof RENDERERS;

/** The formats, in the order `--help` lists them. */
export const RESULT_FORMATS = Object.keys(RENDERERS) as ResultFormat[];

export const renderReport = (format: ResultFormat, report: CheckReport, context: RenderContext): Promise<string> => RENDERERS[format](report, context);
