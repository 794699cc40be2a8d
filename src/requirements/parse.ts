/*
 * Text → data, with positions: YAML 1.2 through the `yaml` library, strict JSON through JSON.parse
 * (and the `yaml` parser again, for line:column of later problems and for duplicate keys).
 * Guards against oversized input, binary data, alias bombs and runaway nesting.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, type YAMLError } from 'yaml';
import { type Defect, type PathSegment, type SourcePosition, text } from './errors.js';

export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** Aliases (`*name`) a document may expand; more is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 100;
/** Nesting a manifest may have; a real one needs 7 (features.f.objects.O.fields.read[0]). */
export const MAX_DEPTH = 24;

export type ManifestFormat = 'yaml' | 'json';

/** Position of a path in the source: of the key when `at` is 'key', else of the value; the nearest existing ancestor otherwise. */
export type Locator = (path: readonly PathSegment[], at?: 'key' | 'value') => SourcePosition | undefined;

export type ParsedText = {
  /** Parsed data; undefined when the text could not be parsed (see defects) */
  value?: unknown;
  defects: Defect[];
  locate: Locator;
};

const noLocation: Locator = () => undefined;

const positionAt = (source: string, offset: number): SourcePosition => {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, source.length);
  for (let i = 0; i < end; i++) {
    if (source.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: end - lineStart + 1 };
};

/** Checks that apply to any text: size, binary content, emptiness. */
const checkText = (source: string, format: ManifestFormat): Defect[] => {
  const bytes = Buffer.byteLength(source, 'utf8');
  if (bytes > MAX_MANIFEST_BYTES) return [{ path: [], message: text('defect.tooLarge', bytes, MAX_MANIFEST_BYTES) }];
  // eslint-disable-next-line no-control-regex
  const binary = /[\u0000-\u0008\u000e-\u001a\u001c-\u001f]/.exec(source);
  if (binary) {
    const code = `\\u${binary[0].charCodeAt(0).toString(16).padStart(4, '0')}`;
    return [{ path: [], message: text('defect.binary', code, binary.index), position: positionAt(source, binary.index) }];
  }
  const meaningful = format === 'yaml' ? source.replace(/^\s*#.*$/gm, '').replace(/^\s*---\s*$/gm, '') : source;
  if (meaningful.trim().length === 0) return [{ path: [], message: text('defect.empty') }];
  return [];
};

// ---------------------------------------------------------------- positions in a yaml Document

const makeLocator = (doc: Document, lineCounter: LineCounter): Locator => {
  const pos = (node: Node | null | undefined): SourcePosition | undefined => {
    if (!node?.range) return undefined;
    const { line, col } = lineCounter.linePos(node.range[0]);
    return { line, col };
  };
  return (path, at = 'value') => {
    let node: Node | null | undefined = doc.contents;
    let best = pos(node);
    for (let i = 0; i < path.length; i++) {
      if (isAlias(node)) node = node.resolve(doc) as Node | undefined;
      const segment = path[i];
      const last = i === path.length - 1;
      if (isMap(node)) {
        const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) return best;
        const keyPos = pos(pair.key as Node);
        if (last && at === 'key') return keyPos ?? best;
        node = pair.value as Node | null;
        best = pos(node) ?? keyPos ?? best;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment] as Node | undefined;
        if (!node) return best;
        best = pos(node) ?? best;
      } else {
        return best;
      }
    }
    return best;
  };
};

/** Duplicate keys, each with the path of the mapping that holds it. */
const findDuplicateKeys = (doc: Document, lineCounter: LineCounter, messageKey: string): Defect[] => {
  const defects: Defect[] = [];
  const stack: Array<{ node: unknown; path: PathSegment[] }> = [{ node: doc.contents, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop()!;
    if (path.length > MAX_DEPTH) continue;
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const at = pair.key.range ? lineCounter.linePos(pair.key.range[0]) : undefined;
        const first = seen.get(key);
        if (first !== undefined) {
          defects.push({
            path: [...path, key],
            message: text(messageKey, key, first),
            position: at ? { line: at.line, col: at.col } : undefined,
          });
        } else {
          seen.set(key, at?.line ?? 0);
        }
        stack.push({ node: pair.value, path: [...path, key] });
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => stack.push({ node: item, path: [...path, index] }));
    }
  }
  return defects;
};

