/**
 * Stamps of project files (size, modification time, checksum), for commands that can tell from
 * them that nothing they read has changed since the last time (tasks/compile-stamps.ts).
 * Reading only: this layer is the one that looks at the file system.
 */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { nodeCrypto } from '../core/node-crypto.js';
import { fastStatOf, type StatOf } from './fast-stat.js';
import { IGNORED_DIRS } from './ignored-dirs.js';

/** `[size, mtimeMs, SHA-1 (base64url)]` of a file, or null when there is none (its absence is what was read). */
export type FileStamp = [size: number, mtimeMs: number, sha1: string] | null;

/** Size and modification time of a regular file (links followed), or undefined when there is none. */
export const statOf: StatOf = fastStatOf;

/**
 * The stamp of `file` now: stat first, then the checksum of its bytes. `text`, when given, is what
 * was read from the file earlier in this process: hashed instead of reading the file again when it
 * decoded without loss (no U+FFFD, which every byte that is not UTF-8 decodes to) to as many UTF-8
 * bytes as the file has now. The caller vouches that the file did not change since
 * (compile-record.ts: its time is from before the compile).
 */
export function stampOf(file: string, text?: string): FileStamp {
  const stats = statOf(file);
  if (stats === undefined) return null;
  if (text !== undefined && !text.includes('\uFFFD') && Buffer.byteLength(text) === stats.size) {
    return [stats.size, stats.mtimeMs, stampSum(text)];
  }
  const sum = checksumOfFile(file);
  return sum === undefined ? null : [stats.size, stats.mtimeMs, sum];
}

/** A file's text, or undefined when there is none or it cannot be read. */
export function readTextFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The checksum the stamps and the compile record keep: SHA-1 (base64url) of the bytes, or of a
 * text's UTF-8 bytes, which is the same for a file holding that text (a change detector, not a
 * security boundary).
 */
export function stampSum(content: string | Uint8Array): string {
  return nodeCrypto().hash('sha1', content, 'base64url');
}

/** stampSum of a file's bytes, or undefined when unreadable. */
export function checksumOfFile(file: string): string | undefined {
  try {
    return stampSum(readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * True when `file` is as `stamp` says: same size and time, or, when only the stamp moved (a
 * checkout, a `touch`), the same bytes.
 */
export function matchesStamp(file: string, stamp: FileStamp): boolean {
  const stats = statOf(file);
  if (stamp === null || stats === undefined) return stamp === null && stats === undefined;
  if (stats.size !== stamp[0]) return false;
  return stats.mtimeMs === stamp[1] || checksumOfFile(file) === stamp[2];
}

/**
 * Every file under `dirs` (relative to `projectDir`), whatever its extension, skipping what
 * readProjectFiles skips (dot names, node_modules, target, logs…): a superset of the files
 * it reads, sorted, as forward-slash paths relative to `projectDir`.
 */
export function filesUnder(projectDir: string, dirs: readonly string[]): string[] {
  return listFilesUnder(projectDir, dirs, Number.NEGATIVE_INFINITY).files;
}

/**
 * A folder's stamp, `[inode, ctimeMs]`: a folder gains, loses or renames an entry only with a new
 * change time (which no tool sets back, unlike a modification time); null when there is no folder.
 * It says nothing of its files' contents: those have stamps of their own.
 */
export type FolderStamp = [ino: number, ctimeMs: number] | null;

/**
 * filesUnder, and the stamp of every folder walked (and of each of `dirs` that is no folder), by
 * path relative to `projectDir`, each taken before the folder was read: while they all hold, the
 * files are the same. `folders` is undefined when a folder changed at `trustBefore` or later
 * (within a tick of the clock a folder can change again without a new ctime).
 */
export function listFilesUnder(projectDir: string, dirs: readonly string[], trustBefore: number): { files: string[]; folders?: Record<string, FolderStamp> } {
  const out = new Set<string>();
  const folders: Record<string, FolderStamp> = {};
  let trusted = true;
  const root = path.resolve(projectDir);
  for (const dir of dirs) {
    const start = path.resolve(root, dir);
    const relative = path.relative(root, start).split(path.sep).join('/');
    // [absolute folder, its path relative to the project followed by a slash]
    const stack: [string, string][] = [[start, relative === '' ? '' : `${relative}/`]];
    while (stack.length > 0) {
      const [current, prefix] = stack.pop()!;
      const stamp = folderStampOf(current);
      folders[prefix] = stamp;
      if (stamp !== null && stamp[1] >= trustBefore) trusted = false;
      let entries: Dirent[];
      try {
        entries = readdirSync(current, { withFileTypes: true });
      } catch {
        continue; // absent (or not a folder): nothing read from it
      }
      for (const entry of entries) {
        if (entry.name.startsWith('.')) continue;
        if (entry.isDirectory()) {
          if (!IGNORED_DIRS.has(entry.name)) stack.push([`${current}${path.sep}${entry.name}`, `${prefix}${entry.name}/`]);
        } else out.add(`${prefix}${entry.name}`);
      }
    }
  }
  return { files: [...out].sort(), ...(trusted ? { folders } : {}) };
}

/** True when every folder is as `folders` (from listFilesUnder) says: the files under them are then those listed with it. */
export function sameFolders(projectDir: string, folders: Record<string, FolderStamp>): boolean {
  const prefix = `${path.resolve(projectDir)}${path.sep}`;
  for (const [relative, stamp] of Object.entries(folders)) {
    const now = folderStampOf(relative === '' ? prefix : prefix + relative);
    if (now === null || stamp === null ? now !== stamp : now[0] !== stamp[0] || now[1] !== stamp[1]) return false;
  }
  return true;
}

function folderStampOf(folder: string): FolderStamp {
  try {
    const stats = statSync(folder, { throwIfNoEntry: false });
    return stats?.isDirectory() === true ? [stats.ino, stats.ctimeMs] : null;
  } catch {
    return null;
  }
}
