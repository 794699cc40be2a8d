/* "Did you mean" suggestions by edit distance. */
import { distance } from 'fastest-levenshtein';

export type Candidate = {
  /** What the user could write (a name or a label) */
  text: string;
  /** What it stands for; two candidates with the same target are one suggestion */
  target: string;
  /** What to suggest when this candidate is near, if not `text` (e.g. the API name for a label several permissions share) */
  suggestion?: string;
};

/** Lowercase, whitespace collapsed: how labels and names are compared. */
export const normaliseText = (value: string): string => value.trim().replace(/\s+/g, ' ').toLowerCase();

/** Largest edit distance still worth suggesting for an input of this length. */
const threshold = (length: number): number => Math.max(2, Math.round(length * 0.3));

/** How much farther than the nearest candidate another one may be and still be suggested beside it. */
const MARGIN = 1;

/**
 * Up to `max` candidates closest to the input (case-insensitive), nearest first, at most one per
 * target. A candidate that starts with the input also counts as near (`ModifyAll` → `ModifyAllData`).
 * Only the closest ones are given: a candidate more than MARGIN edit farther than the nearest is left
 * out ("Manage Connected App" suggests "Manage Connected Apps", not also "Manage Connections";
 * `systemPermission` suggests systemPermissions, not also customPermissions).
 * Suggestions are always candidate texts, never text made from the input.
 */
const normalisedTexts = new WeakMap<readonly Candidate[], string[]>();

export const suggest = (input: string, candidates: readonly Candidate[], max = 3): string[] => {
  const wanted = normaliseText(input);
  if (wanted.length === 0) return [];
  const limit = threshold(wanted.length);
  let texts = normalisedTexts.get(candidates);
  if (!texts) {
    texts = candidates.map((candidate) => normaliseText(candidate.text));
    normalisedTexts.set(candidates, texts);
  }
  const best = new Map<string, { text: string; score: number }>();
  for (let i = 0; i < candidates.length; i++) {
    const candidate = candidates[i];
    const other = texts[i];
    if (Math.abs(other.length - wanted.length) > limit && !(wanted.length >= 4 && other.startsWith(wanted))) continue;
    let score = distance(wanted, other);
    // a longer name that starts with the input: near, but less so the more it adds
    if (wanted.length >= 4 && other.startsWith(wanted)) score = Math.min(score, 1 + (other.length - wanted.length) / 4);
    if (score > limit) continue;
    const known = best.get(candidate.target);
    if (!known || score < known.score) best.set(candidate.target, { text: candidate.suggestion ?? candidate.text, score });
  }
  const ranked = [...best.values()].sort((a, b) => a.score - b.score || a.text.localeCompare(b.text));
  if (ranked.length === 0) return [];
  const cutoff = ranked[0].score + MARGIN;
  const closest = ranked.filter((entry) => entry.score <= cutoff).map((entry) => entry.text);
  return [...new Set(closest)].slice(0, max);
};
