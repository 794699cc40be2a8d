import { readFileSync } from 'node:fs';
import { validatePermissionSetFiles } from './xsd.js';
const d = '/work/shared/fixtures/salesforce/samples/';
it('x', async () => {
  const files = ['valid/Minimal_Api_Only', 'invalid/bad-boolean', 'invalid/wrong-element-order', 'real/recipes'].map((f) => ({ fileName: f.replace('/', '_') + '.xml', contents: readFileSync(d + f + '.permissionset-meta.xml', 'utf8') }));
  const v = await validatePermissionSetFiles(files);
  console.log(JSON.stringify(v, null, 1));
});
