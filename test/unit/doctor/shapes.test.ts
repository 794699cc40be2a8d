/*
 * The doctor's table of shapes names every query the reader sends (by its key) and nothing it no longer
 * sends: the doctor reports the reader's own queries, and a shape the table lacks would be reported without
 * saying what it reads, a stale one as "not applicable" for ever.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { SHAPES } from '../../../src/doctor/shapes.js';
import { repoRoot } from '../../e2e/harness.js';

const keysIn = (file: string): string[] => [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/key: '(\w+)'/g)].map((m) => m[1]);

describe('doctor: the table of shapes', () => {
  it('has exactly the keys of the queries in read.ts, plus the cross-check', () => {
    const reader = new Set([...keysIn('src/snapshot/read.ts'), 'crossCheckObjects', 'crossCheckFields']);
    expect(Object.keys(SHAPES).sort()).to.deep.equal([...reader].sort());
  });
});
