/*
 * The environment the demo and the benchmark run the CLI and the emulator in: a throwaway HOME (its own sf
 * auth store, plain-file keychain), no telemetry, update checks or autoupdate, and fast deploy polling.
 */

/** process.env for a child sf / emulator process living in `home`. */
export const cliEnv = (home, extra = {}) => ({
  ...process.env,
  HOME: home,
  USERPROFILE: home,
  SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
  SF_DISABLE_TELEMETRY: 'true',
  SF_SKIP_NEW_VERSION_CHECK: 'true',
  SF_DISABLE_AUTOUPDATE: 'true',
  SF_AUTOUPDATE_DISABLE: 'true',
  SF_INTEGRATION_ACCESS_POLL_MS: '200',
  ...extra,
});
