import { expect } from 'chai';
import {
  dependencyClosure,
  dependencyTable,
  FALLBACK_PERMISSION_DEPENDENCIES,
  isBroadPermission,
  objectAccessClosure,
  rankByPower,
} from '../../../src/grant/index.js';
import { USER_PERMISSION_NAMES } from './orgFixtures.js';

describe('grant dependencies', () => {
  it('the fallback table names only real permissions (user-permissions.txt, API v65)', () => {
    const known = new Set(USER_PERMISSION_NAMES);
    for (const [permission, required] of Object.entries(FALLBACK_PERMISSION_DEPENDENCIES)) {
      expect(known.has(permission), permission).to.equal(true);
      for (const name of required) expect(known.has(name), name).to.equal(true);
    }
  });

  it('uses the org table when it has entries, the fallback when it is empty', () => {
    expect(dependencyTable({ ManageRemoteAccess: ['ViewSetup', 'ViewRoles'] }).source).to.equal('org');
    expect(dependencyTable({ ManageRemoteAccess: ['ViewSetup', 'ViewRoles'] }).requires('ManageUsers')).to.deep.equal([]);
    expect(dependencyTable({}).source).to.equal('fallback');
    expect(dependencyTable({}).requires('ManageUsers')).to.deep.equal(['ViewRoles', 'ViewSetup']);
  });

  it('closes transitively, names what pulled each permission in, and survives cycles', () => {
    const table = dependencyTable({ A: ['B'], B: ['C', 'A'], C: ['B'] });
    expect(dependencyClosure(['A'], table)).to.deep.equal([
      { permission: 'B', requiredBy: 'A' },
      { permission: 'C', requiredBy: 'B' },
    ]);
    expect(dependencyClosure(['ModifyAllData'], dependencyTable({}))).to.deep.equal([
      { permission: 'ViewAllData', requiredBy: 'ModifyAllData' },
      { permission: 'ViewSetup', requiredBy: 'ViewAllData' },
    ]);
  });

  it('object access: Modify All needs Read, Edit, Delete, View All but not Create; Delete needs Edit', () => {
    const needs = (access: Parameters<typeof objectAccessClosure>[0]): string[] => objectAccessClosure(access).map((edge) => edge.access).sort();
    expect(needs('modifyAll')).to.deep.equal(['delete', 'edit', 'read', 'viewAll']);
    expect(needs('delete')).to.deep.equal(['edit', 'read']);
    expect(needs('create')).to.deep.equal(['read']);
    expect(needs('viewAllFields')).to.deep.equal(['read']);
    expect(needs('read')).to.deep.equal([]);
  });

  it('ranks broad permissions last', () => {
    const table = dependencyTable({});
    expect(rankByPower(['ModifyAllData', 'AuthorApex', 'ManageRemoteAccess', 'ApiEnabled'], table)).to.deep.equal([
      'ApiEnabled',
      'ManageRemoteAccess',
      'AuthorApex',
      'ModifyAllData',
    ]);
    expect(['ModifyAllData', 'ViewAllData', 'CustomizeApplication', 'AuthorApex'].every(isBroadPermission)).to.equal(true);
    expect(isBroadPermission('ManageRemoteAccess')).to.equal(false);
  });
});
