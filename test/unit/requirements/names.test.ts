import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { normalisePermissionName, permissionLabel, isPermissionName } from '../../../src/requirements/index.js';
import { permissionCatalogue } from '../../../src/requirements/names.js';

/* Real data: data/ holds the runtime copies of the Salesforce reference fixtures (see data/README.md). */
const dataFile = (name: string): string => readFileSync(new URL(`../../../data/${name}`, import.meta.url), 'utf8');
const apiNames = dataFile('user-permissions.txt').split('\n').filter(Boolean);
const labelRows = dataFile('user-permission-labels.tsv')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((line) => line.split('\t'));
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Labelled names reached by scripts/labels/merge.js (data/README.md); the table may grow, never shrink below this. */
const LABELLED_AT_LEAST = 849;

const nameOf = (input: string): string | undefined => {
  const result = normalisePermissionName(input);
  return 'name' in result ? result.name : undefined;
};

describe('requirements: permission names', () => {
  it('ships the v65.0 user permission list (1760 names, sorted) and a label for at least 849 of them', () => {
    expect(apiNames).to.have.length(1760);
    expect([...apiNames].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).to.deep.equal(apiNames);
    expect(labelRows.length).to.be.at.least(LABELLED_AT_LEAST);
    // one row per name, in the order of user-permissions.txt, every name a real one, every row with a label and a source
    const names = labelRows.map(([name]) => name);
    expect(new Set(names).size).to.equal(names.length);
    expect(names).to.deep.equal(apiNames.filter((name) => names.includes(name)));
    for (const row of labelRows) {
      expect(row, row.join(' | ')).to.have.length(3);
      expect(row[1].trim(), row[0]).to.equal(row[1]);
      expect(row[1], row[0]).to.not.match(/&#\d+;|&amp;|^(Maximum)?Permissions\w+ field$/);
      expect(row[2], row[0]).to.match(/^(sfFieldRef-v\d+\.\d:\w+|sf-explorer\/sf-doc-to-json@[0-9a-f]{8}:\w+|anthonyreilly\/NetCoreForce@[0-9a-f]{8}:\w+\(v\d+\.\d\))$/);
    }
  });

  it('the loader knows a label for every labelled name (the coverage users get, not just the file)', () => {
    const { labelOf } = permissionCatalogue();
    expect(labelOf.size).to.be.at.least(LABELLED_AT_LEAST);
    for (const [name, label] of labelRows) expect(labelOf.get(name), name).to.equal(label);
  });

  it('the label table is exactly what scripts/labels/merge.js builds from its sources (newest Salesforce doc first)', () => {
    // exits 1 when data/user-permission-labels.tsv was edited by hand or a source changed without a re-merge
    const out = execFileSync(process.execPath, ['scripts/labels/merge.js', '--check'], { cwd: repoRoot, encoding: 'utf8' });
    expect(out).to.include('up to date');
  });

  it('resolves the Setup labels real vendor manifests use that the v67.0 field reference page lacks', () => {
    // Salesforce Help, "Enable the 'Create Audit Fields' Permission" (https://help.salesforce.com/s/articleView?id=000213290&type=1)
    // and Winter '16 release notes (rn_general_audit_fields_inactive_owners.htm): the two user permissions
    // "Set Audit Fields upon Record Creation" (CreateAuditFields) and "Update Records with Inactive Owners".
    expect(nameOf('Set Audit Fields upon Record Creation')).to.equal('CreateAuditFields');
    expect(nameOf('set audit fields upon record creation')).to.equal('CreateAuditFields');
    expect(nameOf('Update Records with Inactive Owners')).to.equal('UpdateWithInactiveOwner');
    expect(permissionLabel('CreateAuditFields')).to.equal('Set Audit Fields upon Record Creation');
    // Salesforce Field Reference v64.0, PermissionSet: PermissionsADSEnabledOnFSMobile "Advanced Data Sync for Field Service Mobile"
    expect(nameOf('Advanced Data Sync for Field Service Mobile')).to.equal('ADSEnabledOnFSMobile');
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

  it('still resolves a label Salesforce has since renamed, and shows the current one', () => {
    // NetCoreForce v41.0 describe labels vs Field Reference v67.0 (data/former-permission-labels.tsv, built by merge.js)
    expect(nameOf('Manage Communities')).to.equal('GovernNetworks');
    expect(nameOf('Create and Set Up Communities')).to.equal('ManageNetworks');
    expect(nameOf('Two-Factor Authentication for API Logins')).to.equal('TwoFactorApi');
    expect(permissionLabel('GovernNetworks')).to.equal('Manage Experiences');
    // a misspelt former label is pointed at today's label
    expect(normalisePermissionName('Manage Comunities')).to.deep.equal({ suggestions: ['Manage Experiences'] });
  });

  it('a former label never shadows a current label or an API name', () => {
    const former = dataFile('former-permission-labels.tsv')
      .split('\n')
      .slice(1)
      .filter(Boolean)
      .map((line) => line.split('\t'));
    expect(former.length).to.be.greaterThan(10);
    const current = new Set([...labelRows.map(([, label]) => label.toLowerCase()), ...apiNames.map((n) => n.toLowerCase())]);
    for (const [name, label] of former) {
      expect(apiNames, name).to.include(name);
      expect(current.has(label.toLowerCase()), label).to.equal(false);
      expect(nameOf(label), label).to.equal(name);
    }
  });

  it('rejects a label shared by several permissions, listing them', () => {
    // sfFieldRef v67.0 labels AccessGeniePlatform "Allows user access Data Cloud"; an org describe gives AccessCdpApp the same label
    expect(normalisePermissionName('Allows user access Data Cloud')).to.deep.equal({
      suggestions: ['AccessCdpApp', 'AccessGeniePlatform'],
      ambiguous: true,
    });
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

  it('suggests only real labels and API names, never a string made from the input', () => {
    const { candidates } = permissionCatalogue();
    const known = new Set(candidates.map((c) => c.text));
    const inputs = [
      'Set Audit Fields upon Record Creaton',
      'Set Audit Fields upon Record Creation!!',
      'Create Audit Fields',
      'create audit fields',
      'Permissions Api Enabled',
      'PermissionsCreate Audit Fields',
      'API Enabled zzqx',
      'zzqx API Enabled',
      'Modify All',
      'View Setup And Configuraton',
      'Manage Conected Aps',
      'Transfer Recrds',
      'ApiEnabledd',
      'api_enabled',
      'API-Enabled',
      'Xyz Qwv Plk',
      'Qwv Plk Zzq Rrt',
      'asdfghjkl',
      '!!!',
      '   ',
      'Permissions',
      'PermissionsQwvPlk',
    ];
    let suggested = 0;
    for (const input of inputs) {
      const result = normalisePermissionName(input);
      if ('name' in result) continue;
      expect(result.suggestions.length, input).to.be.at.most(3);
      for (const suggestion of result.suggestions) {
        suggested++;
        // a suggestion is a label or API name of the catalogue ("Create Audit Fields" -> CreateAuditFields is the real name)
        expect(known.has(suggestion) || apiNames.includes(suggestion), `${input} -> ${suggestion}`).to.equal(true);
        expect(suggestion.toLowerCase(), input).to.not.equal(input.trim().toLowerCase());
      }
    }
    expect(suggested).to.be.greaterThan(5);
    for (const garbage of ['Xyz Qwv Plk', 'Qwv Plk Zzq Rrt', 'asdfghjkl', '!!!', 'PermissionsQwvPlk']) {
      expect(normalisePermissionName(garbage), garbage).to.deep.equal({ suggestions: [] });
    }
  });

  it('suggests only the closest: a much farther label is not offered beside a near one', () => {
    // "Manage Connections" (ManagePartnerNetConn) is within reach of "Manage Connected App" but 4 edits farther than "Manage Connected Apps"
    expect(normalisePermissionName('Manage Connected App')).to.deep.equal({ suggestions: ['Manage Connected Apps'] });
    expect(normalisePermissionName('Manage User')).to.deep.equal({ suggestions: ['Manage Users'] });
    // a label and an API name of two permissions, equally near, are both offered
    expect(normalisePermissionName('Send Emai')).to.deep.equal({ suggestions: ['Send Email', 'SendEmail'] });
  });

  it('suggests the API names, not the label, when the near label is shared by several permissions', () => {
    // following a suggestion of "Create and Customize Reports" would only lead to the ambiguity error
    expect(normalisePermissionName('Create and Customize Report')).to.deep.equal({ suggestions: ['CreateCustomizeReports', 'EditReports'] });
    expect(normalisePermissionName('Access Insurance Lightning Component')).to.deep.equal({
      suggestions: ['FSCInsuranceCmpCmtyAccess', 'FSCInsuranceCmpLexOnlyAccess'],
    });
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
