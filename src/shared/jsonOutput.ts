/*
 * Writing the --json envelope. sf-plugins-core prints it through oclif's colorizeJson, which tokenises the
 * whole text into one object per token: for a 1,000-user check (a ~20 MB envelope) that alone took the
 * process past 500 MB. Colour only helps a person at a terminal, so the envelope is colourised only there
 * and only while it is small; everywhere else (pipes, files, CI) it is written as plain JSON text.
 */

/** Above this many characters the envelope is written plain even on a terminal. */
export const COLOR_JSON_MAX_CHARS = 256 * 1024;

/**
 * Writes `json` as indented JSON to stdout unless the colourised form is wanted (a terminal, a small
 * envelope): then `colorize` is called instead. Returns whether it wrote the plain form.
 */
export const writeJsonEnvelope = (
  json: unknown,
  colorize: (json: unknown) => void,
  out: Pick<NodeJS.WriteStream, 'write' | 'isTTY'> = process.stdout
): boolean => {
  const text = JSON.stringify(json, null, 2);
  if (out.isTTY && text.length <= COLOR_JSON_MAX_CHARS) {
    colorize(json);
    return false;
  }
  out.write(`${text}\n`);
  return true;
};
