#!/usr/bin/env node
/*
 * node emulator/lib/cli.js [--port N] [--state FILE] [--alias NAME] [--latency-ms N] [--state-out FILE] [--as USERNAME]
 * Prints exactly one line `ready <instance-url>` on stdout once listening; diagnostics go to stderr.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './describes.js';
import { serializeState } from './state.js';
import { startEmulator } from './index.js';

type Args = { port: number; state: string; alias?: string; latencyMs: number; stateOut?: string; as?: string };

const usage = 'usage: node emulator/lib/cli.js [--port N] [--state FILE] [--alias NAME] [--latency-ms N] [--state-out FILE] [--as USERNAME]';

const parseArgs = (argv: string[]): Args => {
  const args: Args = { port: 0, state: path.join(repoRoot(), 'emulator', 'states', 'demo.yaml'), latencyMs: 0 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value\n${usage}`);
      return v;
    };
    switch (flag) {
      case '--port':
        args.port = Number(next());
        break;
      case '--state':
        args.state = path.resolve(next());
        break;
      case '--alias':
        args.alias = next();
        break;
      case '--latency-ms':
        args.latencyMs = Number(next());
        break;
      case '--state-out':
        args.stateOut = path.resolve(next());
        break;
      case '--as':
        args.as = next();
        break;
      case '--help':
      case '-h':
        process.stderr.write(`${usage}\n`);
        process.exit(0);
        break;
      default:
        throw new Error(`unknown argument ${flag}\n${usage}`);
    }
  }
  if (!Number.isInteger(args.port) || args.port < 0) throw new Error(`--port must be a port number\n${usage}`);
  if (!Number.isFinite(args.latencyMs) || args.latencyMs < 0) throw new Error(`--latency-ms must be a number of milliseconds\n${usage}`);
  return args;
};

const main = async (): Promise<void> => {
  const args = parseArgs(process.argv.slice(2));
  const handle = await startEmulator({
    state: args.state,
    port: args.port,
    latencyMs: args.latencyMs,
    username: args.as,
    alias: args.alias,
    register: args.alias !== undefined,
  });
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`emulator: ${signal}, stopping\n`);
    void (async (): Promise<void> => {
      try {
        if (args.stateOut) writeFileSync(args.stateOut, serializeState(handle.getState()));
        await handle.stop();
        process.exit(0);
      } catch (e) {
        process.stderr.write(`emulator: ${(e as Error).message}\n`);
        process.exit(1);
      }
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.stderr.write(`emulator: serving ${args.state} as ${handle.username}${args.alias ? ` (alias ${args.alias})` : ''}\n`);
  process.stdout.write(`ready ${handle.instanceUrl}\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`emulator: ${(e as Error).message}\n`);
  process.exit(1);
});
