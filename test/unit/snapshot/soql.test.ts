import { expect } from 'chai';
import { chunkForInList, inList, soqlString } from '../../../src/snapshot/soql.js';

describe('SOQL text helpers', () => {
  it('escapes quotes and backslashes in string literals', () => {
    expect(soqlString("o'brien@acme.example")).to.equal("'o\\'brien@acme.example'");
    expect(soqlString('a\\b')).to.equal("'a\\\\b'");
  });

  it('builds an IN list', () => {
    expect(inList(['a', 'b'])).to.equal("('a','b')");
  });

  it('chunks long IN lists under the character budget and loses nothing', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `005${String(i).padStart(15, '0')}`);
    const chunks = chunkForInList(ids, 4000);
    expect(chunks.length).to.be.greaterThan(1);
    for (const chunk of chunks) expect(inList(chunk).length).to.be.at.most(4002);
    expect(chunks.flat()).to.deep.equal(ids);
  });

  it('keeps a single value that alone exceeds the budget in a chunk of its own', () => {
    const long = 'x'.repeat(50);
    expect(chunkForInList([long, 'a'], 10)).to.deep.equal([[long], ['a']]);
  });
});
