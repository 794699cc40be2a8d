/* Drift (`check --baseline FILE`): pure comparison with a previous check result, and the exit gates. */
export { compareWithBaseline } from './compare.js';
export type { ComparableReport } from './compare.js';
export { checkResultOf, readBaseline } from './baseline.js';
export { excessAtOrAbove, gatedExitCode } from './gate.js';
export type { FailOn, Gates } from './gate.js';
export type * from './types.js';
