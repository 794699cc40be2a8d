import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { normalisePermissionName, permissionLabel, isPermissionName } from '../../../src/requirements/index.js';

/* Real data: data/ holds the runtime copies of the Salesforce reference fixtures (see data/README.md). */
const dataFile = (name: string): string => readFileSync(new URL(`../../../data/${name}`, import.meta.url), 'utf8');
const apiNames = dataFile('user-permissions.txt').split('\n').filter(Boolean);
const labelRows = dataFile('user-permission-labels.tsv')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => line.split('\t'));

const nameOf = (input: string): string | undefined => {
  const result = normalisePermissionName(input);
  return 'name' in result ? result.name : undefined;
};

describe('requirements: permission names', () => {
  it('ships the v65.0 user permission list (1760 names, sorted) and the 771-row label table', () => {
    expect(apiNames).to.have.length(1760);
    expect([...apiNames].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).to.deep.equal(apiNames);
    expect(labelRows).to.have.length(771);
    for (const [name] of labelRows) expect(apiNames, name).to.include(name);
  });

  it('accepts every API name as written, in any case, and with the Permissions prefix', () => {
    for (const name of apiNames) {
      expect(nameOf(name), name).to.equal(name);
      expect(nameOf(name.toUpperCase()), name.toUpperCase()).to.equal(name);
      expect(nameOf(`Permissions${name}`), `Permissions${name}`).to.equal(name);
      expect(isPermissionName(name)).to.equal(true);
    }
  });

  it('maps every unambiguous Setup label of the label table to its API name', () => {
    const byLabel = new Map<string, string[]>();
    for (const [name, label] of labelRows) byLabel.set(label.toLowerCase(), [...(byLabel.get(label.toLowerCase()) ?? []), name]);
    let checked = 0;
    for (const [name, label] of labelRows) {
      if (byLabel.get(label.toLowerCase())!.length > 1) continue;
      // a label that is also another permission's API name resolves to that name first
      if (apiNames.some((n) => n.toLowerCase() === label.toLowerCase())) continue;
      expect(nameOf(label), label).to.equal(name);
      checked++;
    }
    expect(checked).to.be.greaterThan(750);
  });

  it('maps the labels vendors write to the API names Setup uses', () => {
    const cases: Array<[string, string]> = [
      ['API Enabled', 'ApiEnabled'],
      ['Manage Connected Apps', 'ManageRemoteAccess'],
      ['Edit Events', 'EditEvent'],
      ['Transfer Leads', 'TransferAnyLead'],
      ['Transfer Record', 'TransferAnyEntity'],
      ['Approve Uninstalled Connected Apps', 'CanApproveUninstalledApps'],
      ['Use Any API Client', 'UseAnyApiClient'],
      ['Modify Metadata Through Metadata API Functions', 'ModifyMetadata'],
      ['View Roles and Role Hierarchy', 'ViewRoles'],
      ['API Only User', 'ApiUserOnly'],
      ['Send Email', 'EmailSingle'],
      ['  modify   all   DATA ', 'ModifyAllData'],
    ];
    for (const [label, name] of cases) expect(nameOf(label), label).to.equal(name);
  });

  it('prefers an API name over a label that spells another permission (SendEmail vs "Send Email")', () => {
    expect(nameOf('SendEmail')).to.equal('SendEmail');
    expect(nameOf('Send Email')).to.equal('EmailSingle');
  });

  it('rejects a label shared by several permissions, listing them', () => {
    expect(normalisePermissionName('Create and Customize Reports')).to.deep.equal({
      suggestions: ['CreateCustomizeReports', 'EditReports'],
      ambiguous: true,
    });
    const insurance = normalisePermissionName('access insurance lightning components');
    expect(insurance).to.deep.include({ ambiguous: true });
    expect('suggestions' in insurance && insurance.suggestions.sort()).to.deep.equal(['FSCInsuranceCmpCmtyAccess', 'FSCInsuranceCmpLexOnlyAccess']);
  });

  it('suggests close names and labels for a misspelling (at most 3)', () => {
    const cases: Array<[string, string]> = [
      ['ApiEnable', 'ApiEnabled'],
      ['APIEnabld', 'ApiEnabled'],
      ['Manage Connected App', 'Manage Connected Apps'],
      ['Aprove Uninstalled Connected Apps', 'Approve Uninstalled Connected Apps'],
      ['ModifyAll', 'ModifyAllData'],
      ['PermissionsApiEnable', 'ApiEnabled'],
      ['Transfer Records', 'Transfer Record'],
    ];
    for (const [input, expected] of cases) {
      const result = normalisePermissionName(input);
      expect(result, input).to.have.property('suggestions');
      const suggestions = 'suggestions' in result ? result.suggestions : [];
      expect(suggestions, input).to.include(expected);
      expect(suggestions.length).to.be.at.most(3);
    }
  });

  it('suggests nothing for a name that is nowhere near', () => {
    expect(normalisePermissionName('FlyToTheMoonWithoutAsking')).to.deep.equal({ suggestions: [] });
    expect(normalisePermissionName('')).to.deep.equal({ suggestions: [] });
  });

  it('gives the Setup label of an API name, when known', () => {
    expect(permissionLabel('ApiEnabled')).to.equal('API Enabled');
    expect(permissionLabel('apienabled')).to.equal('API Enabled');
    expect(permissionLabel('TransferAnyEntity')).to.equal('Transfer Record');
    expect(permissionLabel('UseAnyApiClient')).to.equal('Use Any API Client');
    expect(permissionLabel('NoSuchPermission')).to.equal(undefined);
    const unlabelled = apiNames.find((name) => !labelRows.some(([n]) => n === name) && name !== 'UseAnyApiClient')!;
    expect(permissionLabel(unlabelled)).to.equal(undefined);
  });
});
