#!/usr/bin/env node
/*
 * node emulator/lib/replay-cli.js DIR [--alias NAME] [--port N]
 * Serves the recording in DIR (made with `sf integration check --record DIR`) and registers it as an sf org
 * (alias NAME, default `replay`) in the auth store of the current HOME. Prints `ready <url>` on stdout once
 * listening; on SIGTERM/SIGINT prints each request that had no recorded answer as `miss …` on stderr.
 */
import { loadRecording, startReplayServer } from './replay.js';
import { registerOrg } from './index.js';

export const REPLAY_USERNAME = 'replay@recording.invalid';

const main = async (): Promise<void> => {
  const argv = process.argv.slice(2);
  const dir = argv.find((a, i) => !a.startsWith('--') && !['--alias', '--port'].includes(argv[i - 1] ?? ''));
  if (!dir) throw new Error('usage: node emulator/lib/replay-cli.js DIR [--alias NAME] [--port N]');
  const option = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const recording = loadRecording(dir);
  const server = await startReplayServer(recording, { port: Number(option('--port') ?? 0), username: REPLAY_USERNAME });
  await registerOrg({ instanceUrl: server.url, accessToken: '00DREPLAY000001!replay.session', username: REPLAY_USERNAME, alias: option('--alias') ?? 'replay' });
  const stop = (): void => {
    for (const miss of server.misses()) process.stderr.write(`miss ${miss}\n`);
    void server.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(`ready ${server.url}\n`);
};

main().catch((e: unknown) => {
  process.stderr.write(`replay: ${(e as Error).message}\n`);
  process.exit(1);
});
