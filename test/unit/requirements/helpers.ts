/* Shared helpers for the requirements tests. */
import { readFileSync } from 'node:fs';
import { SfError } from '@salesforce/core';
import { expect } from 'chai';
import type { Manifest, RequirementBody } from '../../../src/requirements/types.js';

export const fixturePath = (folder: 'manifests' | 'bad-manifests', name: string): string =>
  new URL(`../../fixtures/${folder}/${name}`, import.meta.url).pathname;

export const readFixture = (folder: 'manifests' | 'bad-manifests', name: string): string => readFileSync(fixturePath(folder, name), 'utf8');

/** Runs fn, expecting it to throw an SfError; returns it. */
export const sfErrorOf = async (fn: () => unknown): Promise<SfError> => {
  try {
    await fn();
  } catch (error) {
    expect(error, String(error)).to.be.instanceOf(SfError);
    return error as SfError;
  }
  expect.fail('expected an SfError, got none');
};

/** What a body asks for, without paths, in a stable order: for comparing two manifests that mean the same. */
export const meaning = (body: RequirementBody): unknown => ({
  user: {
    licenses: body.user.licenses.map((i) => i.names),
    permissionSetLicenses: body.user.permissionSetLicenses.map((i) => i.names),
    permissionSets: body.user.permissionSets.map((i) => i.names),
    forbiddenPermissions: body.user.forbiddenPermissions.map((i) => i.names),
  },
  oauth: body.oauth
    ? {
        app: body.oauth.app,
        scopes: body.oauth.scopes.map((i) => i.names),
        refreshTokenPolicy: body.oauth.refreshTokenPolicy?.value,
        ipRelaxation: body.oauth.ipRelaxation?.value,
        permittedUsers: body.oauth.permittedUsers?.value,
      }
    : undefined,
  systemPermissions: body.systemPermissions.map((i) => i.names),
  objects: body.objects.map((o) => ({
    object: o.object,
    access: o.access.map((a) => a.access),
    visibility: o.visibility?.level,
    fields: o.fields
      .map((f) => `${f.field}:${f.access}${f.optional ? '?' : ''}`)
      .sort(),
  })),
});

export const manifestMeaning = (manifest: Manifest): unknown => ({
  name: manifest.name,
  label: manifest.label,
  source: manifest.source,
  description: manifest.description,
  body: meaning(manifest),
  features: Object.values(manifest.features).map((f) => ({ name: f.name, description: f.description, body: meaning(f.body) })),
});
