/* "Did you mean" suggestions by edit distance. */
import { distance } from 'fastest-levenshtein';

export type Candidate = {
  /** What the user could write (a name or a label) */
  text: string;
  /** What it stands for; two candidates with the same target are one suggestion */
  target: string;
};

/** Lowercase, whitespace collapsed: how labels and names are compared. */
export const normaliseText = (value: string): string => value.trim().replace(/\s+/g, ' ').toLowerCase();

/** Largest edit distance still worth suggesting for an input of this length. */
const threshold = (length: number): number => Math.max(2, Math.round(length * 0.3));

/**
 * Up to `max` candidates closest to the input (case-insensitive), nearest first, at most one per
 * target. A candidate that starts with the input also counts as near (`ModifyAll` → `ModifyAllData`).
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
    if (!known || score < known.score) best.set(candidate.target, { text: candidate.text, score });
  }
  const ranked = [...best.values()].sort((a, b) => a.score - b.score || a.text.localeCompare(b.text));
  // a much worse candidate next to a near one is noise (`systemPermission` → systemPermissions, not customPermissions)
  const nearest = ranked.length > 0 ? ranked[0].score : 0;
  return ranked
    .filter((entry) => entry.score <= nearest + 2)
    .slice(0, max)
    .map((entry) => entry.text);
};
