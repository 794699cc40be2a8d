/* The requirements module: load and validate manifests and presets, normalise names, apply features. */
export { parseManifest, loadManifestFile, formatOf, validateManifestData } from './load.js';
export { loadPreset, presetSource, listPresets, presetsDir, presetNames, type PresetSummary } from './presets.js';
export { applyFeatures, featureSelection } from './features.js';
export { normalisePermissionName, permissionLabel, isPermissionName, type PermissionNameResult } from './names.js';
export { normaliseScope, normaliseObjectAccess, normaliseRefreshTokenPolicy, OAUTH_SCOPES, API_NAME, KEBAB_CASE } from './vocabulary.js';
export { manifestToYaml } from './yaml.js';
export { manifestSchemaPath } from './schema.js';
export { ERROR_NAMES, MAX_DEFECTS_SHOWN, type Fix, type FixValue, type InvalidManifestData, type DefectData } from './errors.js';
export { applyFix, fixChoices } from './fix.js';
export { MAX_MANIFEST_BYTES } from './parse.js';
export type * from './types.js';
