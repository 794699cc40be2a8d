/*
 * How an External Client App pre-authorizes users, as specifications:
 *  - Salesforce Help "Preauthorize User App Access Through External Client App Policies"
 *    (xcloud.preauth_user_app_access_through_eca.htm): with "Admin approved users are pre-authorized", only
 *    users with a profile or permission set selected in the ECA's policies get in.
 *  - Metadata API Developer Guide, ExtlClntAppOauthConfigurablePolicies (API 59.0+):
 *    commaSeparatedPermissionSet / commaSeparatedProfile, "used when permittedUsersPolicyType is set to
 *    AdminApprovedPreAuthorized"; entries called "IDs" by the reference, written as names by its sample.
 *  - metadata.xsd (test/fixtures/salesforce/wsdl, the forcedotcom WSDL): the element sequence of the type.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  listNames,
  policiesXml,
  policyListsOf,
  splitCommaSeparated,
  withPermissionSet,
  ecaPreauthorizationFix,
} from '../../../src/salesforce/ecaPreauthorization.js';
import { applyEcaPolicyLists, ecaPolicyNameOf } from '../../../src/snapshot/ecaPolicies.js';
import type { PermissionSource } from '../../../src/snapshot/types.js';
import { checkEcaPolicies } from '../../../emulator/src/metadata/ecaPolicies.js';
import type { OrgState } from '../../../emulator/src/orgState.js';

const XSD = readFileSync(join(process.cwd(), 'test', 'fixtures', 'salesforce', 'wsdl', 'metadata.xsd'), 'utf8');
const sequenceOf = (type: string): string[] => {
  const block = new RegExp(`<xsd:complexType name="${type}">([\\s\\S]*?)</xsd:complexType>`).exec(XSD)?.[1] ?? '';
  return [...block.matchAll(/<xsd:element name="([^"]+)"/g)].map((m) => m[1]);
};

const source = (over: Partial<PermissionSource> & Pick<PermissionSource, 'id' | 'kind' | 'name'>): PermissionSource => ({
  label: over.name,
  type: over.kind === 'Profile' ? 'Profile' : 'Regular',
  sessionBased: false,
  systemPermissions: [],
  objectPermissions: {},
  fieldPermissions: {},
  appAccess: [],
  ...over,
});

const ECA_ID = '0xI000000000001AAA';

describe('External Client App pre-authorization (its OAuth policies)', () => {
  describe('the lists of ExtlClntAppOauthConfigurablePolicies', () => {
    it('are comma-separated: entries trimmed, empty ones dropped', () => {
      expect(splitCommaSeparated(' Sales_Sync , Support_Sync,,')).to.deep.equal(['Sales_Sync', 'Support_Sync']);
      expect(splitCommaSeparated(undefined)).to.deep.equal([]);
    });

    it('are read from a readMetadata record: commaSeparatedPermissionSet and commaSeparatedProfile', () => {
      const record = { fullName: 'Acme_oauthPlcy', commaSeparatedPermissionSet: 'Acme_Access,0PS000000000042', commaSeparatedProfile: 'System Administrator', permittedUsersPolicyType: 'AdminApprovedPreAuthorized' };
      expect(policyListsOf(record)).to.deep.equal({ policyName: 'Acme_oauthPlcy', permissionSets: ['Acme_Access', '0PS000000000042'], profiles: ['System Administrator'] });
    });

    it('name a set by API name (any case) or by Id, 15 or 18 characters (the reference says "IDs", its sample writes a name)', () => {
      const set = { name: 'Acme_Access', ids: ['0PS000000000042AAA'] };
      expect(listNames(['acme_access'], set)).to.equal('acme_access');
      expect(listNames(['0PS000000000042'], set)).to.equal('0PS000000000042');
      expect(listNames(['0PS000000000042AAA'], set)).to.equal('0PS000000000042AAA');
      expect(listNames(['Acme_Access_Old', '0PS000000000043'], set)).to.equal(undefined);
    });
  });

  describe('check: who the policies pre-authorize', () => {
    const sets = (): Record<string, PermissionSource> => ({
      '0PS1': source({ id: '0PS000000000001AAA', kind: 'PermissionSet', name: 'Acme_Access' }),
      '0PS2': source({ id: '0PS000000000002AAA', kind: 'PermissionSet', name: 'Other_Set' }),
      '0PS3': source({ id: '0PS000000000003AAA', kind: 'Profile', name: 'Integration Profile', profileId: '00e000000000003AAA' }),
      '0PS4': source({ id: '0PS000000000004AAA', kind: 'Profile', name: 'Standard User', profileId: '00e000000000004AAA' }),
      '0PS5': source({ id: '0PS000000000005AAA', kind: 'PermissionSetGroup', name: 'Acme_Access' }),
    });

    it('a listed permission set and a listed profile (by name or by profile Id) give access; others do not', () => {
      const ps = sets();
      applyEcaPolicyLists(ps, ECA_ID, { policyName: 'Acme_oauthPlcy', permissionSets: ['Acme_Access'], profiles: ['00e000000000003'] });
      const granted = Object.values(ps).filter((s) => s.appAccess.includes(ECA_ID)).map((s) => `${s.kind} ${s.name}`);
      // a permission set group of the same name is not a permission set: the lists name sets and profiles
      expect(granted).to.deep.equal(['PermissionSet Acme_Access', 'Profile Integration Profile']);
    });

    it('empty lists give nobody access; a SetupEntityAccess row already read is kept, not duplicated', () => {
      const ps = sets();
      ps['0PS2'].appAccess.push(ECA_ID);
      applyEcaPolicyLists(ps, ECA_ID, { policyName: 'Acme_oauthPlcy', permissionSets: ['Other_Set'], profiles: [] });
      expect(ps['0PS2'].appAccess).to.deep.equal([ECA_ID]);
      expect(ps['0PS1'].appAccess).to.deep.equal([]);
    });

    it('the policies component is the one named by the ECA policy row\'s DeveloperName', () => {
      const rows = [
        { ExternalClientApplicationId: '0xI000000000009AAA', DeveloperName: 'Other_oauthPlcy' },
        { ExternalClientApplicationId: '0xI000000000001', DeveloperName: 'Acme_oauthPlcy' },
      ];
      expect(ecaPolicyNameOf(rows, { Id: ECA_ID })).to.equal('Acme_oauthPlcy');
      expect(ecaPolicyNameOf(rows, undefined)).to.equal(undefined);
    });

    it('the fix names the Setup path and the metadata field to change', () => {
      expect(ecaPreauthorizationFix('Acme', 'Acme_oauthPlcy', { set: 'Acme_Integration' })).to.equal(
        'Pre-authorize permission set Acme_Integration in the external client app\'s policies: Setup > External Client App Manager > Acme > Edit Policies > App Policies > Select Permission Sets / Select Profiles (metadata: add it to commaSeparatedPermissionSet of ExtlClntAppOauthConfigurablePolicies Acme_oauthPlcy)'
      );
      expect(ecaPreauthorizationFix('Acme', undefined, { profile: 'Integration Profile' })).to.include('add it to commaSeparatedProfile of ExtlClntAppOauthConfigurablePolicies)');
    });
  });

  describe('grant: adding the generated set to the policies', () => {
    it('appends the set and keeps every existing entry as written, in order', () => {
      expect(withPermissionSet('Acme_Access, 0PS000000000042', 'Acme_Integration')).to.equal('Acme_Access,0PS000000000042,Acme_Integration');
      expect(withPermissionSet(undefined, 'Acme_Integration')).to.equal('Acme_Integration');
    });

    it('changes nothing when the set is already listed, by name or by its Id', () => {
      expect(withPermissionSet('acme_integration', 'Acme_Integration')).to.equal(undefined);
      expect(withPermissionSet('0PS000000000042', 'Acme_Integration', ['0PS000000000042AAA'])).to.equal(undefined);
    });

    it('writes the source file with every field read from the org, in the metadata.xsd element order', () => {
      const record = {
        fullName: 'Acme_oauthPlcy',
        startUrl: 'https://example.com/start',
        refreshTokenPolicyType: 'SpecificLifetime',
        permittedUsersPolicyType: 'AdminApprovedPreAuthorized',
        label: 'Acme OAuth policies',
        externalClientApplication: 'Acme',
        customAttributes: [{ key: 'region', formula: 'User.Country' }],
        commaSeparatedProfile: 'System Administrator',
        commaSeparatedPermissionSet: 'Acme_Access,Acme_Integration',
        ipRelaxationPolicyType: 'Enforce',
        isClientCredentialsFlowEnabled: false,
        refreshTokenValidityPeriod: 8,
        refreshTokenValidityUnit: 'Hours',
      };
      const xml = policiesXml(record);
      const written = [...xml.matchAll(/^ {4}<([a-zA-Z]+)>/gm)].map((m) => m[1]);
      const sequence = sequenceOf('ExtlClntAppOauthConfigurablePolicies');
      expect(sequence.length).to.be.greaterThan(20);
      // every element is declared, and they come in the schema's order (a deploy validates against it)
      expect(written.filter((e) => !sequence.includes(e))).to.deep.equal([]);
      expect(written).to.deep.equal([...written].sort((a, b) => sequence.indexOf(a) - sequence.indexOf(b)));
      expect(written).to.have.length(12);
      // nested: ExtlClntAppOauthPoliciesAttribute's own sequence (formula, key)
      expect(xml).to.match(/<customAttributes>\s*<formula>User\.Country<\/formula>\s*<key>region<\/key>\s*<\/customAttributes>/);
      expect(sequenceOf('ExtlClntAppOauthPoliciesAttribute')).to.deep.equal(['formula', 'key']);
      expect(xml).to.not.include('fullName');
    });

    it('the file is one the emulator\'s deploy accepts, taking the lists as written (its own parser, not the plugin\'s)', () => {
      const state = {
        permissionSets: [{ name: 'Acme_Access' }, { name: 'Acme_Integration' }],
        profiles: [{ name: 'System Administrator', userLicense: 'Salesforce' }],
        connectedApps: [{ name: 'Acme', kind: 'externalClientApp', permittedUsers: 'adminApproved' }],
      } as unknown as OrgState;
      const xml = policiesXml({ fullName: 'Acme_oauthPlcy', externalClientApplication: 'Acme', commaSeparatedPermissionSet: 'Acme_Access,Acme_Integration', commaSeparatedProfile: 'System Administrator', permittedUsersPolicyType: 'AdminApprovedPreAuthorized' });
      expect(checkEcaPolicies(state, 'Acme_oauthPlcy', xml)).to.deep.equal({
        problems: [],
        update: { app: 'Acme', permissionSets: ['Acme_Access', 'Acme_Integration'], profiles: ['System Administrator'], permittedUsers: 'adminApproved' },
      });
      const unknown = policiesXml({ externalClientApplication: 'Acme', commaSeparatedPermissionSet: 'Nope' });
      expect(checkEcaPolicies(state, 'Acme_oauthPlcy', unknown).problems.map((p) => p.problem)).to.deep.equal(['In field: commaSeparatedPermissionSet - no PermissionSet named Nope found']);
    });
  });
});
