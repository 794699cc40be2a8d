/* The commands that need no org: preset list / show and manifest validate, through the real bin/run.js. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parse } from 'yaml';
import type { PresetListResult } from '../../src/commands/integration/preset/list.js';
import type { PresetShowResult } from '../../src/commands/integration/preset/show.js';
import type { ManifestValidateResult } from '../../src/commands/integration/manifest/validate.js';
import { repoRoot, runCli } from './harness.js';

describe('e2e: preset and manifest commands', function () {
  this.timeout(60_000);
  let home: string;
  before(() => {
    home = mkdtempSync(join(tmpdir(), 'sfia-cmd-'));
  });
  after(() => rmSync(home, { recursive: true, force: true }));

  it('preset list names every preset file with its counts', async () => {
    const r = await runCli(home, ['integration', 'preset', 'list', '--json']);
    expect(r.code).to.equal(0);
    const presets = r.json!.result as PresetListResult;
    expect(presets.map((p) => p.name).sort()).to.deep.equal(
      ['accord', 'ampersand-connected-app', 'ampersand-external-client-app', 'ciro', 'ciro-quick', 'crankwheel', 'ticketing-api']
    );
    const crankwheel = presets.find((p) => p.name === 'crankwheel')!;
    const file = parse(readFileSync(join(repoRoot, 'presets', 'crankwheel.yaml'), 'utf8')) as { objects: Record<string, unknown> };
    expect(crankwheel.counts.objects).to.equal(Object.keys(file.objects).length);
  });

  it('preset show prints the file itself, comments included, so it can be saved and edited', async () => {
    const r = await runCli(home, ['integration', 'preset', 'show', 'crankwheel']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.equal(readFileSync(join(repoRoot, 'presets', 'crankwheel.yaml'), 'utf8'));
    const saved = join(home, 'mine.yaml');
    writeFileSync(saved, r.stdout);
    const v = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', saved, '--json']);
    expect(v.code).to.equal(0);
    expect((v.json!.result as ManifestValidateResult).requirements.name).to.equal('crankwheel');
  });

  it('preset show --json gives the manifest as data; an unknown preset is a named error', async () => {
    const r = await runCli(home, ['integration', 'preset', 'show', 'ciro', '--json']);
    expect(r.code).to.equal(0);
    expect((r.json!.result as PresetShowResult).manifest.name).to.equal('ciro');
    const bad = await runCli(home, ['integration', 'preset', 'show', 'ciro-quik', '--json']);
    expect(bad.code).to.equal(1);
    expect(bad.json?.name).to.equal('UnknownPreset');
    expect(String(bad.json?.message)).to.include('ciro-quick');
  });

  it('manifest validate turns labels into API names and rejects a misspelt one with a suggestion', async () => {
    const good = join(home, 'labels.yaml');
    writeFileSync(good, 'name: labels\nlabel: Labels\nsystemPermissions: [API Enabled, Manage Connected Apps, Transfer Record]\n');
    const r = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', good, '--json']);
    expect(r.code).to.equal(0);
    const names = (r.json!.result as ManifestValidateResult).requirements.systemPermissions.map((i) => i.names[0]);
    expect(names).to.deep.equal(['ApiEnabled', 'ManageRemoteAccess', 'TransferAnyEntity']);

    const bad = join(home, 'typo.yaml');
    writeFileSync(bad, 'name: typo\nlabel: Typo\nsystemPermissions: [API Enabld]\n');
    const e = await runCli(home, ['integration', 'manifest', 'validate', '--manifest', bad]);
    expect(e.code).to.equal(1);
    expect(e.stderr).to.include('typo.yaml');
    expect(e.stderr).to.include('systemPermissions[0]');
    expect(e.stderr).to.include('did you mean "API Enabled"');
  });
});
