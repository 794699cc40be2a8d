/* Moved to src/report/ (the report model, its summary and the exit-code rule); kept for code written against the old path. */
export * from '../report/index.js';
