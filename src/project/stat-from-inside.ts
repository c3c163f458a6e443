/**
 * The stats of many files under one folder, taken from inside it: the record checks
 * (tasks/compile-stamps.ts) stat every input and every compiled file of a project, and the
 * kernel walks every component of a path at each `stat`. With the working folder moved to the
 * folder for the loop, each `stat` walks the file's name under it only: for a compiled file,
 * `models/a.sql` instead of `/home/me/project/target/compiled/project/models/a.sql`
 * (bench/notes.md has the figures).
 *
 * The working folder is the process's: it is moved and set back within one synchronous call, so
 * no other JavaScript sees it moved. Only for callers with no file-system work of their own under
 * way on Node's thread pool (the CLI's record checks run before anything is opened). Where it
 * cannot move there and come back (a worker thread, a working folder gone or out of reach by its
 * path, a folder it cannot enter), each name is stat'ed by its full path: the same answers.
 */
import path from 'node:path';
import { fastStatOf, type StatOf } from './fast-stat.js';

/**
 * Told the stats of the name at `index` (undefined when no regular file is there); false stops the
 * walk. It may run with the working folder moved: any file it reads it names by an absolute path.
 */
export type StatVisitor = (index: number, stats: ReturnType<StatOf>) => boolean;

/**
 * Calls `visit` with the stats of `folder/name` for each of `names` (relative paths) in order,
 * until it returns false; true when it never did. Moves only into an absolute `folder`. `statOf`
 * is fastStatOf unless a test gives another.
 */
export function statEachUnder(folder: string, names: readonly string[], visit: StatVisitor, statOf: StatOf = fastStatOf): boolean {
  const back = path.isAbsolute(folder) ? workingFolderToReturnTo() : undefined;
  if (back !== undefined && enter(folder)) {
    try {
      for (let index = 0; index < names.length; index += 1) if (!visit(index, statOf(names[index]!))) return false;
      return true;
    } finally {
      // Never go on from the wrong folder: a command that cannot come back fails here.
      process.chdir(back);
    }
  }
  const prefix = `${folder}${path.sep}`;
  for (let index = 0; index < names.length; index += 1) if (!visit(index, statOf(prefix + names[index]!))) return false;
  return true;
}

/**
 * The working folder, when the process can leave it and come back by its path (it moved there
 * once, which is a no-op, to show it); undefined otherwise.
 */
function workingFolderToReturnTo(): string | undefined {
  try {
    const here = process.cwd();
    process.chdir(here);
    return here;
  } catch {
    return undefined; // a worker thread (no chdir), a working folder removed or out of reach
  }
}

function enter(folder: string): boolean {
  try {
    process.chdir(folder);
    return true;
  } catch {
    return false;
  }
}
