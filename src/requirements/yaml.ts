/* A normalised manifest written back as a manifest (API names everywhere), e.g. for `preset show`. */
import { stringify } from 'yaml';
import type { Manifest, NameItem, OAuthRequirement, ObjectRequirement, RequirementBody } from './types.js';

type Plain = Record<string, unknown>;

const names = (items: readonly NameItem[]): unknown[] => items.map((item) => (item.names.length === 1 ? item.names[0] : { anyOf: [...item.names] }));

const oauthOut = (oauth: OAuthRequirement): Plain => {
  const out: Plain = {};
  if (oauth.app) out.app = oauth.app;
  if (oauth.scopes.length > 0) out.scopes = names(oauth.scopes);
  if (oauth.refreshTokenPolicy) out.refreshTokenPolicy = oauth.refreshTokenPolicy.value;
  if (oauth.ipRelaxation) out.ipRelaxation = oauth.ipRelaxation.value;
  if (oauth.permittedUsers) out.permittedUsers = oauth.permittedUsers.value;
  return out;
};

const objectOut = (object: ObjectRequirement): Plain => {
  const out: Plain = {};
  if (object.access.length > 0) out.access = object.access.map((a) => a.access);
  if (object.visibility) out.visibility = object.visibility.level;
  const field = (f: ObjectRequirement['fields'][number]): string => f.field + (f.optional ? '?' : '');
  const read = object.fields.filter((f) => f.access === 'read').map(field);
  const edit = object.fields.filter((f) => f.access === 'edit').map(field);
  if (read.length > 0 || edit.length > 0) {
    const fields: Plain = {};
    if (read.length > 0) fields.read = read;
    if (edit.length > 0) fields.edit = edit;
    out.fields = fields;
  }
  return out;
};

const bodyOut = (body: RequirementBody): Plain => {
  const out: Plain = {};
  const user: Plain = {};
  if (body.user.licenses.length > 0) user.licenses = names(body.user.licenses);
  if (body.user.permissionSetLicenses.length > 0) user.permissionSetLicenses = names(body.user.permissionSetLicenses);
  if (body.user.permissionSets.length > 0) user.permissionSets = names(body.user.permissionSets);
  if (body.user.forbiddenPermissions.length > 0) user.forbiddenPermissions = names(body.user.forbiddenPermissions);
  if (Object.keys(user).length > 0) out.user = user;
  if (body.oauth) out.oauth = oauthOut(body.oauth);
  if (body.systemPermissions.length > 0) out.systemPermissions = names(body.systemPermissions);
  if ((body.customPermissions ?? []).length > 0) out.customPermissions = names(body.customPermissions ?? []);
  if (body.objects.length > 0) out.objects = Object.fromEntries(body.objects.map((o) => [o.object, objectOut(o)]));
  return out;
};

/** The manifest as YAML, with every name normalised; parsing it again gives the same requirements. */
export const manifestToYaml = (manifest: Manifest): string => {
  const out: Plain = { name: manifest.name, label: manifest.label };
  if (manifest.source !== undefined) out.source = manifest.source;
  if (manifest.description !== undefined) out.description = manifest.description;
  Object.assign(out, bodyOut(manifest));
  const features = Object.values(manifest.features);
  if (features.length > 0) {
    out.features = Object.fromEntries(
      features.map((feature) => [feature.name, { ...(feature.description !== undefined ? { description: feature.description } : {}), ...bodyOut(feature.body) }])
    );
  }
  return stringify(out, { lineWidth: 0 });
};
