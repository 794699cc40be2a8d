/* Flags → Requirements: the part of check and grant that reads a preset or a manifest file. */
import { readFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import { applyFeatures, featureSelection, loadManifestFile, loadPreset, permissionLabel } from '../requirements/index.js';
import type { Requirements } from '../requirements/types.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'shared');

/**
 * The data-file knowledge evaluation and diagnosis use (Setup labels of system permissions), loaded
 * here by the command: src/evaluation and src/diagnose never read files.
 */
export const evaluationOptions = (): { permissionLabel: (apiName: string) => string | undefined } => ({ permissionLabel });

export type RequirementsFlags = { preset?: string; manifest?: string; feature?: string[] };

export const loadRequirements = async (flags: RequirementsFlags): Promise<Requirements> => {
  if (!flags.preset && !flags.manifest) throw messages.createError('error.NoRequirements');
  const manifest = flags.preset ? await loadPreset(flags.preset) : await loadManifestFile(flags.manifest!);
  return applyFeatures(manifest, featureSelection(flags.feature));
};

/**
 * One username, email or Id per line; blank lines and `#` comments (a line starting with `#`, or `#`
 * after whitespace — `#` inside an address is kept) ignored; duplicates removed case-insensitively;
 * CRLF line ends and a UTF-8 byte order mark tolerated.
 */
export const readUserList = async (file: string): Promise<string[]> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw messages.createError('error.UsersFileUnreadable', [file, error instanceof Error ? error.message : String(error)]);
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || seen.has(line.toLowerCase())) continue;
    seen.add(line.toLowerCase());
    out.push(line);
  }
  if (out.length === 0) throw messages.createError('error.UsersFileEmpty', [file]);
  return out;
};

/** Everyone to check: --user values, then --users-file lines, then --match-emails lines (deduplicated). */
export const collectUsers = async (
  flags: { user?: string[]; 'users-file'?: string; 'match-emails'?: string },
  defaultUsername: string | undefined
): Promise<{ users: string[]; emails: string[] }> => {
  const users = [...(flags.user ?? [])];
  if (flags['users-file']) users.push(...(await readUserList(flags['users-file'])));
  const emails = flags['match-emails'] ? await readUserList(flags['match-emails']) : [];
  for (const email of emails) {
    if (!email.includes('@')) throw messages.createError('error.NotAnEmail', [email, flags['match-emails'] ?? '']);
  }
  const all = [...users, ...emails];
  if (all.length === 0 && defaultUsername) all.push(defaultUsername);
  const seen = new Set<string>();
  return { users: all.filter((u) => (seen.has(u.toLowerCase()) ? false : (seen.add(u.toLowerCase()), true))), emails };
};
