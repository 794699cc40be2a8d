/* Manifest + chosen features → Requirements. */
import type { SfError } from '@salesforce/core';
import type { FeatureDefinition, Manifest, OAuthRequirement, ObjectRequirement, RequirementBody, Requirements } from './types.js';
import { ERROR_NAMES, didYouMean, namedError, text } from './errors.js';
import { appendNameItems, mergeField } from './build.js';
import { suggest } from './suggest.js';

const unknownFeature = (manifest: Manifest, name: string): SfError => {
  const available = Object.keys(manifest.features);
  const hint = didYouMean(suggest(name, available.map((a) => ({ text: a, target: a }))));
  const list = available.length > 0 ? text('features.available', available.join(', ')) : text('features.none');
  return namedError(ERROR_NAMES.unknownFeature, 'error.UnknownFeature', [name, manifest.origin, hint ? ` ${hint}` : '', list]);
};

const featureOf = (path: string): string => {
  const name = /^features\.([a-z0-9-]+)\./.exec(path)?.[1];
  return name ? `"${name}"` : text('conflict.base');
};

/** Two chosen features (or a feature and the base) ask for different values of one setting. */
const conflict = (manifest: Manifest, pathA: string, pathB: string, detail: string): SfError =>
  namedError(ERROR_NAMES.invalidManifest, 'error.FeatureConflict', [manifest.origin, `${featureOf(pathA)} ${text('and')} ${featureOf(pathB)}`, detail]);

/*
 * The merge helpers below write into `target`: the body applyFeatures cloned from the manifest for this
 * merge (structuredClone), never the caller's data.
 */
/* eslint-disable no-param-reassign */
const mergeOAuth = (manifest: Manifest, target: RequirementBody, from: OAuthRequirement): void => {
  if (!target.oauth) {
    target.oauth = structuredClone(from);
    return;
  }
  const oauth = target.oauth;
  appendNameItems(oauth.scopes, from.scopes);
  if (from.app) {
    if (!oauth.app) oauth.app = from.app;
    else if (oauth.app.toLowerCase() !== from.app.toLowerCase())
      throw conflict(manifest, oauth.path, from.path, text('conflict.app', oauth.app, `${oauth.path}.app`, from.app, `${from.path}.app`));
  }
  for (const key of ['refreshTokenPolicy', 'ipRelaxation', 'permittedUsers'] as const) {
    const incoming = from[key];
    if (!incoming) continue;
    const existing = oauth[key];
    if (!existing) {
      // the union type of the three policy fields: assign through the same key
      (oauth as Record<typeof key, unknown>)[key] = { ...incoming };
    } else if (existing.value !== incoming.value) {
      throw conflict(manifest, existing.path, incoming.path, text('conflict.policy', key, existing.value, existing.path, incoming.value, incoming.path));
    }
  }
};

const mergeObject = (target: ObjectRequirement, from: ObjectRequirement): void => {
  for (const access of from.access) {
    if (!target.access.some((a) => a.access === access.access)) target.access.push({ ...access });
  }
  if (from.visibility && !target.visibility) target.visibility = { ...from.visibility };
  for (const field of from.fields) {
    const index = target.fields.findIndex((f) => f.field.toLowerCase() === field.field.toLowerCase());
    if (index < 0) target.fields.push({ ...field, object: target.object });
    else target.fields[index] = mergeField(target.fields[index], { ...field, object: target.object });
  }
};

const mergeBody = (manifest: Manifest, target: RequirementBody, feature: FeatureDefinition): void => {
  const from = feature.body;
  appendNameItems(target.user.licenses, from.user.licenses);
  appendNameItems(target.user.permissionSetLicenses, from.user.permissionSetLicenses);
  appendNameItems(target.user.permissionSets, from.user.permissionSets);
  appendNameItems(target.user.forbiddenPermissions, from.user.forbiddenPermissions);
  appendNameItems(target.systemPermissions, from.systemPermissions);
  if ((from.customPermissions ?? []).length > 0) {
    target.customPermissions ??= [];
    appendNameItems(target.customPermissions, from.customPermissions ?? []);
  }
  if (from.oauth) mergeOAuth(manifest, target, from.oauth);
  for (const object of from.objects) {
    const existing = target.objects.find((o) => o.object.toLowerCase() === object.object.toLowerCase());
    if (existing) mergeObject(existing, object);
    else target.objects.push(structuredClone(object));
  }
};

/* eslint-enable no-param-reassign */

/**
 * The manifest's base requirements plus the chosen features (`'all'`: every feature), merged:
 * items keep their `feature` and path; the same object in base and feature combines access and
 * fields. Unknown feature → UnknownFeature error listing the available ones.
 */
/** The features a command asked for (`--feature`, repeatable): `all` anywhere means every feature. */
export const featureSelection = (requested: readonly string[] | undefined): string[] | 'all' =>
  (requested ?? []).some((f) => f.trim() === 'all') ? 'all' : [...(requested ?? [])];

export const applyFeatures = (manifest: Manifest, features: string[] | 'all'): Requirements => {
  const available = Object.keys(manifest.features);
  let chosen: string[];
  if (features === 'all') chosen = available;
  else {
    const wanted = new Set<string>();
    for (const requested of features) {
      const name = requested.trim();
      if (name === 'all') {
        available.forEach((a) => wanted.add(a));
        continue;
      }
      const match = available.find((a) => a === name) ?? available.find((a) => a.toLowerCase() === name.toLowerCase());
      if (!match) throw unknownFeature(manifest, name);
      wanted.add(match);
    }
    // manifest order, so the result does not depend on the order of the flags
    chosen = available.filter((a) => wanted.has(a));
  }
  const body: RequirementBody = structuredClone({
    user: manifest.user,
    systemPermissions: manifest.systemPermissions,
    customPermissions: manifest.customPermissions ?? [],
    objects: manifest.objects,
    ...(manifest.oauth ? { oauth: manifest.oauth } : {}),
  });
  for (const name of chosen) mergeBody(manifest, body, manifest.features[name]);
  const requirements: Requirements = {
    ...body,
    name: manifest.name,
    label: manifest.label,
    origin: manifest.origin,
    features: chosen,
  };
  if (manifest.source !== undefined) requirements.source = manifest.source;
  if (manifest.description !== undefined) requirements.description = manifest.description;
  return requirements;
};
