/*
 * Defects (one problem found in a manifest, with the place it was found) and the named errors the
 * requirements module throws. All user-facing text comes from messages/requirements.md.
 */
import { Messages, SfError } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'requirements');

/** A key of a mapping or an index in a list. */
export type PathSegment = string | number;

export type SourcePosition = { line: number; col: number };

/** A value a fix writes: what YAML or JSON can hold. */
export type FixValue = string | number | boolean | null | FixValue[] | { [key: string]: FixValue };

/**
 * A fix a program can apply to the parsed manifest: the concrete replacement a message suggests, from the same
 * data as its text (so the two cannot disagree). Either the value at `path` is replaced by `replaceWith`, or the
 * key at `path` (its last segment) is renamed to `renameKey`, keeping its value and place. When the message
 * offers several alternatives, `choices` lists them all (the first is `replaceWith` / `renameKey`): any one of
 * them is valid, and which one is meant is the author's choice.
 */
export type Fix =
  | { path: PathSegment[]; replaceWith: FixValue; choices?: FixValue[] }
  | { path: PathSegment[]; renameKey: string; choices?: string[] };

export type Defect = {
  /** Where in the document: [] for the whole file */
  path: PathSegment[];
  message: string;
  position?: SourcePosition;
  /** The machine-applicable form of the message's suggestion, when it suggests a concrete value */
  fix?: Fix;
};

/** A defect as InvalidManifest's error data carries it (`--json`: data.defects): the path written out. */
export type DefectData = Omit<Defect, 'path'> & { path: string };

/** InvalidManifest's error data (`--json`: data). */
export type InvalidManifestData = { file: string; defects: DefectData[] };

/** Errors thrown by the requirements module, by name. */
export const ERROR_NAMES = {
  invalidManifest: 'InvalidManifest',
  manifestNotFound: 'ManifestNotFound',
  manifestUnreadable: 'ManifestUnreadable',
  unknownPreset: 'UnknownPreset',
  unknownFeature: 'UnknownFeature',
} as const;

/** Most defects listed in one error; the rest are counted. */
export const MAX_DEFECTS_SHOWN = 20;

const SIMPLE_KEY = /^[A-Za-z0-9_$?-]+$/;

/** `objects.Contact.access[1]`; keys that are not simple names are quoted: `objects["Contact Email"]`. */
export const formatPath = (path: readonly PathSegment[]): string => {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment)) out += out.length > 0 ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
};

/** Text of one message; every %s is filled, so a message never shows a bare specifier or `undefined`. */
export const text = (key: string, ...tokens: Array<string | number>): string =>
  messages.getMessage(
    key,
    tokens.map((token) => String(token))
  );

export const messageList = (key: string, ...tokens: Array<string | number>): string[] =>
  messages.getMessages(
    key,
    tokens.map((token) => String(token))
  );

