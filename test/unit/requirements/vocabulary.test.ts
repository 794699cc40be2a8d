import { expect } from 'chai';
import {
  normaliseObjectAccess,
  normaliseRefreshTokenPolicy,
  normaliseScope,
  parseFieldEntry,
  toKebabCase,
  API_NAME,
  KEBAB_CASE,
  OAUTH_SCOPES,
} from '../../../src/requirements/vocabulary.js';

const value = <T>(result: { value: T } | { suggestions: string[] }): T | undefined => ('value' in result ? result.value : undefined);
const suggestions = (result: { value: unknown } | { suggestions: string[] }): string[] => ('suggestions' in result ? result.suggestions : []);

describe('requirements: vocabularies', () => {
  describe('OAuth scopes', () => {
    it('accepts every scope value in any case', () => {
      for (const scope of OAUTH_SCOPES) {
        expect(value(normaliseScope(scope))).to.equal(scope);
        expect(value(normaliseScope(scope.toUpperCase()))).to.equal(scope);
      }
    });

    it('treats offline_access as refresh_token (one scope in OAuth requests)', () => {
      expect(value(normaliseScope('offline_access'))).to.equal('refresh_token');
      expect(value(normaliseScope('refresh_token'))).to.equal('refresh_token');
    });

    it('accepts cdp_* scopes by prefix', () => {
      expect(value(normaliseScope('cdp_query_api'))).to.equal('cdp_query_api');
      expect(value(normaliseScope('cdp_ingest_api'))).to.equal('cdp_ingest_api');
      expect(value(normaliseScope('cdp_'))).to.equal(undefined);
    });

    it('accepts the ConnectedApp metadata names of scopes (ConnectedAppOauthAccessScope)', () => {
      expect(value(normaliseScope('Api'))).to.equal('api');
      expect(value(normaliseScope('RefreshToken'))).to.equal('refresh_token');
      expect(value(normaliseScope('OfflineAccess'))).to.equal('refresh_token');
      expect(value(normaliseScope('CustomApplications'))).to.equal('visualforce');
      expect(value(normaliseScope('Basic'))).to.equal('id');
    });

    it('accepts the labels vendor pages copy from Setup, with or without the scope list (seeds 000 and 002)', () => {
      const cases: Array<[string, string]> = [
        ['Manage user data via APIs', 'api'],
        ['Manage user data via APIs (api)', 'api'],
        ['Manage user data via Web browsers (web)', 'web'],
        ['Perform requests at any time (refresh_token, offline_access)', 'refresh_token'],
        ['perform requests at any time', 'refresh_token'],
        ['Access the identity URL service (id, profile, email, address, phone)', 'id'],
        ['Full access (full)', 'full'],
        ['Full access', 'full'],
      ];
      for (const [label, scope] of cases) expect(value(normaliseScope(label)), label).to.equal(scope);
    });

    it('rejects an unknown scope with suggestions', () => {
      expect(suggestions(normaliseScope('refresh_tokn'))).to.include('refresh_token');
      expect(suggestions(normaliseScope('offline_acces'))).to.include('offline_access');
      expect(suggestions(normaliseScope('chatter'))).to.deep.equal([]); // accepted: a metadata name
      expect(value(normaliseScope('chatter'))).to.equal('chatter_api');
      expect(value(normaliseScope('everything'))).to.equal(undefined);
      expect(value(normaliseScope('Perform requests at any time (api)'))).to.equal(undefined);
    });
  });

  describe('object access', () => {
    it('accepts the seven verbs in any case and spacing, and the Setup labels', () => {
      const cases: Array<[string, string]> = [
        ['read', 'read'],
        ['Read', 'read'],
        ['CREATE', 'create'],
        ['edit', 'edit'],
        ['delete', 'delete'],
        ['viewAll', 'viewAll'],
        ['View All', 'viewAll'],
        ['view_all', 'viewAll'],
        ['View All Records', 'viewAll'],
        ['modifyAll', 'modifyAll'],
        ['Modify All', 'modifyAll'],
        ['Modify All Records', 'modifyAll'],
        ['viewAllFields', 'viewAllFields'],
        ['View All Fields', 'viewAllFields'],
      ];
      for (const [input, access] of cases) expect(value(normaliseObjectAccess(input)), input).to.equal(access);
    });

    it('rejects near misses and common synonyms with the verb they mean', () => {
      expect(suggestions(normaliseObjectAccess('raed'))).to.deep.equal(['read']);
      expect(suggestions(normaliseObjectAccess('update'))).to.deep.equal(['edit']);
      expect(suggestions(normaliseObjectAccess('write'))).to.deep.equal(['edit']);
      expect(suggestions(normaliseObjectAccess('insert'))).to.deep.equal(['create']);
      expect(suggestions(normaliseObjectAccess('allowRead'))).to.deep.equal(['read']);
      expect(suggestions(normaliseObjectAccess('PermissionsViewAllRecords'))).to.deep.equal(['viewAll']);
      expect(suggestions(normaliseObjectAccess('viewAlFields'))).to.include('viewAllFields');
      expect(value(normaliseObjectAccess('update'))).to.equal(undefined);
    });
  });

  describe('refresh token policy', () => {
    it('accepts the keywords and the N:UNIT patterns, normalised', () => {
      const cases: Array<[string, string]> = [
        ['infinite', 'infinite'],
        ['Infinite', 'infinite'],
        ['valid until revoked', 'infinite'],
        ['Refresh token is valid until revoked', 'infinite'],
        ['zero', 'zero'],
        ['immediately', 'zero'],
        ['specific_lifetime:90:DAYS', 'specific_lifetime:90:DAYS'],
        ['specific_lifetime:3:hours', 'specific_lifetime:3:HOURS'],
        ['expire_if_unused:6:Months', 'expire_if_unused:6:MONTHS'],
        ['SPECIFIC_LIFETIME:007:DAYS', 'specific_lifetime:7:DAYS'],
      ];
      for (const [input, policy] of cases) expect(value(normaliseRefreshTokenPolicy(input)), input).to.equal(policy);
    });

    it('rejects other values', () => {
      for (const input of ['forever', 'specific_lifetime:0:DAYS', 'specific_lifetime:3:WEEKS', 'specific_lifetime:DAYS', 'expire_if_unused:-1:DAYS'])
        expect(value(normaliseRefreshTokenPolicy(input)), input).to.equal(undefined);
      expect(suggestions(normaliseRefreshTokenPolicy('infinte'))).to.include('infinite');
      // the lifetime written is kept when it is valid, so the suggestion is a value that validates
      expect(suggestions(normaliseRefreshTokenPolicy('specific_liftime:3:DAYS'))).to.include('specific_lifetime:3:DAYS');
      expect(suggestions(normaliseRefreshTokenPolicy('specific_liftime:3:weeks'))).to.include('specific_lifetime:N:UNIT');
      expect(suggestions(normaliseRefreshTokenPolicy('specific_liftime'))).to.include('specific_lifetime:N:UNIT');
    });
  });

  describe('names', () => {
    it('API names: objects, fields and permission sets of the real describes and samples', () => {
      for (const name of ['Contact', 'Account', 'PersonEmail', 'My_Object__c', 'ns__Thing__c', 'ns__Field_Name__c', 'Invoice__mdt', 'Order_Event__e', 'Integration_User', 'SalesforceAPIIntegrationPsl'])
        expect(API_NAME.test(name), name).to.equal(true);
      for (const name of ['Contact.Email', 'My Object', '1Contact', 'Contact_', 'Contact__', 'My__Object__c__x', 'A___c', '_Contact', 'Con-tact', ''])
        expect(API_NAME.test(name), name).to.equal(false);
    });

    it('kebab-case ids and the suggestion made from other spellings', () => {
      for (const name of ['crankwheel', 'ciro-quick', 'ampersand-connected-app', 'a1']) expect(KEBAB_CASE.test(name), name).to.equal(true);
      for (const name of ['CrankWheel', 'ciro_quick', 'ciro--quick', '-ciro', 'ciro-', 'ciro quick', '']) expect(KEBAB_CASE.test(name), name).to.equal(false);
      expect(toKebabCase('CrankWheel')).to.equal('crank-wheel');
      expect(toKebabCase('Subscribe Actions')).to.equal('subscribe-actions');
      expect(toKebabCase('ciro_quick')).to.equal('ciro-quick');
      expect(toKebabCase('???')).to.equal('my-integration');
    });
  });

  describe('field entries', () => {
    it('reads a field and the optional mark', () => {
      expect(parseFieldEntry('Email', 'Contact')).to.deep.equal({ field: 'Email', optional: false });
      expect(parseFieldEntry('PersonEmail?', 'Account')).to.deep.equal({ field: 'PersonEmail', optional: true });
      expect(parseFieldEntry(' ns__Score__c? ', 'Lead')).to.deep.equal({ field: 'ns__Score__c', optional: true });
    });

    it('names what is wrong with a bad entry', () => {
      expect(parseFieldEntry('Contact.Email', 'Contact')).to.deep.equal({ problem: 'dotted', field: 'Email' });
      expect(parseFieldEntry('contact.Email?', 'Contact')).to.deep.equal({ problem: 'dotted', field: 'Email?' });
      expect(parseFieldEntry('Account.Name', 'Contact')).to.deep.equal({ problem: 'otherObject', object: 'Account', field: 'Name' });
      expect(parseFieldEntry('Email??', 'Contact')).to.deep.equal({ problem: 'optionalMark', base: 'Email' });
      expect(parseFieldEntry('Em?ail', 'Contact')).to.deep.equal({ problem: 'optionalMark', base: 'Email' });
      expect(parseFieldEntry('', 'Contact')).to.deep.equal({ problem: 'empty' });
      expect(parseFieldEntry('?', 'Contact')).to.deep.equal({ problem: 'empty' });
      expect(parseFieldEntry('First Name', 'Contact')).to.deep.equal({ problem: 'syntax', suggestion: 'FirstName' });
      expect(parseFieldEntry('Account.Owner.Name', 'Contact')).to.deep.equal({ problem: 'syntax', suggestion: 'AccountOwnerName' });
    });
  });
});
