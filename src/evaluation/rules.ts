/*
 * Moved: the Salesforce facts the evaluation uses live in src/salesforce/ (one sourced, dated home).
 * This re-export keeps older import paths working; new code imports '../salesforce/index.js'.
 */
export * from '../salesforce/index.js';
