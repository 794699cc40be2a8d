/*
 * The one home of the Salesforce facts the verdicts use. Pure: no file system, no network; data files
 * (permission labels) are loaded by the caller and passed in. Every fact names its source and, where
 * the platform can change it, the date it is true from (see platformChanges.ts).
 */
export * from './sources.js';
export * from './platformChanges.js';
export * from './permissions.js';
export * from './objectAccess.js';
export * from './sharing.js';
export * from './licences.js';
export * from './oauth.js';
export * from './ecaPreauthorization.js';
export * from './riskTiers.js';
