/*
 * One log writer per process.
 *
 * `@salesforce/core` writes its log file (~/.sf/sf-YYYY-MM-DD.log) through a pino transport, which runs in a
 * worker thread (thread-stream). The `sf` CLI already starts one for its own copy of `@salesforce/core`. This
 * plugin ships its own copy (every installed or linked sf plugin does), and that copy's root logger would start
 * a second worker thread. At process exit each worker is ended synchronously, and thread-stream's idle worker
 * polls for work with a back-off of up to 1,000 ms, so each worker adds up to a second to every command, `--help`
 * included (oclif loads the command to compute the target-org flag's default, which creates an Org and so the root
 * logger). Measured with the real `sf` 2.146.3 on Node 20: `sf integration check` took 3.5 s against 2.5 s for
 * `sf org display`, and 1.8 s against 1.8 s with SF_DISABLE_LOG_FILE=true.
 *
 * So this plugin's copy gets a root logger that buffers in memory (core's own MemoryLogger, which applies core's
 * secret filters) and appends the buffered lines to the same file, in the same JSON-lines format, synchronously
 * at exit: the same lines reach the same file, without a second thread. Anything core would not write to that
 * file (SF_DISABLE_LOG_FILE=true, core's test mode, or DEBUG set, which makes core pretty-print to the terminal)
 * keeps core's own behaviour untouched.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Global, Logger, Mode } from '@salesforce/core';
import { getWriteStream } from '@salesforce/core/logger';

/** The file core's root logger would write to, or undefined when core would not write a file. */
export const coreLogFile = (env: NodeJS.ProcessEnv = process.env): string | undefined => {
  if (env.SF_DISABLE_LOG_FILE === 'true' || env.SFDX_DISABLE_LOG_FILE === 'true') return undefined;
  if (Global.getEnvironmentMode() === Mode.TEST) return undefined;
  // typed through pino's TransportSingleOptions, which the linter cannot resolve from this subpath export
  const stream = getWriteStream() as { target?: string; options?: { destination?: unknown } };
  if (stream.target !== 'pino/file') return undefined;
  const destination = stream.options?.destination;
  return typeof destination === 'string' ? destination : undefined;
};

let installed = false;

/**
 * Gives this copy of `@salesforce/core` a root logger that writes the log file without a worker thread.
 * Idempotent; does nothing when a root logger already exists (it is then too late, and harmless to leave).
 */
export const useOneLogWriter = (): void => {
  if (installed) return;
  installed = true;
  const file = coreLogFile();
  if (!file) return;
  let root: Logger;
  try {
    root = new Logger({ name: Logger.ROOT_NAME, useMemoryLogger: true });
  } catch {
    return; // a root logger already exists in this copy of core
  }
  process.once('exit', () => {
    const lines = root.getBufferedRecords();
    if (lines.length === 0) return;
    try {
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, lines.map((line) => `${JSON.stringify(line)}\n`).join(''));
    } catch {
      // a log file that cannot be written must never change a command's outcome
    }
  });
};
