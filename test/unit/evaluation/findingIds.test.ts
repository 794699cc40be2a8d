/*
 * Stable finding ids: tools key on `<kind>.<outcome>`, never on the English message. Every finding a check
 * returns carries one, it matches the finding's final status, and it is one of the documented ids.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { FINDING_IDS, evaluateUser } from '../../../src/evaluation/index.js';
import { applyFeatures, loadPreset } from '../../../src/requirements/index.js';
import { MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR, buildSnapshot } from '../../fixtures/snapshots/builder.js';

const OUTCOME: Record<string, string> = { pass: 'met', fail: 'missing', error: 'impossible', warn: 'warning', skip: 'skipped' };

describe('evaluation: stable finding ids', () => {
  const org = buildSnapshot({
    profiles: [MINIMUM_ACCESS, SYSTEM_ADMINISTRATOR],
    users: [
      { username: 'sync@acme.example', profile: MINIMUM_ACCESS.name },
      { username: 'admin@acme.example', profile: SYSTEM_ADMINISTRATOR.name },
      { username: 'gone@acme.example', profile: MINIMUM_ACCESS.name, isActive: false },
    ],
  });

  const presets = readdirSync(join(process.cwd(), 'presets'))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''));
  it('covers every shipped preset', () => expect(presets).to.have.length.greaterThan(6));
  for (const preset of presets) {
    it(`${preset}: every finding, for a bare user, an admin and an inactive user, has the id of its kind and status`, async () => {
      const requirements = applyFeatures(await loadPreset(preset), 'all');
      for (const username of ['sync@acme.example', 'admin@acme.example', 'gone@acme.example']) {
        const verdict = evaluateUser(requirements, org.snapshot, org.user(username));
        expect(verdict.findings.length).to.be.greaterThan(0);
        for (const f of verdict.findings) {
          expect(f.id, `${f.kind} ${f.requirement}`).to.equal(`${f.kind}.${OUTCOME[f.status]}`);
          expect(FINDING_IDS).to.include(f.id);
        }
      }
    });
  }

  it('the check result schema documents the id and its form', () => {
    const schema = readFileSync(join(process.cwd(), 'schemas', 'commands', 'integration-check.json'), 'utf8');
    expect(schema).to.contain('Stable id `<kind>.<outcome>`');
  });
});
