/**
 * The lock of an embedded database. Two parts:
 *   - `<chdb path>/tsdbt.lock.sock`, a unix-domain socket the holder listens on. The OS releases it
 *     when the process dies however it dies (SIGKILL, a zombie, OOM): nobody answers a connect any
 *     more. So whether the lock is held is asked of the kernel, never guessed from a pid or a
 *     host name (pids are reused, zombies look alive, containers get new host names).
 *   - `<chdb path>/tsdbt.lock`, the holder's pid, host, command and start, written once the
 *     socket is bound: what the error shows, and what a human reads.
 * chDB's own lock (`<path>/status`, an flock) is what finally keeps a second process out; this one
 * comes first so that a second `tsdbt run` is told at once, before loading the engine, who holds
 * the database, and never touches it (not even the start-of-run sweep of `__tsdbt_tmp` tables).
 *
 * Taken when an adapter opens the database and released when it closes (an `ingest --watch`
 * between polls holds nothing). A socket file nobody answers on was left by a dead holder: it is
 * removed and bound afresh, under a short-lived takeover file so two processes taking over at once
 * never remove each other's fresh socket.
 */
import { createHash, randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ErrorCodes, TsdbtError } from '../core/errors.js';
import type { Adapter } from '../core/adapter-types.js';
import { lockOwnerCommand } from './lock-owner.js';

export const LOCK_FILE_NAME = 'tsdbt.lock';
export const LOCK_SOCKET_NAME = 'tsdbt.lock.sock';

/** What the lock file records. */
export interface LockHolder {
  pid: number;
  host: string;
  /** What the holder runs, e.g. `tsdbt run`. */
  command: string;
  /** ISO time the lock was taken. */
  since: string;
  /** Unique per acquisition, so a process only ever removes its own lock file. */
  token: string;
}

export interface EngineLock {
  readonly file: string;
  /** The holder this lock replaced because its process was gone (its socket answered no more), if any. */
  readonly tookOver: LockHolder | undefined;
  release(): void;
}

/** A takeover file older than this was left by a process killed inside the few microseconds it is held. */
const TAKEOVER_STALE_MS = 10_000;
/** Between bind() and listen() a live holder refuses connections too: ask again after this long before calling it dead. */
const RECHECK_MS = 100;
/** The longest unix socket path Linux and macOS take (sun_path), less a margin. */
const MAX_SOCKET_PATH = 100;

/**
 * Takes the lock of the embedded database at `dataPath` (which must exist), or throws
 * ENGINE_LOCKED naming the live holder. `shown` is the path as the user sees it.
 */
export async function acquireEngineLock(dataPath: string, shown: string, now: () => Date = () => new Date()): Promise<EngineLock> {
  const file = path.join(dataPath, LOCK_FILE_NAME);
  const socket = socketPath(dataPath);
  let tookOver: LockHolder | undefined;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const server = await listen(socket);
    if (server !== undefined) {
      const holder: LockHolder = { pid: process.pid, host: os.hostname(), command: lockOwnerCommand(), since: now().toISOString(), token: randomUUID() };
      writeAtomically(file, `${JSON.stringify(holder)}\n`);
      return heldLock(file, socket, server, holder, tookOver);
    }
    if (await answers(socket)) throw locked(shown, readHolder(file));
    // Nobody answered: a dead holder's socket file, or a live one between bind() and listen().
    const guard = `${socket}.takeover`;
    if (!takeGuard(guard, now)) {
      await delay(20); // another process is taking over right now
      continue;
    }
    try {
      await delay(RECHECK_MS);
      if (await answers(socket)) throw locked(shown, readHolder(file));
      tookOver = readHolder(file) ?? tookOver;
      removeQuietly(socket);
    } finally {
      removeQuietly(guard);
    }
  }
  throw locked(shown, readHolder(file));
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

/**
 * Beside the data: `<path>/tsdbt.lock.sock`. A socket path is limited to about 100 bytes; a deeper
 * data path is reached relative to the working folder, or failing that through a socket in the
 * temporary folder named after the data path's real path (shared by every process on this machine).
 */
function socketPath(dataPath: string): string {
  const beside = path.join(dataPath, LOCK_SOCKET_NAME);
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH) return beside;
  const relative = path.relative(process.cwd(), beside);
  if (Buffer.byteLength(relative) <= MAX_SOCKET_PATH && !path.isAbsolute(relative)) return relative;
  const key = createHash('sha256').update(realpathSync(dataPath)).digest('hex').slice(0, 24);
  return path.join(os.tmpdir(), `tsdbt-${key}.sock`);
}

/** A server listening on `socket`, or undefined when the path is taken (live or not). */
function listen(socket: string): Promise<net.Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer((connection) => connection.end());
    server.once('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' ? resolve(undefined) : reject(error)));
    server.listen(socket, () => {
      // The lock never keeps the process alive by itself.
      server.unref();
      resolve(server);
    });
  });
}

/** Whether a live process listens on `socket` (a stale socket file refuses the connection). */
function answers(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const connection = net.connect(socket);
    connection.once('connect', () => {
      connection.destroy();
      resolve(true);
    });
    connection.once('error', () => resolve(false));
  });
}

function heldLock(file: string, socket: string, server: net.Server, holder: LockHolder, tookOver: LockHolder | undefined): EngineLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.removeListener('exit', release);
    if (readHolder(file)?.token === holder.token) removeQuietly(file);
    // Removed by hand first: on 'exit' there is no later tick for close() to unlink it.
    removeQuietly(socket);
    server.close();
  };
  // A process that exits without closing (an uncaught error, process.exit) still leaves no files behind.
  process.on('exit', release);
  return { file, tookOver, release };
}

/** The takeover file, created exclusively; one left by a process killed while holding it is removed first. */
function takeGuard(guard: string, now: () => Date): boolean {
  try {
    closeSync(openSync(guard, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (now().getTime() - mtimeMs(guard) > TAKEOVER_STALE_MS) removeQuietly(guard);
  return false;
}

function mtimeMs(file: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Written whole or not at all, so a reader never sees half a holder. */
function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
}

function readHolder(file: string): LockHolder | undefined {
  try {
    return parseHolder(readFileSync(file, 'utf8'));
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

export function parseHolder(text: string): LockHolder | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    if (typeof value.pid !== 'number' || !Number.isInteger(value.pid) || value.pid <= 0) return undefined;
    return {
      pid: value.pid,
      host: typeof value.host === 'string' ? value.host : '',
      command: typeof value.command === 'string' ? value.command : 'tsdbt',
      since: typeof value.since === 'string' ? value.since : '',
      token: typeof value.token === 'string' ? value.token : '',
    };
  } catch {
    return undefined;
  }
}

function locked(shown: string, holder: LockHolder | undefined): TsdbtError {
  const who =
    holder === undefined
      ? 'Another tsdbt process'
      : `Another tsdbt process (pid ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`}, \`${holder.command}\`${sinceText(holder.since)})`;
  return new TsdbtError({
    code: ErrorCodes.ENGINE_LOCKED,
    message: `${who} holds the embedded database at ${shown}, so this command did not open it.`,
    hint: 'Wait for it to finish (or stop it) and run this command again, or point this target at another `path` in profiles.yml. The lock goes with the process: nothing needs deleting after a crash.',
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
