/**
 * The lock of an embedded database (src/adapter/engine-lock.ts), in-process and against real
 * child processes: held while the holder's socket answers, released by the OS when it dies.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { acquireEngineLock, LOCK_FILE_NAME, LOCK_SOCKET_NAME, parseHolder } from '../../src/adapter/engine-lock.js';
import { lockOwnerCommand, setLockOwnerCommand } from '../../src/adapter/lock-owner.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { removeProject } from '../support/cli.js';

function dataPath(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-lock-'));
  onTestFinished(() => removeProject(dir));
  return dir;
}

const lockIn = (dir: string) => path.join(dir, LOCK_FILE_NAME);
const socketIn = (dir: string) => path.join(dir, LOCK_SOCKET_NAME);
const write = (dir: string, holder: Record<string, unknown>) =>
  writeFileSync(lockIn(dir), JSON.stringify({ host: os.hostname(), command: 'tsdbt run', since: '2026-11-23T10:00:00.000Z', token: 'theirs', ...holder }));

async function lockError(dir: string): Promise<TsdbtError> {
  try {
    (await acquireEngineLock(dir, '.tsdbt/chdb')).release();
  } catch (error) {
    if (error instanceof TsdbtError) return error;
    throw error;
  }
  throw new Error('expected the lock to be refused');
}

/** A socket file left behind by a process that died holding it (bound, never unlinked). */
async function deadSocket(dir: string): Promise<void> {
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(socketIn(dir))}, () => process.kill(process.pid, 'SIGKILL'))`,
  ]);
  await new Promise((resolve) => child.once('exit', resolve));
  expect(existsSync(socketIn(dir))).toBe(true);
}

describe('engine lock', () => {
  it('writes pid, host and command; removes the file and the socket on release', async () => {
    const dir = dataPath();
    const lock = await acquireEngineLock(dir, '.tsdbt/chdb');
    expect(parseHolder(readFileSync(lockIn(dir), 'utf8'))).toMatchObject({ pid: process.pid, host: os.hostname() });
    expect(existsSync(socketIn(dir))).toBe(true);
    lock.release();
    expect(existsSync(lockIn(dir))).toBe(false);
    expect(existsSync(socketIn(dir))).toBe(false);
  });

  it('records the command the CLI named through lock-owner.ts (which the CLI loads instead of this module)', async () => {
    const before = lockOwnerCommand();
    onTestFinished(() => setLockOwnerCommand(before));
    setLockOwnerCommand('tsdbt seed');
    const dir = dataPath();
    const lock = await acquireEngineLock(dir, '.tsdbt/chdb');
    onTestFinished(() => lock.release());
    expect(parseHolder(readFileSync(lockIn(dir), 'utf8'))).toMatchObject({ command: 'tsdbt seed' });
  });

  it('refuses while the holder answers on its socket, naming the holder from the lock file', async () => {
    const dir = dataPath();
    const server = net.createServer((c) => c.end()).listen(socketIn(dir));
    await new Promise((resolve) => server.once('listening', resolve));
    onTestFinished(() => void server.close());
    write(dir, { pid: 48213, host: 'build-agent-7' });
    const error = await lockError(dir);
    expect(error.code).toBe(ErrorCodes.ENGINE_LOCKED);
    expect(error.message).toBe(
      'Another tsdbt process (pid 48213 on build-agent-7, `tsdbt run`, since 2026-11-23 10:00:00 UTC) holds the embedded database at .tsdbt/chdb, so this command did not open it.',
    );
    expect(parseHolder(readFileSync(lockIn(dir), 'utf8'))?.token).toBe('theirs');
  });

  it('a second acquisition in the same process is refused while the first holds', async () => {
    const dir = dataPath();
    const first = await acquireEngineLock(dir, '.tsdbt/chdb');
    expect((await lockError(dir)).message).toMatch(new RegExp(`^Another tsdbt process \\(pid ${process.pid}, `));
    first.release();
    (await acquireEngineLock(dir, '.tsdbt/chdb')).release();
  });

  it('takes over at once when the socket answers no more, whatever the lock file says (a live pid, another host)', async () => {
    const dir = dataPath();
    await deadSocket(dir);
    // A live pid (this test runner's parent) on another host: a pid and host check would refuse it for ever.
    write(dir, { pid: process.ppid, host: 'old-container-hostname' });
    const started = Date.now();
    const lock = await acquireEngineLock(dir, '.tsdbt/chdb');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(lock.tookOver).toMatchObject({ pid: process.ppid, host: 'old-container-hostname' });
    expect(parseHolder(readFileSync(lockIn(dir), 'utf8'))?.pid).toBe(process.pid);
    lock.release();
  });

  it('a lock file with no socket (left by an older tsdbt, or half written) holds nothing', async () => {
    const dir = dataPath();
    writeFileSync(lockIn(dir), '');
    (await acquireEngineLock(dir, '.tsdbt/chdb')).release();
    expect(existsSync(lockIn(dir))).toBe(false);
  });

  it("eight acquisitions racing for a dead holder's socket: exactly one wins", async () => {
    const dir = dataPath();
    await deadSocket(dir);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireEngineLock(dir, '.tsdbt/chdb')));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won.length).toBe(1);
    for (const lost of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(lost.reason.code).toBe(ErrorCodes.ENGINE_LOCKED);
    (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireEngineLock>>>).value.release();
  });

  it('a data path too deep for a socket path beside it still locks', async () => {
    const dir = path.join(dataPath(), 'd'.repeat(60), 'e'.repeat(60));
    (await import('node:fs')).mkdirSync(dir, { recursive: true });
    const first = await acquireEngineLock(dir, dir);
    expect((await lockError(dir)).code).toBe(ErrorCodes.ENGINE_LOCKED);
    first.release();
  });
});
