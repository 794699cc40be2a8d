/*
 * Drift (`sf integration check --baseline FILE`): how this check differs from a previous `check --json`
 * result. Plain data, carried in the check's --json result (`result.drift`) and shown in every format.
 */
import type { FindingKind, FindingStatus } from '../evaluation/types.js';
import type { ExcessItem } from '../excess/types.js';

/** One requirement item of one user whose verdict changed. `absent`: not checked in that run. */
export type FindingChange = {
  username: string;
  kind: FindingKind;
  requirement: string;
  /** Manifest path of the requirement */
  path: string;
  before: FindingStatus | 'absent';
  after: FindingStatus | 'absent';
  /** The current finding's message (the baseline's when the item is no longer checked) */
  message: string;
};

/** An excess item with what is new in it since the baseline (all of it when the item is new). */
export type ExcessChange = {
  username: string;
  item: ExcessItem;
  /** What is new: the whole item, or the accesses / fields added to an object's excess since the baseline */
  added: string[];
};

/** An excess item of the baseline the user no longer holds. */
export type ExcessRemoval = { username: string; key: string; item: string };

/**
 * A user of the baseline who is not checked now, or who is no longer active:
 * `notFound` (no such user now), `inactive` (deactivated, or the email now matches only inactive users),
 * `frozen`, or `notChecked` (not asked for in this run).
 */
export type UserGone = { username: string; reason: 'notFound' | 'inactive' | 'frozen' | 'notChecked'; message: string };

export type Drift = {
  /** What the baseline was */
  baseline: { integration: string; org: string; users: string[] };
  /** Items that now fail or are impossible and did not before (including items new to the manifest) */
  newlyFailing: FindingChange[];
  /** Items that failed or were impossible and now pass (or warn) */
  newlyPassing: FindingChange[];
  /** Excess held now and not in the baseline; empty when either run was without --excess (see excessCompared) */
  newlyExcess: ExcessChange[];
  /** Excess of the baseline no longer held */
  noLongerExcess: ExcessRemoval[];
  /** False when the baseline or this run has no excess list (one of them ran without --excess) */
  excessCompared: boolean;
  usersGone: UserGone[];
  /** Users checked now that the baseline did not check */
  usersNew: string[];
  /** Whether anything got worse: newly failing items or users gone, inactive or frozen (what `--fail-on new` fails on) */
  hasNewFailures: boolean;
};
