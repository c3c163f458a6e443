import { readFileSync, statSync } from 'node:fs';
import { ErrorCodes, TsdbtError } from './errors.js';

/**
 * The largest project file tsdbt reads (a model, a YAML file, a seed): 256 MiB. A file larger than
 * that is a mistake (or a link to a device), and reading it whole would exhaust memory.
 */
export const MAX_PROJECT_FILE_BYTES = 256 * 1024 * 1024;

/**
 * Reads a file tsdbt is given (`shown` is how the user sees its path): only a regular file (after
 * following links) no larger than MAX_PROJECT_FILE_BYTES. A folder, a FIFO (which would block
 * forever) or a device such as /dev/zero (which never ends) is refused with PROJECT_FILE_UNREADABLE.
 */
export function readRegularProjectFile(file: string, shown: string): string {
  const stats = statSync(file);
  if (!stats.isFile()) {
    const what = stats.isDirectory()
      ? 'a folder'
      : stats.isFIFO()
        ? 'a named pipe (FIFO)'
        : stats.isCharacterDevice() || stats.isBlockDevice()
          ? 'a device'
          : stats.isSocket()
            ? 'a socket'
            : 'not a regular file';
    throw new TsdbtError({
      code: ErrorCodes.PROJECT_FILE_UNREADABLE,
      message: `${shown} is ${what}; tsdbt reads only regular files.`,
      file: shown,
      hint: `Replace ${shown} with a regular file (or remove it); a link must point at a regular file.`,
    });
  }
  if (stats.size > MAX_PROJECT_FILE_BYTES) {
    throw new TsdbtError({
      code: ErrorCodes.PROJECT_FILE_UNREADABLE,
      message: `${shown} is ${stats.size.toLocaleString('en-US')} bytes, more than the ${MAX_PROJECT_FILE_BYTES.toLocaleString('en-US')} bytes tsdbt reads from one project file.`,
      file: shown,
      hint: 'Split it, or load large data with ingestion or a ClickHouse table function instead of a project file.',
    });
  }
  return readFileSync(file, 'utf8');
}
