/*
 * `check --record DIR`: every request of the run and its answer, written to DIR so a user who can reach a
 * real org can attach what the org said to a bug report, and so the run replays offline (`npm run replay
 * DIR`). What is written is scrubbed: the Authorization header and every other header but a few are never
 * written; access and refresh tokens and session ids are replaced by `[scrubbed]`; organization and user
 * Ids (key prefixes 00D and 005) are replaced by stable placeholders (`005REDACTED0001…`, the same
 * placeholder for the same Id in every file, 15- and 18-character forms alike) so a replay still joins
 * rows; the org's instance URL becomes RECORDED_INSTANCE_URL. Names, usernames and emails are kept: review
 * a recording before sharing it.
 *
 * Layout: DIR/recording.json (what was run, when, and its outcome) and DIR/exchanges/NNNN.json (one per
 * request, in the order the answers came).
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { type Connection, Messages } from '@salesforce/core';
import { recordRequests, type RawExchange } from './batch.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'snapshot');

export const RECORDING_FORMAT = 'sf-integration-access-recording';
/** Stands in for the org's instance URL in a recording. */
export const RECORDED_INSTANCE_URL = 'https://org.recording.invalid';
export const SCRUBBED = '[scrubbed]';

/** Headers worth keeping; all others (Authorization, cookies, …) are never written. */
const KEPT_REQUEST_HEADERS = new Set(['content-type', 'accept', 'soapaction', 'sforce-call-options']);
const KEPT_RESPONSE_HEADERS = new Set(['content-type', 'sforce-limit-info', 'location', 'retry-after']);
/** JSON keys and XML elements whose values are secrets wherever they appear. */
const SECRET_KEY = /^(access_?token|refresh_?token|id_token|session_?id|sessionid|signature|client_secret|password|authorization|code_verifier)$/i;

export type RecordedExchange = {
  seq: number;
  method: string;
  /** path and query, as sent (relative to the instance URL) */
  url: string;
  /** the SOQL of a query request, decoded, for reading */
  soql?: string;
  requestHeaders: Record<string, string>;
  requestBody?: unknown;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: unknown;
  error?: string;
  ms: number;
};

export type RecordedFinding = { requirement: string; kind: string; status: string };
export type RecordingOutcome = {
  exitCode: number;
  users?: Array<{ username: string; passed: boolean; findings: RecordedFinding[] }>;
  error?: { name: string; salesforceErrorCode?: string };
};

export type RecordingMeta = {
  format: typeof RECORDING_FORMAT;
  version: 1;
  recordedAt: string;
  plugin: string;
  /** the command, as `sf` words */
  command: string;
  /** its flags, replayable: no target org, no --json / --record / output flags; input files copied into DIR/inputs */
  args: string[];
  apiVersion: string;
  instanceUrl: string;
  /** what the run concluded (absent when it ended before a verdict or an error could be written) */
  outcome?: RecordingOutcome;
};

/** The three-character suffix that makes a 15-character Salesforce Id case-safe (18 characters). */
export const caseSafeSuffix = (id15: string): string => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15.charAt(chunk * 5 + i);
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    out += alphabet.charAt(bits);
  }
  return out;
};

/** Organization (00D) and User (005) Ids, 15 or 18 characters, also inside URL-encoded text (`%27005…%27`). */
const SCRUBBED_ID = /(?<=^|[^A-Za-z0-9]|%[0-9A-Fa-f]{2})(005|00D)([A-Za-z0-9]{12})([A-Za-z0-9]{3})?(?![A-Za-z0-9])/g;
/** A session id as Salesforce issues it: the org Id, `!`, the token. */
const SESSION_ID = /00D[A-Za-z0-9]{12,15}![A-Za-z0-9._-]+/g;
const XML_SECRET = /<((?:[\w-]+:)?(?:sessionId|access_token|refresh_token|password))>[^<]*<\/\1>/gi;

/**
 * Replaces secrets and Ids in text and JSON, consistently for one recording: the same Id always gets the
 * same placeholder.
 */
export class Scrubber {
  private readonly placeholders = new Map<string, string>();
  private readonly counters = new Map<string, number>();
  private readonly secrets: string[];
  private readonly origins: string[];

  public constructor(options: { secrets?: Array<string | undefined>; instanceUrl?: string } = {}) {
    this.secrets = (options.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8).sort((a, b) => b.length - a.length);
    const origin = options.instanceUrl ? safeOrigin(options.instanceUrl) : undefined;
    this.origins = origin ? [origin] : [];
  }

