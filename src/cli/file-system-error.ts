import { ErrorCodes, TsdbtError } from '../core/errors.js';

/** Why a file system call failed, said for a person (Node's error codes). */
const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'something else already stands there',
  ENOENT: 'it does not exist',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many files are open',
};

/** What tsdbt was doing, by the system call that failed. */
const ACTIONS: Record<string, string> = {
  mkdir: 'create the folder',
  open: 'open',
  write: 'write',
  rename: 'replace',
  unlink: 'remove',
  rmdir: 'remove the folder',
  rm: 'remove',
  scandir: 'list the folder',
  stat: 'look at',
  copyfile: 'copy to',
};

/**
 * A Node file system error (it has a `code` and a `path`) as a TsdbtError: a target/ folder that
 * cannot be written is the machine's state, not a bug in tsdbt, and deserves no stack trace.
 * Errors thrown on a worker thread (the compiled-file writer) keep these fields.
 */
export function fileSystemError(error: unknown): TsdbtError | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path, syscall } = error as NodeJS.ErrnoException;
  if (code === undefined || typeof path !== 'string' || !(code in REASONS)) return undefined;
  const action = (syscall !== undefined && ACTIONS[syscall]) || 'use';
  return new TsdbtError({
    code: ErrorCodes.FILE_ACCESS,
    message: `tsdbt could not ${action} ${path}: ${REASONS[code]} (${code}).`,
    hint: "Check that this user can write the project's target-path and logs, that no file stands where a folder should be, and that the disk has room; `tsdbt clean` removes target/.",
    cause: error,
  });
}