/** Deeper than MAX_DEPTH? Iterative, so it cannot overflow the stack itself. */
const tooDeep = (value: unknown): boolean => {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (depth > MAX_DEPTH) return true;
    if (Array.isArray(current)) for (const item of current) stack.push({ value: item, depth: depth + 1 });
    else if (current !== null && typeof current === 'object')
      for (const item of Object.values(current as Record<string, unknown>)) stack.push({ value: item, depth: depth + 1 });
  }
  return false;
};

const firstLine = (message: string): string => message.split('\n')[0].replace(/ at line \d+, column \d+:?\s*$/, '').trim();

const yamlErrorDefect = (error: YAMLError): Defect => {
  const position = error.linePos?.[0] ? { line: error.linePos[0].line, col: error.linePos[0].col } : undefined;
  switch (error.code) {
    case 'MULTIPLE_DOCS':
      return { path: [], message: text('defect.yamlMultipleDocuments'), position };
    case 'RESOURCE_EXHAUSTION':
      return { path: [], message: text('defect.tooDeep', MAX_DEPTH), position };
    case 'TAG_RESOLVE_FAILED':
    case 'BAD_COLLECTION_TYPE': {
      const tag = /tag:?\s*(\S+)/i.exec(error.message)?.[1] ?? '';
      return { path: [], message: text('defect.yamlTag', tag), position };
    }
    default:
      if (/all keys must be strings/i.test(error.message)) return { path: [], message: text('defect.yamlKeyNotText'), position };
      return { path: [], message: text('defect.yamlSyntax', firstLine(error.message)), position };
  }
};

/**
 * One syntax error is reported once: after the first, the parser's further syntax errors are mostly the same
 * mistake seen again (an unclosed bracket is also a badly indented sequence), so only the first is kept.
 */
const firstSyntaxErrorOnly = (problems: YAMLError[]): YAMLError[] => {
  const isSyntax = (e: YAMLError): boolean => e.name === 'YAMLParseError' && e.code !== 'DUPLICATE_KEY' && !/all keys must be strings/i.test(e.message);
  const first = problems.find(isSyntax);
  return problems.filter((e) => !isSyntax(e) || e === first);
};

/** The offending line of the source under the message, with a caret at the column. */
const withCaret = (defect: Defect, source: string): Defect => {
  if (!defect.position) return defect;
  const line = source.split(/\r?\n/)[defect.position.line - 1];
  if (line === undefined || line.trim() === '') return defect;
  const number = String(defect.position.line);
  const caret = `${' '.repeat(number.length)} | ${' '.repeat(Math.max(0, defect.position.col - 1))}^`;
  return { ...defect, message: `${defect.message}\n${number} | ${line}\n${caret}` };
};

const parseYamlDocument = (source: string): { doc: Document; lineCounter: LineCounter } => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    version: '1.2',
    uniqueKeys: true,
    prettyErrors: true,
    stringKeys: true,
    strict: true,
    lineCounter,
  });
  return { doc, lineCounter };
};

/**
 * Positions of manifest paths in a manifest's text (YAML or JSON, which the YAML parser reads too), for
 * reports that point at the line that asked for an item (SARIF).
 */
export const manifestLocator = (source: string): Locator => {
  const { doc, lineCounter } = parseYamlDocument(source);
  return makeLocator(doc, lineCounter);
};

/** `objects.Contact.fields.read[0]` → ['objects', 'Contact', 'fields', 'read', 0] (the form Finding.path has). */
export const pathSegments = (path: string): PathSegment[] =>
  path === ''
    ? []
    : path.split('.').flatMap((part) => {
        const [key, ...indexes] = part.split('[');
        return [...(key ? [key] : []), ...indexes.map((i) => Number(i.replace(']', '')))];
      });

