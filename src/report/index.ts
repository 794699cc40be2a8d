/*
 * The check report: what `sf integration check --json` returns and every renderer reads, its summary, and
 * the one rule that turns it into an exit code.
 */
import type { Summary, UserVerdict } from '../evaluation/types.js';
import type { OrgInfo, OrgSnapshot, UnresolvedUser } from '../snapshot/types.js';
import type { Requirements } from '../requirements/types.js';
import type { Diagnosis } from '../diagnose/index.js';
import type { ExcessSummary } from '../excess/types.js';
import type { Drift } from '../drift/types.js';

export type ReportIntegration = {
  name: string;
  label: string;
  source?: string;
  /** preset:NAME or the manifest path */
  origin: string;
  features: string[];
};

/** The org as the snapshot read it (edition, sandbox or production, API usage). */
export type ReportOrg = OrgInfo;

export type CheckReport = {
  integration: ReportIntegration;
  org: ReportOrg;
  app?: string;
  users: UserVerdict[];
  /** Requested users (or emails from --match-emails) that matched no single active user */
  unresolvedUsers: UnresolvedUser[];
  summary: Summary;
  /** With --diagnose CODE: the chain of causes of that error, one entry per user */
  diagnosis?: Diagnosis[];
  /** With --excess: excess items by tier over all users, and the --fail-on-excess gate */
  excess?: ExcessSummary;
  /** With --baseline FILE: what changed since that earlier check */
  drift?: Drift;
};

/** Finding counts by status over every verdict. */
export const summarize = (verdicts: UserVerdict[]): Summary => {
  const summary: Summary = { passed: 0, failed: 0, warnings: 0, skipped: 0, errors: 0 };
  for (const verdict of verdicts) {
    for (const f of verdict.findings) {
      if (f.status === 'pass') summary.passed++;
      else if (f.status === 'fail') summary.failed++;
      else if (f.status === 'warn') summary.warnings++;
      else if (f.status === 'skip') summary.skipped++;
      else summary.errors++;
    }
  }
  return summary;
};

export const buildReport = (requirements: Requirements, snapshot: OrgSnapshot, verdicts: UserVerdict[], app?: string): CheckReport => ({
  integration: {
    name: requirements.name,
    label: requirements.label,
    source: requirements.source,
    origin: requirements.origin,
    features: requirements.features,
  },
  org: { ...snapshot.org },
  app,
  users: verdicts,
  unresolvedUsers: snapshot.unresolvedUsers,
  summary: summarize(verdicts),
});

/** 0 when every required item is met, 3 when anything is missing or impossible (or a user is unresolved). */
export const exitCodeOf = (report: CheckReport): 0 | 3 =>
  report.users.some((u) => !u.passed) || report.unresolvedUsers.length > 0 ? 3 : 0;

