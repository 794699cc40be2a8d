/* Manifest text or file → validated, normalised Manifest (or one InvalidManifest error listing every problem). */
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { type Defect, DefectList, ERROR_NAMES, invalidManifestError, namedError, text } from './errors.js';
import { type ManifestFormat, MAX_MANIFEST_BYTES, parseText } from './parse.js';
import { validateStructure } from './schema.js';
import { buildManifest } from './build.js';
import type { Manifest } from './types.js';

export type ParseOptions = {
  /** How the file is named in messages (default: the origin) */
  displayName?: string;
  /** A built-in preset: a broken one is a plugin bug, and the actions say so */
  preset?: boolean;
};

/**
 * Validates parsed manifest data (what YAML or JSON text parses to): the schema's structural defects, then the
 * semantic ones, each once, without positions. The manifest is only meaningful when there is no defect.
 */
export const validateManifestData = (value: unknown, origin: string): { manifest: Manifest; defects: Defect[] } => {
  const defects: Defect[] = validateStructure(value);
  const semantic = new DefectList();
  const manifest = buildManifest(value, origin, semantic);
  for (const defect of semantic.all()) {
    if (!defects.some((d) => d.message === defect.message && JSON.stringify(d.path) === JSON.stringify(defect.path))) defects.push(defect);
  }
  return { manifest, defects };
};

/** Validates and normalises manifest text. `origin` names the file in messages. Throws InvalidManifest. */
export const parseManifestText = (source: string, origin: string, format: ManifestFormat, options: ParseOptions = {}): Manifest => {
  const file = options.displayName ?? origin;
  const parsed = parseText(source, format);
  if (parsed.defects.length > 0 || parsed.value === undefined) throw invalidManifestError(file, parsed.defects, options.preset);
  const { manifest, defects } = validateManifestData(parsed.value, origin);
  if (defects.length > 0) {
    for (const defect of defects) defect.position ??= parsed.locate(defect.path, 'key');
    throw invalidManifestError(file, defects, options.preset);
  }
  return manifest;
};

/** Public form: validates and normalises manifest text; throws an SfError named InvalidManifest. */
export const parseManifest = (source: string, origin: string, format: ManifestFormat): Manifest => parseManifestText(source, origin, format);

/** .json → json; .yaml/.yml → yaml; otherwise JSON when the text is a JSON object, else YAML. */
export const formatOf = (filePath: string, source: string): ManifestFormat => {
  const ext = extname(filePath).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  const body = source.replace(/^\uFEFF/, '').trimStart();
  if (body.startsWith('{')) {
    try {
      JSON.parse(body);
      return 'json';
    } catch {
      return 'yaml';
    }
  }
  return 'yaml';
};

const errorCode = (error: unknown): string | undefined =>
  error && typeof error === 'object' && 'code' in error ? String((error as { code: unknown }).code) : undefined;

/** Bytes → text, or the defect that makes it unusable (binary data, invalid UTF-8). */
const decode = (bytes: Buffer): { text: string } | { defect: Defect } => {
  const nul = bytes.indexOf(0);
  if (nul >= 0) return { defect: { path: [], message: text('defect.binary', '\\u0000', nul) } };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { defect: { path: [], message: text('defect.invalidUtf8') } };
  }
};

/** Reads at most `limit` + 1 bytes, so an oversized file is never read whole. */
const readLimited = async (filePath: string, limit: number): Promise<Buffer> => {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    let total = 0;
    for (;;) {
      // eslint-disable-next-line no-await-in-loop
      const { bytesRead } = await handle.read(buffer, total, buffer.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total >= buffer.length) break;
    }
    return buffer.subarray(0, total);
  } finally {
    await handle.close();
  }
};

/** Reads, validates and normalises a manifest file. Format from the extension (.json, .yaml, .yml), else sniffed. */
export const loadFile = async (filePath: string, options: ParseOptions & { origin?: string } = {}): Promise<Manifest> => {
  const file = options.displayName ?? filePath;
  let size: number;
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw Object.assign(new Error('not a regular file'), { code: info.isDirectory() ? 'EISDIR' : 'ENOTFILE' });
    size = info.size;
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR')
      throw namedError(ERROR_NAMES.manifestNotFound, 'error.ManifestNotFound', [filePath], [process.cwd()]);
    const reason = errorCode(error) === 'EISDIR' ? text('reason.directory') : error instanceof Error ? error.message : String(error);
    throw namedError(ERROR_NAMES.manifestUnreadable, 'error.ManifestUnreadable', [filePath, reason]);
  }
  if (size > MAX_MANIFEST_BYTES) throw invalidManifestError(file, [{ path: [], message: text('defect.tooLarge', size, MAX_MANIFEST_BYTES) }], options.preset);
  let bytes: Buffer;
  try {
    bytes = await readLimited(filePath, MAX_MANIFEST_BYTES);
  } catch (error) {
    throw namedError(ERROR_NAMES.manifestUnreadable, 'error.ManifestUnreadable', [filePath, error instanceof Error ? error.message : String(error)]);
  }
  if (bytes.length > MAX_MANIFEST_BYTES)
    throw invalidManifestError(file, [{ path: [], message: text('defect.tooLarge', bytes.length, MAX_MANIFEST_BYTES) }], options.preset);
  const decoded = decode(bytes);
  if ('defect' in decoded) throw invalidManifestError(file, [decoded.defect], options.preset);
  return parseManifestText(decoded.text, options.origin ?? filePath, formatOf(filePath, decoded.text), { ...options, displayName: file });
};

/** Reads, validates and normalises a manifest file; `origin` is the path as given. */
export const loadManifestFile = async (filePath: string): Promise<Manifest> => loadFile(filePath);
