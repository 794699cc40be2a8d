#!/usr/bin/env node
// eslint-disable-next-line node/shebang
import { execute } from '@oclif/core';

// On Ctrl-C, sf-plugins-core's SIGINT handler calls this.exit(130), which throws oclif's ExitError from an
// event listener, outside any command's error handling: exit with its code instead of printing a stack trace.
process.on('uncaughtException', (error) => {
  const code = error && typeof error === 'object' && error.oclif ? error.oclif.exit : undefined;
  if (typeof code === 'number') process.exit(code);
  // anything else is a real crash: report it the way Node would, and fail
  console.error(error);
  process.exit(1);
});

await execute({ dir: import.meta.url });
