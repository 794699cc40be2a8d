/*
 * Every built-in preset, planned against an org made of the real describe fixtures: the generated
 * files validate against the Metadata API schema, every entry respects Salesforce's rules, and a
 * user who is given the planned set passes `check` for everything the set is meant to cover.
 */
import { expect } from 'chai';
import { evaluateUser } from '../../../src/evaluation/index.js';
import { parsePermissionSetXml, permissionSetXml, planPermissionSet } from '../../../src/grant/index.js';
import type { PermissionSetPlan } from '../../../src/grant/index.js';
import { applyFeatures, loadPreset, presetNames } from '../../../src/requirements/index.js';
import type { Requirements } from '../../../src/requirements/types.js';
import type { OrgSnapshot, PermissionSource } from '../../../src/snapshot/types.js';
import { permissionSource, rawDescribe, snapshot, user, USER_PERMISSION_NAMES } from './orgFixtures.js';
import { validatePermissionSetFiles } from './xsd.js';

/** The planned set as the org would hold it once deployed (what the emulator would read back). */
function deployed(plan: PermissionSetPlan, id: string): PermissionSource {
  return permissionSource({
    id,
    name: plan.name,
    label: plan.label,
    systemPermissions: plan.userPermissions.map((entry) => entry.name),
    objectPermissions: Object.fromEntries(
      plan.objectPermissions.map(({ object, read, create, edit, delete: del, viewAll, modifyAll, viewAllFields }) => [
        object,
        { read, create, edit, delete: del, viewAll, modifyAll, viewAllFields },
      ])
    ),
    fieldPermissions: Object.fromEntries(plan.fieldPermissions.map((entry) => [entry.field, { read: entry.readable, edit: entry.editable }])),
    appAccess: plan.appAccess?.appId ? [plan.appAccess.appId] : [],
  });
}

describe('grant plans for the built-in presets', () => {
  let presets: Array<{ name: string; requirements: Requirements }> = [];
  const org: OrgSnapshot = snapshot({
    users: [user({ username: 'sync@acme.example', permissionSetIds: ['profile'] })],
    permissionSets: {
      profile: permissionSource({ id: 'profile', name: 'Minimum Access', kind: 'Profile', type: 'Profile', label: 'Minimum Access - Salesforce' }),
    },
  });

  before(async () => {
    const names = await presetNames();
    presets = await Promise.all(names.map(async (name) => ({ name, requirements: applyFeatures(await loadPreset(name), 'all') })));
  });

  it('finds the presets', () => {
    expect(presets.map((preset) => preset.name)).to.include.members(['crankwheel', 'ciro', 'accord', 'ticketing-api']);
  });

  it('writes a schema-valid permission set for each preset', async () => {
    const files = presets.map((preset) => ({
      fileName: `${preset.name}.permissionset-meta.xml`,
      contents: permissionSetXml(planPermissionSet(preset.requirements, org, {})),
    }));
    const verdicts = await validatePermissionSetFiles(files);
    verdicts.forEach((verdict, index) => expect(verdict, files[index].fileName).to.deep.equal({ valid: true, errors: [] }));
    for (const file of files) expect(parsePermissionSetXml(file.contents).generatedByThisTool, file.fileName).to.equal(true);
  });

  it('plans only real permissions, permissionable existing fields and deployable object rows', () => {
    const known = new Set(USER_PERMISSION_NAMES);
    for (const preset of presets) {
      const plan = planPermissionSet(preset.requirements, org, {});
      for (const permission of plan.userPermissions) expect(known.has(permission.name), `${preset.name}: ${permission.name}`).to.equal(true);
      for (const entry of plan.fieldPermissions) {
        const [object, field] = entry.field.split('.');
        const described = rawDescribe(object).fields.find((candidate) => candidate.name === field);
        expect(described?.permissionable, `${preset.name}: ${entry.field}`).to.equal(true);
        expect(entry.readable, entry.field).to.equal(true);
        const objectRow = plan.objectPermissions.find((row) => row.object === object);
        if (!['Task', 'Event', 'User', 'CaseComment'].includes(object)) expect(objectRow?.read, `${preset.name}: Read on ${object}`).to.equal(true);
      }
      for (const row of plan.objectPermissions) {
        expect(['Task', 'Event', 'User', 'CaseComment'], `${preset.name}: ${row.object}`).to.not.include(row.object);
        const anyFlag = row.create || row.edit || row.delete || row.viewAll || row.modifyAll || row.viewAllFields;
        if (anyFlag) expect(row.read, `${preset.name}: ${row.object} Read`).to.equal(true);
        if (row.delete) expect(row.edit, `${preset.name}: ${row.object} Delete needs Edit`).to.equal(true);
        if (row.modifyAll) expect(row.delete && row.viewAll, `${preset.name}: ${row.object} Modify All`).to.equal(true);
      }
    }
  });

  it('a user holding only the planned set passes check for every permission item the set covers', () => {
    for (const preset of presets) {
      const plan = planPermissionSet(preset.requirements, org, {});
      const granted = deployed(plan, 'planned');
      const after: OrgSnapshot = {
        ...org,
        permissionSets: { ...org.permissionSets, planned: granted },
        users: [user({ username: 'sync@acme.example', permissionSetIds: ['profile', 'planned'] })],
      };
      const verdict = evaluateUser(preset.requirements, after, after.users[0]);
      const leftOut = new Set([...plan.omitted.map((entry) => entry.path), ...plan.manualSteps.map((entry) => entry.path)]);
      const unmet = verdict.findings.filter(
        (finding) =>
          ['systemPermission', 'object', 'field', 'visibility'].includes(finding.kind) &&
          (finding.status === 'fail' || finding.status === 'warn') &&
          !leftOut.has(finding.path)
      );
      expect(unmet.map((finding) => `${finding.path} ${finding.requirement}: ${finding.status} ${finding.message}`), preset.name).to.deep.equal([]);
    }
  });
});
