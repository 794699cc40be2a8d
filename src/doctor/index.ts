/*
 * sf integration doctor: run every query shape the reader relies on against the org, read-only, and say
 * which the org accepts, which it refuses (with Salesforce's error code) and which did not apply. The
 * reader itself is run (readSnapshot, as check and grant run it, for a small probe manifest) while
 * batch.ts's probe watches each query it sends, so the shapes are the reader's own, never a copy.
 */
import type { Connection } from '@salesforce/core';
import { applyFeatures, parseManifest } from '../requirements/index.js';
import { probeQueries, type ProbedQuery } from '../snapshot/batch.js';
import { readSnapshot } from '../snapshot/read.js';
import type { AppPolicies } from '../snapshot/types.js';
import { SHAPES, shapeOf } from './shapes.js';

export type ShapeStatus = 'ok' | 'refused' | 'notApplicable';

export type ShapeResult = {
  /** the reader's name for the query (batch key) */
  shape: string;
  /** what it reads */
  reads: string;
  status: ShapeStatus;
  /** the reader can do without it (the check goes on, without what it reads) */
  optional: boolean;
  /** the SOQL sent (with LIMIT 1 from the second round on, where allowed), or the describe */
  query?: string;
  api?: 'rest' | 'tooling';
  rows?: number;
  /** refused: Salesforce's error code and message */
  salesforceErrorCode?: string;
  salesforceMessage?: string;
  /** notApplicable: when the reader sends it */
  when?: string;
  /** what about this shape is assumed from documentation, not verified against a real org */
  unverified?: string;
};

export type DoctorResult = {
  org: { name: string; edition: string; isSandbox: boolean; apiVersion: string; instanceUrl: string };
  runningUser: string;
  probedUser: string;
  app: string;
  shapes: ShapeResult[];
  summary: { ok: number; refused: number; notApplicable: number };
};

/** A name no app has: the app shapes run (and find nothing) without --app. */
export const PROBE_APP = 'sf_integration_access_doctor_probe';

/** The probe: one permission, one object with a field, so every shape of round 1 and 2 is built. */
const PROBE_MANIFEST = `name: doctor-probe
label: sf integration doctor probe
systemPermissions: [ApiEnabled]
objects:
  Account:
    access: [read]
    fields:
      read: [Phone]
`;

const split = (error: string): { code: string; message: string } => {
  const i = error.indexOf(': ');
  return i < 0 ? { code: error, message: '' } : { code: error.slice(0, i), message: error.slice(i + 2) };
};

/** One result per shape: those the reader sent (first query of each), then those it did not. */
export const shapeResults = (sent: ProbedQuery[]): ShapeResult[] => {
  const results: ShapeResult[] = [];
  const seen = new Set<string>();
  for (const q of sent) {
    const shape = shapeOf(q.key);
    const info = SHAPES[shape];
    const existing = results.find((r) => r.shape === shape);
    if (existing) {
      // a shape sent several times (chunks, one per user): refused if any was
      if (q.status === 'refused' && existing.status === 'ok') Object.assign(existing, refusal(q));
      continue;
    }
    seen.add(shape);
    results.push({
      shape,
      reads: info?.reads ?? q.key,
      status: q.status,
      optional: q.optional,
      query: q.soql ?? (q.describe ? `describe ${q.describe}` : undefined),
      api: q.tooling ? 'tooling' : 'rest',
      rows: q.rows,
      ...(q.status === 'refused' ? refusal(q) : {}),
      ...(info?.unverified ? { unverified: info.unverified } : {}),
    });
  }
  for (const [shape, info] of Object.entries(SHAPES)) {
    if (!seen.has(shape)) results.push({ shape, reads: info.reads, status: 'notApplicable', optional: false, when: info.when, ...(info.unverified ? { unverified: info.unverified } : {}) });
  }
  return results;
};

const refusal = (q: ProbedQuery): Pick<ShapeResult, 'status' | 'salesforceErrorCode' | 'salesforceMessage'> => {
  const { code, message } = split(q.error ?? 'UNKNOWN');
  return { status: 'refused', salesforceErrorCode: code, ...(message ? { salesforceMessage: message } : {}) };
};

/**
 * Run the reader's queries for `user` (default: the running user) and `app` (default: a name no app has)
 * and report each shape. Errors that stop every query (session, API disabled, daily limit) are thrown.
 */
export const runDoctor = async (conn: Connection, options: { user?: string; app?: string } = {}): Promise<DoctorResult> => {
  const requirements = applyFeatures(parseManifest(PROBE_MANIFEST, 'sf integration doctor', 'yaml'), []);
  const runningUser = conn.getUsername() ?? '';
  const probedUser = options.user ?? runningUser;
  const app = options.app ?? PROBE_APP;
  const probe = probeQueries(conn);
  const snapshot = await readSnapshot(conn, requirements, { users: [probedUser], app, includeDependencies: true, crossCheck: true });
  const shapes = withEcaPolicyLists(shapeResults(probe.queries), snapshot.app ?? undefined);
  const count = (status: ShapeStatus): number => shapes.filter((s) => s.status === status).length;
  return {
    org: {
      name: snapshot.org.name,
      edition: snapshot.org.edition,
      isSandbox: snapshot.org.isSandbox,
      apiVersion: snapshot.org.apiVersion,
      instanceUrl: snapshot.org.instanceUrl,
    },
    runningUser,
    probedUser,
    app,
    shapes,
    summary: { ok: count('ok'), refused: count('refused'), notApplicable: count('notApplicable') },
  };
};

/**
 * The ECA policies' readMetadata is no SOQL query, so the probe does not see it: reported from the snapshot
 * (src/snapshot/ecaPolicies.ts). Refused (NOT_FOUND) when it could not be read: no component has the policy row's
 * DeveloperName, or the org refused the read.
 */
const withEcaPolicyLists = (shapes: ShapeResult[], app: AppPolicies | undefined): ShapeResult[] => {
  if (app?.kind !== 'externalClientApp') return shapes;
  const info = SHAPES.ecaPolicyLists;
  const result: ShapeResult = app.preAuthorized
    ? { shape: 'ecaPolicyLists', reads: info.reads, status: 'ok', optional: false, query: `readMetadata ExtlClntAppOauthConfigurablePolicies ${app.preAuthorized.policyName}`, unverified: info.unverified ?? '' }
    : { shape: 'ecaPolicyLists', reads: info.reads, status: 'refused', optional: false, salesforceErrorCode: 'NOT_FOUND', salesforceMessage: `the ExtlClntAppOauthConfigurablePolicies named by the ExtlClntAppOauthPlcyCnfg DeveloperName of ${app.name} could not be read (refused, or no component of that name)`, unverified: info.unverified ?? '' };
  return [...shapes.filter((s) => s.shape !== 'ecaPolicyLists'), result];
};

/** 0: every shape sent was accepted; 3: the org refused at least one. */
export const doctorExitCode = (result: DoctorResult): number => (result.summary.refused > 0 ? 3 : 0);
