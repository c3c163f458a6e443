import { existsSync } from 'node:fs';
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import { readRegularProjectFile } from '../core/regular-file.js';

export { MAX_PROJECT_FILE_BYTES, readRegularProjectFile } from '../core/regular-file.js';

/** Reads one file of the project by its relative path, with a clear error when it is missing. */
export function readProjectFile(projectDir: string, relative: string): string {
  const file = path.join(projectDir, relative);
  if (!existsSync(file)) {
    throw new TsdbtError({
      code: ErrorCodes.CONFIG_FILE_MISSING,
      message: `${relative} was not found in ${projectDir}.`,
      file: relative,
      hint: `Create ${relative}, or drop the option that needs it.`,
    });
  }
  return readRegularProjectFile(file, relative);
}

/** Reads a file the user names (an ingest `file:` URL): a regular file only, with the project-file size limit. */
export function readRegularFile(file: string): string {
  return readRegularProjectFile(file, file);
}
