/**
 * The lock file of an embedded database: `<chdb path>/tsdbt.lock`, holding the pid, host and
 * command of the tsdbt process that has the database open. chDB's own lock (`<path>/status`,
 * ClickHouse error 76) is what really keeps a second process out; this file comes first so that
 * a second `tsdbt run` is told at once, before loading the engine, who holds the database and
 * since when, and never touches it (not even the start-of-run sweep of `__tsdbt_tmp` tables).
 *
 * Taken when an adapter opens the database and released when it closes (an `ingest --watch`
 * between polls holds nothing). A lock whose process is gone (SIGKILL, power loss) is stale and
 * taken over: its pid is not alive, or (Linux) is alive but started at another time than the
 * recorded one, i.e. the pid was reused. A lock from another host is never taken over.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { Adapter } from '../core/adapter-types.js';

export const LOCK_FILE_NAME = 'tsdbt.lock';

/** What the lock file records. */
export interface LockHolder {
  pid: number;
  host: string;
  /** What the holder runs, e.g. `tsdbt run`. */
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Linux: the process start time (clock ticks since boot, /proc/<pid>/stat field 22), to tell a reused pid. */
  start?: string | undefined;
  /** Unique per acquisition, so a process only ever removes its own lock. */
  token: string;
}

export interface EngineLock {
  readonly file: string;
  /** The lock file this lock replaced because its process was gone, if any. */
  readonly tookOver: LockHolder | undefined;
  release(): void;
}

/** A lock file younger than this with unreadable content is one being written right now, not a stale one. */
const FRESH_MS = 5_000;

/** What the lock file says this process runs: the CLI sets `tsdbt <command>`; a program using tsdbt as a library shows as its script. */
let ownerCommand = `node ${path.basename(process.argv[1] ?? '')}`.trim();

/** What the lock file says this process runs (`tsdbt run`); set once by the CLI. */
export function setLockOwnerCommand(command: string): void {
  ownerCommand = command;
}

/**
 * Takes the lock of the embedded database at `dataPath` (created if missing), or throws
 * ENGINE_LOCKED naming the live holder. `shown` is the path as the user sees it.
 */
export function acquireEngineLock(dataPath: string, shown: string, now: () => Date = () => new Date()): EngineLock {
  const file = path.join(dataPath, LOCK_FILE_NAME);
  let tookOver: LockHolder | undefined;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const holder: LockHolder = {
      pid: process.pid,
      host: os.hostname(),
      command: ownerCommand,
      since: now().toISOString(),
      start: processStart(process.pid),
      token: randomUUID(),
    };
    if (createExclusive(file, `${JSON.stringify(holder)}\n`)) return heldLock(file, holder, tookOver);
    const text = readText(file);
    if (text === undefined) continue; // removed meanwhile: try again
    const existing = parseHolder(text);
    if (existing === undefined) {
      // Unreadable: a writer killed between create and write (stale), or one writing right now.
      if (ageMs(file, now) < FRESH_MS) throw locked(shown, undefined);
    } else if (isAlive(existing)) {
      throw locked(shown, existing);
    } else {
      tookOver = existing;
    }
    // Stale: remove it, unless another process replaced it since we read it.
    if (readText(file) === text) removeQuietly(file);
  }
  throw locked(shown, undefined);
}

/** The same adapter, releasing `lock` once it is closed. */
export function releasingOnClose(adapter: Adapter, lock: EngineLock): Adapter {
  const close = async (): Promise<void> => {
    try {
      await adapter.close();
    } finally {
      lock.release();
    }
  };
  return new Proxy(adapter, {
    get(target, property) {
      if (property === 'close') return close;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

function heldLock(file: string, holder: LockHolder, tookOver: LockHolder | undefined): EngineLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    // Only our own lock: a lock taken over by another process (after ours was judged stale) stays.
    if (parseHolder(readText(file) ?? '')?.token === holder.token) removeQuietly(file);
  };
  // A process that exits without closing (an uncaught error, process.exit) still leaves no lock behind.
  process.on('exit', release);
  return { file, tookOver, release };
}

function createExclusive(file: string, text: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

function ageMs(file: string, now: () => Date): number {
  try {
    return now().getTime() - statSync(file).mtimeMs;
  } catch {
    return Infinity;
  }
}

export function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0 || typeof value.token !== 'string') return undefined;
    return {
      pid: value.pid,
      host: typeof value.host === 'string' ? value.host : '',
      command: typeof value.command === 'string' ? value.command : 'tsdbt',
      since: typeof value.since === 'string' ? value.since : '',
      start: typeof value.start === 'string' ? value.start : undefined,
      token: value.token,
    };
  } catch {
    return undefined;
  }
}

/** Whether the process that wrote the lock still runs (a lock from another host counts as held). */
export function isAlive(holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (probe) {
    // EPERM: alive, but another user's.
    if ((probe as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const start = processStart(holder.pid);
  return holder.start === undefined || start === undefined || start === holder.start;
}

/** Linux: field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined elsewhere. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function locked(shown: string, holder: LockHolder | undefined): TsdbtError {
  const file = path.join(shown, LOCK_FILE_NAME);
  const who =
    holder === undefined
      ? 'Another tsdbt process'
      : `Another tsdbt process (pid ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`}, \`${holder.command}\`${sinceText(holder.since)})`;
  return new TsdbtError({
    code: ErrorCodes.ENGINE_LOCKED,
    message: `${who} holds the embedded database at ${shown}, so this command did not open it.`,
    hint:
      holder === undefined
        ? `Wait for the other command to finish and run this one again. If no tsdbt process is running, delete ${file}.`
        : `Wait for it to finish (or stop it) and run this command again, or point this target at another \`path\` in profiles.yml. If pid ${holder.pid} is not a tsdbt process, delete ${file}.`,
  });
}

function sinceText(since: string): string {
  const time = Date.parse(since);
  if (Number.isNaN(time)) return '';
  return `, since ${new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')}`;
}
