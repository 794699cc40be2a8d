/*
 * What `check --record` writes: secrets never, organization and user Ids as stable placeholders (so a replay
 * still joins rows), only the headers that matter.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { caseSafeSuffix, replayableArgs, Scrubber, scrubExchange } from '../../../src/snapshot/recording.js';

describe('recording: scrubbing', () => {
  it('computes the case-safe suffix of a 15-character Id the way Salesforce does', () => {
    // the 18-character form is the 15-character Id plus one checksum character per 5 (ID field type:
    // https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/field_types.htm); worked examples from
    // third-party converters: https://pypi.org/project/salesforce_id_converter/0.1.2 (00558000001N0Ke → …AAK),
    // https://www.rubydoc.info/gems/salesforce_id_formatter/1.2.0 (70130000001tcyI → …AAQ)
    expect(caseSafeSuffix('00558000001N0Ke')).to.equal('AAK');
    expect(caseSafeSuffix('70130000001tcyI')).to.equal('AAQ');
  });

  it('gives the 15- and 18-character forms of one user Id the same placeholder, and other Ids other ones', () => {
    const s = new Scrubber();
    const out = s.text('0055j000001AbCdEAF 0055j000001AbCd 0055j000009ZzZzAAA 00D5j000000XyZ1EAI');
    expect(out).to.equal(`005REDACTED0001${caseSafeSuffix('005REDACTED0001')} 005REDACTED0001 005REDACTED0002${caseSafeSuffix('005REDACTED0002')} 00DREDACTED0001${caseSafeSuffix('00DREDACTED0001')}`);
    // the same scrubber keeps the mapping for later files of the recording
    expect(s.text('0055j000009ZzZz')).to.equal('005REDACTED0002');
  });

  it('finds Ids inside URL-encoded SOQL (%27…%27) but leaves other 15/18-character words and other key prefixes alone', () => {
    const s = new Scrubber();
    expect(s.text('WHERE%20Id%20IN%20(%270055j000001AbCdEAF%27)')).to.equal(`WHERE%20Id%20IN%20(%27005REDACTED0001${caseSafeSuffix('005REDACTED0001')}%27)`);
    expect(s.text('0PS5j000000AbCdEAF x0055j000001AbCdEAF PermissionsApiEnabl')).to.equal('0PS5j000000AbCdEAF x0055j000001AbCdEAF PermissionsApiEnabl');
  });

  it('blanks session ids, known tokens, secret JSON keys and SOAP session headers, and hides the instance URL', () => {
    const s = new Scrubber({ secrets: ['the-access-token-value', undefined], instanceUrl: 'https://acme.my.salesforce.com/' });
    expect(s.text('00D5j000000XyZ1!AQ8AQ.x_y-z and the-access-token-value at https://acme.my.salesforce.com/services')).to.equal(
      '[scrubbed] and [scrubbed] at https://org.recording.invalid/services'
    );
    expect(s.text('<env:Header><sessionId>00D5j000000XyZ1!abc</sessionId></env:Header>')).to.equal('<env:Header><sessionId>[scrubbed]</sessionId></env:Header>');
    /* eslint-disable camelcase -- OAuth's names */
    expect(s.json({ access_token: 'a', refresh_token: 'b', nested: [{ sessionId: 'c', Id: '0055j000001AbCd' }] })).to.deep.equal({
      access_token: '[scrubbed]',
      refresh_token: '[scrubbed]',
      nested: [{ sessionId: '[scrubbed]', Id: '005REDACTED0001' }],
    });
    /* eslint-enable camelcase */
  });

  it('writes an exchange without the Authorization header, with the URL relative to the instance and the SOQL decoded', () => {
    const e = scrubExchange(
      {
        method: 'GET',
        url: 'https://acme.my.salesforce.com//services/data/v62.0/query?q=SELECT%20Id%20FROM%20User%20WHERE%20Id%20%3D%20%270055j000001AbCd%27',
        requestHeaders: { Authorization: 'Bearer 00D5j000000XyZ1!secret', 'Content-Type': 'application/json', Cookie: 'sid=1' },
        requestBody: undefined,
        status: 200,
        responseHeaders: { 'content-type': 'application/json', 'sforce-limit-info': 'api-usage=5/100', 'set-cookie': 'x' },
        responseBody: '{"totalSize":1,"done":true,"records":[{"Id":"0055j000001AbCdEAF"}]}',
        ms: 12,
      },
      1,
      new Scrubber({ instanceUrl: 'https://acme.my.salesforce.com' }),
      'https://acme.my.salesforce.com'
    );
    expect(e.url).to.equal('/services/data/v62.0/query?q=SELECT%20Id%20FROM%20User%20WHERE%20Id%20%3D%20%27005REDACTED0001%27');
    expect(e.soql).to.equal("SELECT Id FROM User WHERE Id = '005REDACTED0001'");
    expect(e.requestHeaders).to.deep.equal({ 'content-type': 'application/json' });
    expect(e.responseHeaders).to.deep.equal({ 'content-type': 'application/json', 'sforce-limit-info': 'api-usage=5/100' });
    expect(e.responseBody).to.deep.equal({ totalSize: 1, done: true, records: [{ Id: `005REDACTED0001${caseSafeSuffix('005REDACTED0001')}` }] });
  });

  it('keeps the flags a replay needs: no target org, --json, --record or output flags; a manifest copied into the recording', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sfia-rec-'));
    const manifest = join(dir, 'mine.yaml');
    writeFileSync(manifest, 'name: mine\n');
    const out = join(dir, 'rec');
    const args = await replayableArgs(
      ['--manifest', manifest, '-o', 'prod', '--user', '0055j000001AbCd', '--record=rec', '--json', '--result-format', 'junit', '--output-file', 'x.xml', '--verbose'],
      out,
      new Scrubber()
    );
    expect(args).to.deep.equal(['--manifest', join('inputs', 'manifest.yaml'), '--user', '005REDACTED0001', '--verbose']);
    expect(readFileSync(join(out, 'inputs', 'manifest.yaml'), 'utf8')).to.equal('name: mine\n');
  });
});
