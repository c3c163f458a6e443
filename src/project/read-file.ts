import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';

/** Reads one file of the project by its relative path, with a clear error when it is missing. */
export function readProjectFile(projectDir: string, relative: string): string {
  const file = path.join(projectDir, relative);
  if (!existsSync(file)) {
    throw new TsdbtError({ code: ErrorCodes.CONFIG_FILE_MISSING, message: `${relative} was not found in ${projectDir}.`, file: relative, hint: `Create ${relative}, or drop the option that needs it.` });
  }
  return readFileSync(file, 'utf8');
}

/** Files larger than this are refused rather than read into memory (a reply exported to disk, a sample). */
export const MAX_LOCAL_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Reads a regular file named by the user (an ingest `file:` URL), refusing devices, FIFOs and
 * folders (which would block or never end) and files over MAX_LOCAL_FILE_BYTES.
 */
export function readRegularFile(file: string): string {
  const stats = statSync(file);
  if (!stats.isFile()) {
    throw new TsdbtError({
      code: ErrorCodes.FILE_ACCESS,
      message: `${file} is not a regular file (it is ${stats.isDirectory() ? 'a folder' : 'a device, a pipe or a socket'}), so tsdbt does not read it.`,
      hint: 'Point at a file of data exported to disk.',
    });
  }
  if (stats.size > MAX_LOCAL_FILE_BYTES) {
    throw new TsdbtError({
      code: ErrorCodes.FILE_ACCESS,
      message: `${file} is ${stats.size} bytes, more than the ${MAX_LOCAL_FILE_BYTES} tsdbt reads at once.`,
      hint: 'Split the file, or land it with clickhouse-client / INSERT … FROM INFILE.',
    });
  }
  return readFileSync(file, 'utf8');
}