const parseYaml = (source: string): ParsedText => {
  const { doc, lineCounter } = parseYamlDocument(source);
  const locate = makeLocator(doc, lineCounter);
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const duplicates = problems.some((e) => e.code === 'DUPLICATE_KEY') ? findDuplicateKeys(doc, lineCounter, 'defect.duplicateKey') : [];
    const others = firstSyntaxErrorOnly(problems)
      .filter((e) => e.code !== 'DUPLICATE_KEY' || duplicates.length === 0)
      .map((e) => withCaret(yamlErrorDefect(e), source))
      // one line per kind of problem and line: a runaway nesting gives hundreds of identical errors
      .filter((d, i, all) => all.findIndex((o) => o.message === d.message && o.position?.line === d.position?.line) === i);
    const seenTooDeep = others.findIndex((d) => d.message === text('defect.tooDeep', MAX_DEPTH));
    return {
      defects: [...duplicates, ...others.filter((d, i) => d.message !== text('defect.tooDeep', MAX_DEPTH) || i === seenTooDeep)],
      locate,
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // the yaml library throws for alias bombs, unresolved aliases and (with extreme nesting) the stack
    const message = error instanceof Error ? error.message : String(error);
    if (/excessive alias count/i.test(message)) return { defects: [{ path: [], message: text('defect.yamlAliasCount', MAX_ALIAS_COUNT) }], locate };
    if (error instanceof RangeError) return { defects: [{ path: [], message: text('defect.tooDeep', MAX_DEPTH) }], locate };
    return { defects: [{ path: [], message: text('defect.yamlAlias', firstLine(message)) }], locate };
  }
  if (tooDeep(value)) return { defects: [{ path: [], message: text('defect.tooDeep', MAX_DEPTH) }], locate };
  return { value, defects: [], locate };
};

// ---------------------------------------------------------------- strict JSON

type JsonProblem = { offset: number; message: string };

const describeChar = (ch: string | undefined): string => (ch === undefined ? 'end of file' : JSON.stringify(ch));

/**
 * Finds where and why strict JSON is invalid (JSON.parse's messages on Node 20 often lack the
 * position). Iterative; only called after JSON.parse has failed.
 */
