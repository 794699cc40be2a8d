/*
 * The doctor's table of shapes names every query the reader sends (by its key) and nothing it no longer
 * sends: the doctor reports the reader's own queries, and a shape the table lacks would be reported without
 * saying what it reads, a stale one as "not applicable" for ever.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { SHAPES } from '../../../src/doctor/shapes.js';
import { repoRoot } from '../../e2e/harness.js';

const keysIn = (file: string): string[] => [...readFileSync(join(repoRoot, file), 'utf8').matchAll(/key: '(\w+)'/g)].map((m) => m[1]);

describe('doctor: the table of shapes', () => {
  it('has exactly the keys of the queries of the reader (read.ts and the modules it reads through), plus the cross-check and the ECA policies readMetadata', () => {
    // the reader's query keys live in read.ts and its per-kind modules (users.ts, apps.ts, permissionSetReads.ts, …)
    const modules = readdirSync(join(repoRoot, 'src', 'snapshot')).filter((f) => f.endsWith('.ts'));
    const fromModules = modules.flatMap((f) => keysIn(`src/snapshot/${f}`));
    expect(fromModules).to.include.members(['users', 'sets', 'ecaPolicy']);
    // ecaPolicyLists is a readMetadata, not a query: the doctor reports it from the snapshot (src/doctor/index.ts)
    const reader = new Set([...fromModules, 'crossCheckObjects', 'crossCheckFields', 'ecaPolicyLists']);
    expect(Object.keys(SHAPES).sort()).to.deep.equal([...reader].sort());
  });
});
