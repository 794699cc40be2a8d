/*
 * Every built-in preset (with all its features) evaluated on realistic orgs: the evaluation never
 * breaks, every finding is well-formed, and the findings the Salesforce rules dictate show up.
 */
import { expect } from 'chai';
import { evaluate } from '../../../src/evaluation/index.js';
import { applyFeatures, loadPreset, presetNames } from '../../../src/requirements/index.js';
import type { Requirements } from '../../../src/requirements/types.js';
import { MINIMUM_ACCESS, PLATFORM_PROFILE, SYSTEM_ADMINISTRATOR, buildSnapshot } from '../../fixtures/snapshots/builder.js';
import { expectWellFormed } from './helpers.js';

describe('evaluation of the built-in presets', () => {
  let presets: Array<{ name: string; requirements: Requirements }> = [];
  const org = buildSnapshot({
    profiles: [SYSTEM_ADMINISTRATOR, MINIMUM_ACCESS, PLATFORM_PROFILE],
    users: [
      { username: 'admin@acme.example', profile: SYSTEM_ADMINISTRATOR.name },
      { username: 'sync@acme.example', profile: MINIMUM_ACCESS.name },
      { username: 'platform@acme.example', profile: PLATFORM_PROFILE.name },
    ],
    app: { name: 'Vendor_App', kind: 'connectedApp', installed: false, scopes: [] },
  });

  before(async () => {
    const names = await presetNames();
    presets = await Promise.all(names.map(async (name) => ({ name, requirements: applyFeatures(await loadPreset(name), 'all') })));
  });

  it('evaluates every preset for every user with well-formed findings', () => {
    expect(presets.length).to.be.greaterThan(0);
    for (const preset of presets) {
      const verdicts = evaluate(preset.requirements, org.snapshot);
      expect(verdicts, preset.name).to.have.length(3);
      for (const v of verdicts) {
        expectWellFormed(v);
        expect(v.findings.filter((f) => f.message.startsWith('could not evaluate')), `${preset.name} ${v.username}`).to.deep.equal([]);
      }
    }
  });

  it('a minimum-access user fails every preset that needs more than API access', () => {
    for (const preset of presets) {
      const needsMore = preset.requirements.objects.some((o) => o.access.length > 0 || o.fields.length > 0);
      if (!needsMore) continue;
      const sync = evaluate(preset.requirements, org.snapshot).find((v) => v.username === 'sync@acme.example');
      expect(sync?.passed, preset.name).to.equal(false);
    }
  });

  it('presets that read Lead are impossible for a Salesforce Platform user (error)', () => {
    const withLead = presets.filter((p) => p.requirements.objects.some((o) => o.object === 'Lead'));
    expect(withLead.length).to.be.greaterThan(0);
    for (const preset of withLead) {
      const platform = evaluate(preset.requirements, org.snapshot).find((v) => v.username === 'platform@acme.example');
      const lead = platform?.findings.filter((f) => f.requirement.startsWith('Lead')) ?? [];
      expect(lead.map((f) => f.status), preset.name).to.deep.equal(['error']);
    }
  });
});
