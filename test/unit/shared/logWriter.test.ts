/*
 * The plugin's log writer (src/shared/logWriter.ts) writes the file @salesforce/core would write, and only when
 * core would write one (@salesforce/core 8, lib/logger/logger.js getWriteStream).
 */
import { join } from 'node:path';
import { expect } from 'chai';
import { Global } from '@salesforce/core';
import { coreLogFile } from '../../../src/shared/logWriter.js';

const withEnv = <T>(vars: Record<string, string | undefined>, fn: () => T): T => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  try {
    return fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

const noOverrides = { SF_DISABLE_LOG_FILE: undefined, SFDX_DISABLE_LOG_FILE: undefined, DEBUG: undefined, SF_ENV: undefined, SFDX_ENV: undefined, SF_LOG_ROTATION_PERIOD: undefined };

describe('shared/logWriter', () => {
  it('writes the daily file in the sf directory, as core does by default', () => {
    const file = withEnv(noOverrides, () => coreLogFile());
    const day = new Date().toISOString().split('T')[0];
    expect(file).to.equal(join(Global.SF_DIR, `sf-${day}.log`));
  });

  it('follows SF_LOG_ROTATION_PERIOD like core (hourly file name)', () => {
    const file = withEnv({ ...noOverrides, SF_LOG_ROTATION_PERIOD: '1h' }, () => coreLogFile());
    expect(file).to.match(/sf-\d{4}-\d{2}-\d{2}T\d{2}\.log$/);
  });

  it('writes nothing when the user turned the log file off', () => {
    expect(withEnv({ ...noOverrides, SF_DISABLE_LOG_FILE: 'true' }, () => coreLogFile())).to.equal(undefined);
    expect(withEnv({ ...noOverrides, SFDX_DISABLE_LOG_FILE: 'true' }, () => coreLogFile())).to.equal(undefined);
  });

  it('leaves core alone when DEBUG makes it pretty-print to the terminal instead of the file', () => {
    expect(withEnv({ ...noOverrides, DEBUG: 'sf:*' }, () => coreLogFile())).to.equal(undefined);
  });

  it('leaves core alone in its test mode (core keeps logs in memory there)', () => {
    expect(withEnv({ ...noOverrides, SF_ENV: 'test' }, () => coreLogFile())).to.equal(undefined);
  });
});