// a tokenizer's state machine: one flat switch reads better than helpers passing the state around
// eslint-disable-next-line complexity
const findJsonProblem = (source: string): JsonProblem | undefined => {
  type Expect = 'value' | 'valueOrClose' | 'keyOrClose' | 'key' | 'colon' | 'commaOrClose' | 'end';
  const stack: Array<'{' | '['> = [];
  let expect: Expect = 'value';
  let i = 0;
  const n = source.length;
  const afterValue = (): Expect => (stack.length === 0 ? 'end' : 'commaOrClose');
  const skipSpace = (): void => {
    while (i < n && (source[i] === ' ' || source[i] === '\t' || source[i] === '\n' || source[i] === '\r')) i++;
  };
  const scanString = (): JsonProblem | undefined => {
    const start = i;
    i++;
    while (i < n) {
      const c = source.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return { offset: i, message: text('defect.jsonUnexpected', 'control character in a string', 'a closing "') };
      if (c === 0x5c) {
        const e = source[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(source.slice(i + 2, i + 6)))
            return { offset: i, message: text('defect.jsonUnexpected', 'escape sequence', '\\u followed by 4 hex digits') };
          i += 6;
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e))
          return { offset: i, message: text('defect.jsonUnexpected', `escape sequence \\${e ?? ''}`, 'one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX') };
        i += 2;
        continue;
      }
      i++;
    }
    return { offset: start, message: text('defect.jsonUnexpectedEnd') };
  };
  const number = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  for (;;) {
    skipSpace();
    const ch = source[i];
    if (ch === undefined) {
      if (expect === 'end') return undefined;
      return { offset: i, message: text('defect.jsonUnexpectedEnd') };
    }
    if (ch === '/' && (source[i + 1] === '/' || source[i + 1] === '*')) return { offset: i, message: text('defect.jsonComment') };
    if (ch === '#') return { offset: i, message: text('defect.jsonComment') };
    if (ch === "'") return { offset: i, message: text('defect.jsonSingleQuote') };
    switch (expect) {
      case 'end':
        return { offset: i, message: text('defect.jsonUnexpected', describeChar(ch), 'the end of the file after the closing bracket') };
      case 'colon':
        if (ch !== ':') return { offset: i, message: text('defect.jsonUnexpected', describeChar(ch), '":" after the key') };
        i++;
        expect = 'value';
        continue;
      case 'commaOrClose': {
        const top = stack[stack.length - 1];
        const close = top === '{' ? '}' : ']';
        if (ch === ',') {
          const comma = i;
          i++;
          expect = top === '{' ? 'key' : 'value';
          // a comma right before the closing bracket
          skipSpace();
          if (source[i] === close) return { offset: comma, message: text('defect.jsonTrailingComma', close) };
          continue;
        }
        if (ch === close) {
          i++;
          stack.pop();
          expect = afterValue();
          continue;
        }
        return { offset: i, message: text('defect.jsonUnexpected', describeChar(ch), `"," or "${close}"`) };
      }
      case 'keyOrClose':
      case 'key':
        if (ch === '}' && expect === 'keyOrClose') {
          i++;
          stack.pop();
          expect = afterValue();
          continue;
        }
        if (ch === '"') {
          const problem = scanString();
          if (problem) return problem;
          expect = 'colon';
          continue;
        }
        if (/[A-Za-z_$]/.test(ch)) {
          const word = /[A-Za-z0-9_$-]+/y;
          word.lastIndex = i;
          return { offset: i, message: text('defect.jsonUnquotedKey', word.exec(source)?.[0] ?? ch) };
        }
        return { offset: i, message: text('defect.jsonUnexpected', describeChar(ch), 'a double-quoted key') };
      case 'value':
      case 'valueOrClose':
        if (ch === ']' && expect === 'valueOrClose') {
          i++;
          stack.pop();
          expect = afterValue();
          continue;
        }
        if (ch === '{') {
          stack.push('{');
          i++;
          expect = 'keyOrClose';
          continue;
        }
        if (ch === '[') {
          stack.push('[');
          i++;
          expect = 'valueOrClose';
          continue;
        }
        if (ch === '"') {
          const problem = scanString();
          if (problem) return problem;
          expect = afterValue();
          continue;
        }
        if (source.startsWith('true', i) || source.startsWith('null', i)) {
          i += 4;
          expect = afterValue();
          continue;
        }
        if (source.startsWith('false', i)) {
          i += 5;
          expect = afterValue();
          continue;
        }
        if (stack.length === 0 && /^[A-Za-z_$][\w$ -]*:/.test(source.slice(i, i + 200))) return { offset: i, message: text('defect.jsonLooksLikeYaml') };
        number.lastIndex = i;
        if (number.exec(source)) {
          i = number.lastIndex;
          expect = afterValue();
          continue;
        }
        return { offset: i, message: text('defect.jsonUnexpected', describeChar(ch), 'a value (a "string", a number, true, false, null, { or [)') };
      default:
        return undefined;
    }
  }
};

const parseJson = (source: string): ParsedText => {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    const problem = findJsonProblem(source);
    if (problem) return { defects: [{ path: [], message: problem.message, position: positionAt(source, problem.offset) }], locate: noLocation };
    const reason = error instanceof Error ? error.message : String(error);
    return { defects: [{ path: [], message: text('defect.jsonSyntax', firstLine(reason)) }], locate: noLocation };
  }
  if (tooDeep(value)) return { defects: [{ path: [], message: text('defect.tooDeep', MAX_DEPTH) }], locate: noLocation };
  // JSON is YAML 1.2: the YAML parser gives positions and finds duplicate keys (which JSON.parse hides)
  const { doc, lineCounter } = parseYamlDocument(source);
  if (doc.errors.some((e) => e.code !== 'DUPLICATE_KEY')) return { value, defects: [], locate: noLocation };
  const locate = makeLocator(doc, lineCounter);
  return { value, defects: findDuplicateKeys(doc, lineCounter, 'defect.jsonDuplicateKey'), locate };
};

/** Parses manifest text. A leading byte order mark is ignored. */
export const parseText = (source: string, format: ManifestFormat): ParsedText => {
  const body = source.startsWith('\uFEFF') ? source.slice(1) : source;
  const defects = checkText(body, format);
  if (defects.length > 0) return { defects, locate: noLocation };
  return format === 'json' ? parseJson(body) : parseYaml(body);
};
