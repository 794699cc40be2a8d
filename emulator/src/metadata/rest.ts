/*
 * The REST deploy resource: POST /services/data/vXX.0/metadata/deployRequest (multipart: a JSON
 * part with deployOptions — named `json` in Salesforce's docs, `entity_content` by jsforce — and a
 * `file` part with the zip), GET …/deployRequest/{id}[?includeDetails=true], PATCH …/{id} to cancel.
 */
import type { MetadataContext } from './context.js';
import { cancelJob, DeployJob, deployResultOf, getJob, pollJob, readDeployOptions, submitDeploy } from './deploy.js';

export type RestAnswer = { status: number; body: unknown };

type Part = { name?: string; filename?: string; contentType?: string; data: Buffer };

const restError = (status: number, errorCode: string, message: string): RestAnswer => ({
  status,
  body: [{ errorCode, message }],
});

/** Splits a multipart/form-data body into its parts. */
export const parseMultipart = (contentType: string, body: Buffer): Part[] => {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  const boundary = m ? (m[1] ?? m[2]).trim() : undefined;
  if (!boundary) return [];
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Part[] = [];
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    let start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    const next = body.indexOf(delimiter, start);
    if (next < 0) break;
    let end = next;
    if (body.subarray(end - 2, end).toString() === '\r\n') end -= 2;
    const raw = body.subarray(start, end);
    const headerEnd = raw.indexOf('\r\n\r\n');
    const headerText = headerEnd >= 0 ? raw.subarray(0, headerEnd).toString('utf8') : '';
    const data = headerEnd >= 0 ? raw.subarray(headerEnd + 4) : raw;
    const part: Part = { data };
    for (const line of headerText.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-type') part.contentType = value;
      if (key === 'content-disposition') {
        const name = /\bname="([^"]*)"/i.exec(value);
        const filename = /\bfilename="([^"]*)"/i.exec(value);
        if (name) part.name = name[1];
        if (filename) part.filename = filename[1];
      }
    }
    parts.push(part);
    pos = next;
  }
  return parts;
};

const restView = (job: DeployJob, includeDetails: boolean): Record<string, unknown> => ({
  id: job.id,
  validatedDeployRequestId: null,
  deployOptions: job.options,
  deployResult: deployResultOf(job, includeDetails),
});

/** POST deployRequest: a multipart body with the deploy options and the zip. */
const postDeploy = async (ctx: MetadataContext, type: string, body: Buffer): Promise<RestAnswer> => {
  if (!/^multipart\/form-data/i.test(type)) {
    if (/json/i.test(type) && body.toString('utf8').includes('validatedDeployRequestId')) {
      return restError(400, 'UNKNOWN_EXCEPTION', 'Quick deploy of a validated deployment is not supported by the emulator');
    }
    return restError(415, 'UNSUPPORTED_MEDIA_TYPE', 'A deployRequest needs multipart/form-data with a zip file part');
  }
  const parts = parseMultipart(type, body);
  const jsonPart =
    parts.find((p) => p.name === 'json' || p.name === 'entity_content') ?? parts.find((p) => /json/i.test(p.contentType ?? ''));
  const filePart = parts.find((p) => p.name === 'file') ?? parts.find((p) => /zip/i.test(p.contentType ?? ''));
  if (!filePart) return restError(400, 'INVALID_ZIP', 'No zip file part in the deployRequest');
  let options: Record<string, unknown> | undefined;
  if (jsonPart) {
    try {
      const parsed = JSON.parse(jsonPart.data.toString('utf8')) as { deployOptions?: Record<string, unknown> };
      options = parsed.deployOptions;
    } catch (e) {
      return restError(400, 'JSON_PARSER_ERROR', `The json part is not valid JSON: ${(e as Error).message}`);
    }
  }
  const job = await submitDeploy(ctx, filePart.data, readDeployOptions(options));
  return { status: 201, body: restView(job, false) };
};

export const handleRestDeploy = async (
  ctx: MetadataContext,
  method: string,
  subPath: string,
  contentType: string | undefined,
  body: Buffer
): Promise<RestAnswer> => {
  const [pathPart, query = ''] = subPath.replace(/^\/+/, '').split('?', 2);
  const segments = pathPart.split('/').filter((s) => s !== '');
  const params = new URLSearchParams(query);
  if (segments[0] !== 'deployRequest') {
    return restError(404, 'NOT_FOUND', `The requested resource does not exist: metadata/${pathPart}`);
  }
  const verb = method.toUpperCase();

  if (segments.length === 1) {
    if (verb !== 'POST') return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${verb}' not allowed. Allowed are POST`);
    return postDeploy(ctx, contentType ?? '', body);
  }

  const id = segments[1];
  const job = getJob(ctx, id);
  if (!job) return restError(404, 'NOT_FOUND', `The requested resource does not exist: deployRequest/${id}`);
  if (verb === 'GET') {
    pollJob(ctx, job);
    return { status: 200, body: restView(job, params.get('includeDetails') === 'true') };
  }
  if (verb === 'PATCH') {
    let wanted = '';
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { deployResult?: { status?: string } };
      wanted = parsed.deployResult?.status ?? '';
    } catch {
      wanted = '';
    }
    if (wanted !== 'Canceling' && wanted !== 'Canceled') {
      return restError(400, 'INVALID_INPUT', 'Only { "deployResult": { "status": "Canceling" } } is accepted');
    }
    if (!cancelJob(job)) return restError(400, 'INVALID_ID_FIELD', `The deployment ${job.id} has already completed`);
    return { status: 202, body: restView(job, false) };
  }
  return restError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${verb}' not allowed. Allowed are GET, PATCH`);
};