  /** The placeholder of a 15-character Id (same Id, same placeholder). */
  public placeholder(id15: string): string {
    let p = this.placeholders.get(id15);
    if (!p) {
      const prefix = id15.slice(0, 3);
      const n = (this.counters.get(prefix) ?? 0) + 1;
      this.counters.set(prefix, n);
      p = `${prefix}REDACTED${String(n).padStart(4, '0')}`;
      this.placeholders.set(id15, p);
    }
    return p;
  }

  public text(value: string): string {
    let out = value;
    for (const secret of this.secrets) out = out.split(secret).join(SCRUBBED);
    for (const origin of this.origins) out = out.split(origin).join(RECORDED_INSTANCE_URL);
    out = out.replace(XML_SECRET, (_m, tag: string) => `<${tag}>${SCRUBBED}</${tag}>`);
    out = out.replace(SESSION_ID, SCRUBBED);
    return out.replace(SCRUBBED_ID, (_m, prefix: string, rest: string, suffix: string | undefined) => {
      const p = this.placeholder(`${prefix}${rest}`);
      return suffix ? `${p}${caseSafeSuffix(p)}` : p;
    });
  }

  /** A JSON value with every secret-named key blanked and every string scrubbed. */
  public json(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.json(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_KEY.test(k) ? SCRUBBED : this.json(v)]));
    }
    return value;
  }
}

const safeOrigin = (url: string): string | undefined => {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
};

const headerValue = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : String(v));
const keptHeaders = (headers: Record<string, unknown>, kept: Set<string>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([k, v]) => kept.has(k.toLowerCase()) && v !== undefined)
      .map(([k, v]): [string, string] => [k.toLowerCase(), headerValue(v)])
      .sort(([a], [b]) => a.localeCompare(b))
  );

/** A body as it is best read: parsed JSON when it is JSON, the text otherwise, a size for binary. */
const bodyOf = (body: unknown, scrub: Scrubber): unknown => {
  if (body === undefined || body === null || body === '') return undefined;
  if (Buffer.isBuffer(body)) return `<${body.length} bytes>`;
  if (typeof body !== 'string') return '<stream>';
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return scrub.json(JSON.parse(body) as unknown);
    } catch {
      // not JSON after all: kept as text
    }
  }
  return scrub.text(body);
};

/** The URL relative to the instance (as sent), or the whole URL for another host. */
const relativeUrl = (url: string, instanceUrl: string | undefined): string => {
  const origin = instanceUrl ? safeOrigin(instanceUrl) : undefined;
  let path = origin && url.startsWith(origin) ? url.slice(origin.length) : url;
  if (path.startsWith('//')) path = path.replace(/^\/+/, '/');
  return path;
};

const soqlOf = (url: string): string | undefined => {
  const q = /[?&]q=([^&]*)/.exec(url)?.[1];
  if (!q) return undefined;
  try {
    return decodeURIComponent(q.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
};

/** One exchange as it is written: scrubbed, with only the headers that matter. */
export const scrubExchange = (raw: RawExchange, seq: number, scrub: Scrubber, instanceUrl?: string): RecordedExchange => {
  const url = scrub.text(relativeUrl(raw.url, instanceUrl));
  const soql = soqlOf(url);
  return {
    seq,
    method: raw.method,
    url,
    ...(soql ? { soql } : {}),
    requestHeaders: keptHeaders(raw.requestHeaders, KEPT_REQUEST_HEADERS),
    requestBody: bodyOf(raw.requestBody, scrub),
    status: raw.status,
    responseHeaders: keptHeaders(raw.responseHeaders, KEPT_RESPONSE_HEADERS),
    responseBody: bodyOf(raw.responseBody, scrub),
    ...(raw.error ? { error: scrub.text(raw.error) } : {}),
    ms: raw.ms,
  };
};

/** Flags whose value is a file the run reads: copied into the recording so the replay has it. */
const FILE_FLAGS: Record<string, string> = { '--manifest': 'manifest', '-m': 'manifest', '--users-file': 'users', '--match-emails': 'emails' };
/** Flags left out of the replayable arguments (with their value when they take one). */
const DROPPED_WITH_VALUE = new Set(['--target-org', '-o', '--record', '--output-file', '--result-format', '-r']);
const DROPPED = new Set(['--json']);

/** The run's flags as a replay passes them: input files copied into DIR/inputs, Ids scrubbed. */
export const replayableArgs = async (argv: string[], dir: string, scrub: Scrubber): Promise<string[]> => {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].startsWith('--') && argv[i].includes('=') ? [argv[i].slice(0, argv[i].indexOf('=')), argv[i].slice(argv[i].indexOf('=') + 1)] : [argv[i], undefined];
    const valueOf = (): string => inline ?? argv[++i] ?? '';
    if (DROPPED.has(flag)) continue;
    if (DROPPED_WITH_VALUE.has(flag)) {
      valueOf();
      continue;
    }
    if (flag in FILE_FLAGS) {
      const file = valueOf();
      const target = join('inputs', `${FILE_FLAGS[flag]}${extname(file) || ''}`);
      // eslint-disable-next-line no-await-in-loop
      await mkdir(join(dir, 'inputs'), { recursive: true });
      // eslint-disable-next-line no-await-in-loop
      await copyFile(file, join(dir, target));
      out.push(flag.startsWith('--') ? flag : '--manifest', target);
      continue;
    }
    out.push(scrub.text(argv[i]));
  }
  return out;
};

