/*
 * Reads a baseline for `check --baseline FILE`: the output of a previous `sf integration check --json`
 * (the whole envelope, or its `result`). Errors are named, with the action to take.
 */
import { readFile } from 'node:fs/promises';
import { Messages } from '@salesforce/core';
import type { ComparableReport } from './compare.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'drift');

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const isCheckResult = (v: unknown): v is ComparableReport =>
  isObject(v) &&
  Array.isArray(v.users) &&
  v.users.every((u) => isObject(u) && typeof u.username === 'string' && Array.isArray(u.findings)) &&
  (v.unresolvedUsers === undefined || Array.isArray(v.unresolvedUsers));

/** The check result inside a parsed `check --json` output (envelope or result), or undefined. */
export const checkResultOf = (parsed: unknown): ComparableReport | undefined => {
  const candidate = isObject(parsed) && isObject(parsed.result) ? parsed.result : parsed;
  if (!isCheckResult(candidate)) return undefined;
  return { ...candidate, unresolvedUsers: candidate.unresolvedUsers ?? [] };
};

export const readBaseline = async (file: string): Promise<ComparableReport> => {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw messages.createError('error.BaselineNotReadable', [file, error instanceof Error ? error.message : String(error)]);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw messages.createError('error.BaselineNotACheckResult', [file, error instanceof Error ? error.message : String(error)]);
  }
  const result = checkResultOf(parsed);
  if (!result) throw messages.createError('error.BaselineNotACheckResult', [file, 'no "users" list with "username" and "findings"']);
  return result;
};
