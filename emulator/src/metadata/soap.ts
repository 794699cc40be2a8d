/*
 * The Metadata API SOAP endpoint (/services/Soap/m/{version}): deploy, checkDeployStatus,
 * cancelDeploy, readMetadata. Answers are SOAP 1.1 envelopes in the metadata namespace, the shape
 * jsforce-node parses (prefixed soapenv:Envelope/Body, `<opResponse><result>…`).
 */
import type { MetadataContext } from './context.js';
import { cancelJob, deployResultOf, getJob, pollJob, readDeployOptions, submitDeploy } from './deploy.js';
import { isReadableType, READ_METADATA_LIMIT, readRecords } from './readMetadata.js';
import {
  asArray,
  boolOf,
  childNames,
  elementOf,
  escapeXml,
  isElement,
  METADATA_NS,
  parseXml,
  SOAP_ENV_NS,
  textOf,
  toXml,
  XmlElement,
  XmlObject,
  XmlValue,
  XSI_NS,
} from './xml.js';

export type SoapAnswer = { status: number; body: string };

const envelope = (inner: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?>' +
  `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}" xmlns="${METADATA_NS}" xmlns:xsi="${XSI_NS}">` +
  `<soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

/** A successful answer `<{operation}Response><result>…</result></…Response>`. */
export const soapResult = (operation: string, result: XmlValue): SoapAnswer => ({
  status: 200,
  body: envelope(`<${operation}Response>${toXml('result', result)}</${operation}Response>`),
});

/** A SOAP fault the way Salesforce writes them: faultcode sf:CODE, faultstring "CODE: message". HTTP 500. */
export const soapFault = (code: string, message: string): SoapAnswer => ({
  status: 500,
  body:
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${SOAP_ENV_NS}" xmlns:sf="${METADATA_NS}">` +
    '<soapenv:Body><soapenv:Fault>' +
    `<faultcode>sf:${escapeXml(code)}</faultcode>` +
    `<faultstring>${escapeXml(`${code}: ${message}`)}</faultstring>` +
    '</soapenv:Fault></soapenv:Body></soapenv:Envelope>',
});

/** Plain-object copy of a parsed element's simple children (for DeployOptions). */
const simpleChildren = (el: XmlElement): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const k of childNames(el)) {
    const v = el[k];
    out[k] = Array.isArray(v) ? v.map((x) => textOf(x)) : textOf(v);
  }
  return out;
};

const badId = (id: string): SoapAnswer =>
  soapFault('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id${id ? ` ${id}` : ''}`);

export const handleSoap = async (ctx: MetadataContext, body: string, soapAction: string | undefined): Promise<SoapAnswer> => {
  let doc: XmlElement;
  try {
    doc = parseXml(body);
  } catch (e) {
    return soapFault('INVALID_XML', `The request is not valid XML: ${(e as Error).message}`);
  }
  const env = elementOf(doc['Envelope']);
  const soapBody = env['Body'];
  if (!isElement(soapBody)) return soapFault('UNKNOWN_EXCEPTION', 'The request has no SOAP Body');
  // jsforce sends SOAPAction: "" — the operation is the Body's first element; the header is only a fallback
  const operation = childNames(soapBody)[0] ?? (soapAction ?? '').replace(/"/g, '').trim();
  if (operation === '') return soapFault('UNKNOWN_EXCEPTION', 'The SOAP Body names no operation');
  const args = elementOf(soapBody[operation]);

  switch (operation) {
    case 'deploy': {
      const zipB64 = textOf(args['ZipFile']).replace(/\s+/g, '');
      if (zipB64 === '') return soapFault('INVALID_ZIP', 'No ZipFile in the deploy request');
      const job = await submitDeploy(ctx, Buffer.from(zipB64, 'base64'), readDeployOptions(simpleChildren(elementOf(args['DeployOptions']))));
      const result: XmlObject = { done: false, id: job.id, state: 'Queued' };
      return soapResult('deploy', result);
    }
    case 'checkDeployStatus': {
      const id = textOf(args['asyncProcessId']).trim();
      const job = getJob(ctx, id);
      if (!job) return badId(id);
      pollJob(ctx, job);
      return soapResult('checkDeployStatus', deployResultOf(job, boolOf(args['includeDetails'])) as unknown as XmlObject);
    }
    case 'cancelDeploy': {
      const id = (textOf(args['String']) || textOf(args['id'])).trim();
      const job = getJob(ctx, id);
      if (!job) return badId(id);
      const canceled = cancelJob(job);
      if (!canceled) return soapFault('INVALID_ID_FIELD', `The deployment ${job.id} has already completed`);
      return soapResult('cancelDeploy', { done: true, id: job.id });
    }
    case 'readMetadata': {
      const type = textOf(args['type']).trim();
      const fullNames = asArray(args['fullNames']).map((n) => textOf(n));
      if (!isReadableType(type)) {
        return soapFault('INVALID_TYPE', `This type of metadata is not available for this organization: ${type}`);
      }
      if (fullNames.length > READ_METADATA_LIMIT) {
        return soapFault('LIMIT_EXCEEDED', `Limit exceeded: readMetadata reads at most ${READ_METADATA_LIMIT} names per call`);
      }
      const records = readRecords(ctx.getState(), type, fullNames);
      return soapResult('readMetadata', { records });
    }
    default:
      return soapFault('UNKNOWN_EXCEPTION', `Operation ${operation} is not supported by the emulator`);
  }
};
