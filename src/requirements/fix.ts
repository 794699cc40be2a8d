/*
 * Applying a defect's fix to parsed manifest data: the replacement its message suggests, done by a program.
 * Pure: returns a new document and leaves the given one as it was.
 */
import type { Fix, FixValue, PathSegment } from './errors.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** The values a fix offers: its `choices`, else its one replacement. */
export const fixChoices = (fix: Fix): FixValue[] => fix.choices ?? ['replaceWith' in fix ? fix.replaceWith : fix.renameKey];

const setIn = (node: unknown, path: readonly PathSegment[], fix: Fix, choice: FixValue): unknown => {
  if (path.length === 0) return choice;
  const [segment, ...rest] = path;
  if (Array.isArray(node) && typeof segment === 'number' && segment < node.length) {
    return (node as unknown[]).map((item, index) => (index === segment ? setIn(item, rest, fix, choice) : item));
  }
  if (isRecord(node) && typeof segment === 'string' && Object.prototype.hasOwnProperty.call(node, segment)) {
    // a rename keeps the key's place among its siblings (and its value)
    if (rest.length === 0 && 'renameKey' in fix) {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => (key === segment ? [String(choice), value] : [key, value])));
    }
    return { ...node, [segment]: setIn(node[segment], rest, fix, choice) };
  }
  throw new Error(`fix path not found in the document at "${String(segment)}"`);
};

/**
 * The document with the fix applied: the value at fix.path replaced, or the key at fix.path renamed.
 * `choice` picks one of the fix's choices (default: the first). Throws when the path is not in the document.
 */
export const applyFix = (document: unknown, fix: Fix, choice: FixValue = fixChoices(fix)[0]): unknown =>
  setIn(document, fix.path, fix, choice);
