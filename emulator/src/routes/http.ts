/*
 * What every route shares: the request and answer shapes, Salesforce's REST and SOAP error bodies,
 * path normalisation, bearer tokens and JSON bodies.
 */
import type http from 'node:http';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { WriteError } from '../writes.js';

export type Req = {
  method: string;
  /** normalised path without the query string */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
};

export type Res = {
  status: number;
  /** JSON body (serialised) unless text is given */
  json?: unknown;
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
};

export const sfError = (status: number, errorCode: string, message: string, fields?: string[]): Res => ({
  status,
  json: [fields ? { message, errorCode, fields } : { message, errorCode }],
});

export const notFound = (): Res => sfError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const invalidSession = (): Res => sfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const methodNotAllowed = (method: string): Res =>
  sfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${method}' not allowed. Allowed are GET`);

export const soapFault = (code: string, message: string, status = 500): Res => {
  const esc = message.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return {
    status,
    contentType: 'text/xml;charset=UTF-8',
    text: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault><faultcode>${code}</faultcode><faultstring>${esc}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
  };
};

/**
 * The body as sent: gzip-compressed when the request accepts gzip, as jsforce's requests do — Salesforce
 * compresses then (REST API Developer Guide, "Compression Headers",
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/intro_rest_compression.htm).
 * The log's bytesOut is what travels, bytesOutUncompressed the JSON / XML itself.
 */
export const encoded = (plain: Buffer, acceptEncoding: string | string[] | undefined, headers: Record<string, string>): Buffer => {
  if (plain.length === 0 || !/\bgzip\b/i.test(String(acceptEncoding ?? ''))) return plain;
  // eslint-disable-next-line no-param-reassign -- the response's headers, being built
  headers['Content-Encoding'] = 'gzip';
  return gzipSync(plain);
};

/** Collapses repeated slashes and splits off the query string — without URL parsing against a base. */
export const normalisePath = (raw: string): { path: string; search: string } => {
  const q = raw.indexOf('?');
  const pathPart = q >= 0 ? raw.slice(0, q) : raw;
  const search = q >= 0 ? raw.slice(q + 1) : '';
  let path = pathPart.replace(/\/{2,}/g, '/');
  if (!path.startsWith('/')) path = `/${path}`;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  return { path: decoded, search };
};

export const randomToken = (n: number): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._';
  const bytes = randomBytes(n);
  let out = '';
  for (const b of bytes) out += alphabet.charAt(b % alphabet.length);
  return out;
};

export const bearer = (headers: http.IncomingHttpHeaders): string | undefined => {
  const h = headers.authorization;
  if (!h) return undefined;
  const m = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(h.trim());
  return m ? m[1].trim() : undefined;
};

export const jsonBody = (req: Req): Record<string, unknown> => {
  try {
    const parsed = JSON.parse(req.body.toString('utf8') || '{}') as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new WriteError(400, 'JSON_PARSER_ERROR', 'The request body is not a JSON object');
};

/** A composite subrequest as a request of its own (relative URLs resolve under /services/data/). */
export const subRequest = (method: string, url: string, body: unknown, headers: http.IncomingHttpHeaders): Req => {
  const abs = url.startsWith('/') ? url : `/services/data/${url}`;
  const { path, search } = normalisePath(abs);
  const text = body === undefined || body === null ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  return { method: method.toUpperCase(), path, query: new URLSearchParams(search), headers, body: Buffer.from(text, 'utf8') };
};