export type Recording = {
  dir: string;
  /** Writes the outcome into recording.json once every exchange is on disk. */
  finish(outcome: RecordingOutcome): Promise<void>;
};

/** A directory check --record may write to: absent, empty, or an earlier recording (which is replaced). */
const prepareDir = async (dir: string): Promise<void> => {
  const entries = await readdir(dir).catch(() => undefined);
  if (entries && entries.length > 0) {
    const meta = await readFile(join(dir, 'recording.json'), 'utf8').catch(() => '');
    if (!meta.includes(RECORDING_FORMAT)) throw messages.createError('error.RecordingDirNotEmpty', [dir]);
    await rm(join(dir, 'exchanges'), { recursive: true, force: true });
    await rm(join(dir, 'inputs'), { recursive: true, force: true });
  }
  await mkdir(join(dir, 'exchanges'), { recursive: true });
};

/**
 * Start recording `conn` into `dir` (created; an earlier recording there is replaced). Every exchange is
 * written as it completes, so a run that fails still leaves what the org answered.
 */
export const startRecording = async (
  conn: Connection,
  dir: string,
  run: { command: string; argv: string[]; plugin: string }
): Promise<Recording> => {
  await prepareDir(dir);
  const scrub = new Scrubber({ secrets: [conn.accessToken ?? undefined, conn.refreshToken ?? undefined], instanceUrl: conn.instanceUrl });
  const meta: RecordingMeta = {
    format: RECORDING_FORMAT,
    version: 1,
    recordedAt: new Date().toISOString(),
    plugin: run.plugin,
    command: run.command,
    args: await replayableArgs(run.argv, dir, scrub),
    apiVersion: conn.getApiVersion(),
    instanceUrl: RECORDED_INSTANCE_URL,
  };
  const writeMeta = (): Promise<void> => writeFile(join(dir, 'recording.json'), `${JSON.stringify(meta, null, 2)}\n`);
  await writeMeta();
  let seq = 0;
  const writes: Array<Promise<void>> = [];
  recordRequests(conn, (raw) => {
    const exchange = scrubExchange(raw, ++seq, scrub, conn.instanceUrl);
    writes.push(writeFile(join(dir, 'exchanges', `${String(exchange.seq).padStart(4, '0')}.json`), `${JSON.stringify(exchange, null, 2)}\n`));
  });
  return {
    dir,
    finish: async (outcome): Promise<void> => {
      await Promise.all(writes);
      meta.outcome = scrub.json(outcome) as RecordingOutcome;
      await writeMeta();
    },
  };
};

/** The outcome of a run that ended with an error (no verdict). */
export const errorOutcome = (error: unknown): RecordingOutcome => {
  const e = (error ?? {}) as { name?: unknown; exitCode?: unknown; data?: { salesforceErrorCode?: unknown } };
  const code = e.data?.salesforceErrorCode;
  return {
    exitCode: typeof e.exitCode === 'number' ? e.exitCode : 1,
    error: { name: typeof e.name === 'string' ? e.name : 'Error', ...(typeof code === 'string' ? { salesforceErrorCode: code } : {}) },
  };
};

/** The outcome of a check as a recording keeps it: each user's verdict per requirement. */
export const outcomeOf = (
  exitCode: number,
  report: { users: Array<{ username: string; passed: boolean; findings: Array<{ requirement: string; kind: string; status: string }> }> }
): RecordingOutcome => ({
  exitCode,
  users: report.users.map((u) => ({
    username: u.username,
    passed: u.passed,
    findings: u.findings.map((f) => ({ requirement: f.requirement, kind: f.kind, status: f.status })),
  })),
});
