import { expect } from 'chai';
import { COLOR_JSON_MAX_CHARS, writeJsonEnvelope } from '../../../src/shared/jsonOutput.js';

/** A stand-in for process.stdout that records what is written. */
const sink = (isTTY: boolean): { out: { isTTY: boolean; write: (s: string) => boolean }; written: string[] } => {
  const written: string[] = [];
  return { out: { isTTY, write: (s: string): boolean => written.push(s) > 0 }, written };
};

describe('writeJsonEnvelope', () => {
  const envelope = { status: 3, result: { users: [{ username: 'agent@acme.example', passed: false }] } };

  it('colourises a small envelope on a terminal (sf-plugins-core styledJSON) and writes nothing itself', () => {
    const { out, written } = sink(true);
    const colored: unknown[] = [];
    const plain = writeJsonEnvelope(envelope, (j) => colored.push(j), out as unknown as NodeJS.WriteStream);
    expect(plain).to.equal(false);
    expect(colored).to.deep.equal([envelope]);
    expect(written).to.deep.equal([]);
  });

  it('writes plain indented JSON when stdout is not a terminal (pipes, files, CI)', () => {
    const { out, written } = sink(false);
    const plain = writeJsonEnvelope(envelope, () => expect.fail('must not colourise'), out as unknown as NodeJS.WriteStream);
    expect(plain).to.equal(true);
    expect(written).to.have.length(1);
    expect(written[0].endsWith('\n')).to.equal(true);
    expect(JSON.parse(written[0])).to.deep.equal(envelope);
    expect(written[0]).to.include('\n  "status": 3');
  });

  it('writes a large envelope plain even on a terminal (colorizeJson would hold one object per token)', () => {
    const users = Array.from({ length: 2000 }, (_, i) => ({ username: `user${i}@large-org.example`, findings: ['x'.repeat(100)] }));
    const big = { status: 0, result: { users } };
    expect(JSON.stringify(big, null, 2).length).to.be.greaterThan(COLOR_JSON_MAX_CHARS);
    const { out, written } = sink(true);
    const plain = writeJsonEnvelope(big, () => expect.fail('must not colourise'), out as unknown as NodeJS.WriteStream);
    expect(plain).to.equal(true);
    expect((JSON.parse(written[0]) as typeof big).result.users).to.have.length(2000);
  });
});
