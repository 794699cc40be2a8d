/*
 * Writing the --json envelope. sf-plugins-core prints it through oclif's colorizeJson, which tokenises the
 * whole text into one object per token: for a 1,000-user check (a ~20 MB envelope) that alone took the
 * process past 500 MB. Colour only helps a person at a terminal, so the envelope is colourised only there
 * and only while it is small; everywhere else (pipes, files, CI) it is written as plain JSON text.
 */

/** Above this many characters the envelope is written plain even on a terminal. */
export const COLOR_JSON_MAX_CHARS = 256 * 1024;

/**
 * sf-plugins-core writes an error's `cause` as `util.inspect(cause)`, which is the text "undefined" for an
 * error without one: that field is left out instead (an org error's cause is Salesforce's `CODE: message`).
 */
export const withoutUndefinedCause = (json: unknown): unknown => {
  if (!json || typeof json !== 'object' || (json as { cause?: unknown }).cause !== 'undefined') return json;
  const rest = { ...(json as Record<string, unknown>) };
  delete rest.cause;
  return rest;
};

/**
 * Writes `json` as indented JSON to stdout unless the colourised form is wanted (a terminal, a small
 * envelope): then `colorize` is called instead. Returns whether it wrote the plain form.
 */
export const writeJsonEnvelope = (
  envelope: unknown,
  colorize: (json: unknown) => void,
  out: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stdout
): boolean => {
  const json = withoutUndefinedCause(envelope);
  const text = JSON.stringify(json, null, 2);
  if (out.isTTY && text.length <= COLOR_JSON_MAX_CHARS) {
    colorize(json);
    return false;
  }
  out.write(`${text}\n`);
  return true;
};
