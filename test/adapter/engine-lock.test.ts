/** The lock file of an embedded database (src/adapter/engine-lock.ts), in-process: who holds it, and when a lock is stale. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { acquireEngineLock, LOCK_FILE_NAME, parseHolder } from '../../src/adapter/engine-lock.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { removeProject } from '../support/cli.js';

function dataPath(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-lock-'));
  onTestFinished(() => removeProject(dir));
  return dir;
}

const lockIn = (dir: string) => path.join(dir, LOCK_FILE_NAME);
const write = (dir: string, holder: Record<string, unknown>) =>
  writeFileSync(lockIn(dir), JSON.stringify({ host: os.hostname(), command: 'tsdbt run', since: '2026-11-23T10:00:00.000Z', token: 'theirs', ...holder }));

/** A pid that was alive a moment ago and is not any more. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

function lockError(dir: string): TsdbtError {
  try {
    acquireEngineLock(dir, '.tsdbt/chdb').release();
  } catch (error) {
    if (error instanceof TsdbtError) return error;
    throw error;
  }
  throw new Error('expected the lock to be refused');
}

describe('engine lock', () => {
  it('writes pid, host, command and a token, and removes the file on release', () => {
    const dir = dataPath();
    const lock = acquireEngineLock(dir, '.tsdbt/chdb');
    const holder = parseHolder(readFileSync(lockIn(dir), 'utf8'));
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(holder?.token).toMatch(/^[0-9a-f-]{36}$/);
    lock.release();
    expect(existsSync(lockIn(dir))).toBe(false);
  });

  it('refuses while a live process on this host holds it, naming the process', () => {
    const dir = dataPath();
    // The parent process (vitest) is alive; no start time recorded, so the pid alone decides.
    write(dir, { pid: process.ppid });
    const error = lockError(dir);
    expect(error.code).toBe(ErrorCodes.ENGINE_LOCKED);
    expect(error.message).toBe(
      `Another tsdbt process (pid ${process.ppid}, \`tsdbt run\`, since 2026-11-23 10:00:00 UTC) holds the embedded database at .tsdbt/chdb, so this command did not open it.`,
    );
    expect(error.hint).toContain(`If pid ${process.ppid} is not a tsdbt process, delete .tsdbt/chdb/tsdbt.lock.`);
    expect(parseHolder(readFileSync(lockIn(dir), 'utf8'))?.token).toBe('theirs');
  });

  it('refuses a lock from another host (its pid cannot be checked from here)', () => {
    const dir = dataPath();
    write(dir, { pid: deadPid(), host: 'build-agent-7' });
    expect(lockError(dir).message).toMatch(/^Another tsdbt process \(pid \d+ on build-agent-7, `tsdbt run`/);
  });

  it('takes over a lock whose process is gone, and says whose it was', () => {
    const dir = dataPath();
    const pid = deadPid();
    write(dir, { pid });
    const lock = acquireEngineLock(dir, '.tsdbt/chdb');
    expect(lock.tookOver).toMatchObject({ pid, command: 'tsdbt run' });
    expect(parseHolder(readFileSync(lockIn(dir), 'utf8'))?.pid).toBe(process.pid);
    lock.release();
  });

  it('takes over a lock whose pid is alive but was started at another time (a reused pid)', () => {
    const dir = dataPath();
    write(dir, { pid: process.ppid, start: '1' });
    const lock = acquireEngineLock(dir, '.tsdbt/chdb');
    expect(lock.tookOver?.pid).toBe(process.ppid);
    lock.release();
  });

  it('an unreadable lock: being written if fresh (refused), left by a killed writer if old (taken over)', () => {
    const dir = dataPath();
    writeFileSync(lockIn(dir), '');
    expect(lockError(dir).message).toBe('Another tsdbt process holds the embedded database at .tsdbt/chdb, so this command did not open it.');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lockIn(dir), old, old);
    acquireEngineLock(dir, '.tsdbt/chdb').release();
    expect(existsSync(lockIn(dir))).toBe(false);
  });

  it('release never removes a lock another process has taken since', () => {
    const dir = dataPath();
    const lock = acquireEngineLock(dir, '.tsdbt/chdb');
    write(dir, { pid: process.ppid, token: 'newer' });
    lock.release();
    expect(parseHolder(readFileSync(lockIn(dir), 'utf8'))?.token).toBe('newer');
  });
});
