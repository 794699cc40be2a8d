/*
 * Message texts for the pure layers (evaluation, diagnosis, grant planning). The texts live in
 * messages/*.md in the sf messages format (`# key` headings, %s placeholders: what Messages.loadMessages
 * reads), but those layers must not touch the file system, so scripts/build/texts.cjs compiles each file
 * into a checked-in module (`*.generated.ts`: a frozen record of the texts) and this formats them.
 *
 * formatText() renders %s like util.format, which Messages.getMessage uses (so a text reads the same
 * whichever way it is loaded), without importing node:util. Only %s is used in these files; a unit test
 * checks both that and the agreement with util.format.
 */

export type TextArg = string | number;

/** One argument per %s in the text, as a tuple type: text('x', a, b) must pass exactly as many as 'x' has. */
export type Placeholders<S extends string, A extends TextArg[] = []> = S extends `${string}%s${infer Rest}`
  ? Placeholders<Rest, [...A, TextArg]>
  : A;

export type TextFunction<T extends Readonly<Record<string, string>>> = <K extends keyof T & string>(key: K, ...args: Placeholders<T[K]>) => string;

/** util.format(template, ...args) for templates whose only specifier is %s. */
export const formatText = (template: string, args: readonly TextArg[]): string => {
  if (args.length === 0) return template;
  let next = 0;
  const out = template.replace(/%[s%]/g, (spec) => {
    if (spec === '%%') return '%';
    if (next >= args.length) return spec;
    return String(args[next++]);
  });
  const rest = args.slice(next).map(String);
  return rest.length > 0 ? [out, ...rest].join(' ') : out;
};

/** The text function of one generated record: the text of the key with its %s filled in. */
export const textFunction =
  <T extends Readonly<Record<string, string>>>(texts: T): TextFunction<T> =>
  (key, ...args) => {
    const template = texts[key];
    if (template === undefined) throw new Error(`no text ${key}`);
    return formatText(template, args as TextArg[]);
  };