/** `"a", "b" or "c"` */
export const quotedList = (values: readonly string[]): string => {
  const quoted = values.map((value) => JSON.stringify(value));
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} ${text('or')} ${quoted[quoted.length - 1]}`;
};

/** `(did you mean "read"?)`, or '' when there is nothing to suggest. */
export const didYouMean = (suggestions: readonly string[]): string =>
  suggestions.length > 0 ? text('didYouMean', quotedList(suggestions)) : '';

/** A hint's text and the fix it describes, made from the same values. */
export type Hint = { text: string; fix?: Fix };

/** Replace the value at `path` with `values[0]` (or any of `values`). */
export const replaceFix = (path: readonly PathSegment[], values: readonly FixValue[]): Fix | undefined =>
  values.length === 0 ? undefined : { path: [...path], replaceWith: values[0], ...(values.length > 1 ? { choices: [...values] } : {}) };

/** Rename the key at `path` to `names[0]` (or any of `names`). */
export const renameFix = (path: readonly PathSegment[], names: readonly string[]): Fix | undefined =>
  names.length === 0 ? undefined : { path: [...path], renameKey: names[0], ...(names.length > 1 ? { choices: [...names] } : {}) };

/** `(did you mean "read"?)` and the fix that writes the suggestion in place of the value at `path`. */
export const didYouMeanValue = (path: readonly PathSegment[], suggestions: readonly string[]): Hint => ({
  text: didYouMean(suggestions),
  fix: replaceFix(path, suggestions),
});

/** `(did you mean "access"?)` and the fix that renames the key at `path` to the suggestion. */
export const didYouMeanKey = (path: readonly PathSegment[], suggestions: readonly string[]): Hint => ({
  text: didYouMean(suggestions),
  fix: renameFix(path, suggestions),
});

/** Shows a value the user wrote, short enough for one line. */
export const showValue = (value: unknown): string => {
  let shown: string;
  if (typeof value === 'string') shown = value;
  else {
    try {
      shown = JSON.stringify(value) ?? String(value);
    } catch {
      shown = String(value);
    }
  }
  // eslint-disable-next-line no-control-regex
  shown = shown.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
};

/** Collects the defects of one manifest. */
export class DefectList {
  private readonly items: Defect[] = [];

  public get size(): number {
    return this.items.length;
  }

  public add(path: readonly PathSegment[], message: string, fix?: Fix): void {
    this.items.push({ path: [...path], message: message.trim(), ...(fix ? { fix } : {}) });
  }

  public all(): Defect[] {
    return [...this.items];
  }
}

/** One line of the InvalidManifest message: `file:line:col: path: message`. */
export const formatDefect = (file: string, defect: Defect): string => {
  const where = defect.position ? `${file}:${defect.position.line}:${defect.position.col}` : file;
  const path = formatPath(defect.path);
  return path ? `${where}: ${path}: ${defect.message}` : `${where}: ${defect.message}`;
};

/** Sorts by position in the file (defects without a position keep their order, after those with one). */
export const sortDefects = (defects: Defect[]): Defect[] =>
  defects
    .map((defect, index) => ({ defect, index }))
    .sort((a, b) => {
      const pa = a.defect.position;
      const pb = b.defect.position;
      if (pa && pb) return pa.line - pb.line || pa.col - pb.col || a.index - b.index;
      if (pa) return -1;
      if (pb) return 1;
      return a.index - b.index;
    })
    .map((entry) => entry.defect);

/** Optional hints are the last token of a message: an empty one leaves only trailing space. */
const tidy = (message: string): string => message.trim();

export const invalidManifestError = (file: string, defects: Defect[], preset = false): SfError => {
  const sorted = sortDefects(defects.map((defect) => ({ ...defect, message: tidy(defect.message) })));
  const shown = sorted.slice(0, MAX_DEFECTS_SHOWN).map((defect) => formatDefect(file, defect));
  if (sorted.length > MAX_DEFECTS_SHOWN) shown.push(text('problems.more', sorted.length - MAX_DEFECTS_SHOWN));
  const count = sorted.length === 1 ? text('problems.one') : text('problems.many', sorted.length);
  const actions = preset ? messageList('error.InvalidPreset.actions') : messageList('error.InvalidManifest.actions');
  const error = new SfError(
    text('error.InvalidManifest', file, count, shown.join('\n')),
    ERROR_NAMES.invalidManifest,
    actions
  );
  const data: InvalidManifestData = { file, defects: sorted.map((d) => ({ ...d, path: formatPath(d.path) })) };
  error.setData(data);
  return error;
};

export const namedError = (
  name: (typeof ERROR_NAMES)[keyof typeof ERROR_NAMES],
  key: string,
  tokens: Array<string | number>,
  actionTokens: Array<string | number> = []
): SfError => {
  let actions: string[] | undefined;
  try {
    actions = messageList(`${key}.actions`, ...actionTokens);
  } catch {
    actions = undefined;
  }
  return new SfError(text(key, ...tokens), name, actions);
};
