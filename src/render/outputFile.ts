/*
 * --output-file: write a rendered report, creating the directories the path needs. A file that cannot be
 * written is a named error with an action (exit 1), raised only after the command has printed its verdict,
 * and it carries the finished report in its data so that nothing the check found is lost.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Messages } from '@salesforce/core';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-integration-access', 'output');

/** Why a write failed, in words (the errno code alone says little to most users). */
const reason = (error: NodeJS.ErrnoException): string => {
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
    case 'EEXIST': // mkdir -p over a file
      return 'a part of the path is a file, not a directory';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return error.code ?? error.message;
  }
};

/**
 * Write `text` (with a final newline) to `file`, creating missing parent directories.
 *
 * @throws SfError OutputFileNotWrittenError, exit code 1, data = `report`
 */
export async function writeOutputFile(file: string, text: string, format: string, report?: unknown): Promise<void> {
  const path = resolve(file);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text.endsWith('\n') ? text : `${text}\n`);
  } catch (e) {
    const cause = e as NodeJS.ErrnoException;
    const error = messages.createError('error.OutputFileNotWritten', [format, file, reason(cause)], [file], 1, cause);
    if (report !== undefined) (error as { data?: unknown }).data = report;
    throw error;
  }
}
