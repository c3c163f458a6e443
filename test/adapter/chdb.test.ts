/**
 * chDB's lock: one live session per data path across processes, released by close().
 * The other process is a small .mjs using chdb/connection + @clickhouse/client directly.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { ChdbTarget } from '../../src/config/target.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';

const CHILD = fileURLToPath(new URL('./fixtures/chdb-session.mjs', import.meta.url));

interface ChildEvent {
  event: 'ready' | 'error' | 'closed';
  pid?: number;
  code?: string | null;
  message?: string;
}

/** A child process with a queue of the JSON events it printed. */
function session(mode: 'hold' | 'try', dataPath: string) {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [CHILD, mode, dataPath], { stdio: 'pipe' });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const events: ChildEvent[] = [];
  const waiters: ((event: ChildEvent) => void)[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const event = JSON.parse(line) as ChildEvent;
    const waiter = waiters.shift();
    if (waiter) waiter(event);
    else events.push(event);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    next(): Promise<ChildEvent> {
      const queued = events.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        waiters.push(resolve);
        void exited.then(() => reject(new Error(`chdb-session.mjs exited without another event; stderr: ${stderr}`)));
      });
    },
    release(): void {
      child.stdin.write('close\n');
    },
  };
}

const children: ReturnType<typeof session>[] = [];
const dirs: string[] = [];

function chdbTarget(): ChdbTarget {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-chdb-lock-'));
  dirs.push(dir);
  return { type: 'chdb', name: 'dev', schema: 'default', threads: 1, settings: {}, path: path.join(dir, 'chdb') };
}

afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.child.exitCode === null) child.child.kill();
    await child.exited;
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('chDB lock across processes', () => {
  it('reports ENGINE_LOCKED when another process holds the path, and opens once it lets go', async () => {
    const target = chdbTarget();
    const holder = session('hold', target.path);
    children.push(holder);
    const ready = await holder.next();
    expect(ready).toMatchObject({ event: 'ready' });

    const started = Date.now();
    const error = await connect(target).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(TsdbtError);
    const locked = error as TsdbtError;
    expect(locked.code).toBe(ErrorCodes.ENGINE_LOCKED);
    expect(locked.message).toBe(`The embedded database (chdb at ${target.path}) is in use by another process (pid ${ready.pid}), which holds its lock.`);
    expect(locked.hint).toMatch(/Wait for the other tsdbt command to finish/);

    holder.release();
    expect(await holder.next()).toMatchObject({ event: 'closed' });
    expect(await holder.exited).toBe(0);

    const adapter = await connect(target);
    expect(await adapter.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await adapter.close();
  });

  it('holds the path while open and releases it on close, so another process can open it', async () => {
    const target = chdbTarget();
    const adapter = await connect(target);
    await adapter.execute('CREATE TABLE default.kept (v UInt8) ENGINE = MergeTree ORDER BY v');
    await adapter.insert('default', 'kept', [{ v: 7 }]);

    const blocked = session('try', target.path);
    children.push(blocked);
    const refused = await blocked.next();
    // What tsdbt has to work with: chdb 3.4 says only this (code 76, "Cannot lock file", goes to stderr).
    expect(refused).toMatchObject({ event: 'error', code: 'CHDB_CONNECTION' });
    expect(refused.message).toBe(`Failed to create connection for path '${target.path}'`);
    expect(await blocked.exited).toBe(3);

    await adapter.close();
    await adapter.close(); // closing twice is harmless

    const after = session('try', target.path);
    children.push(after);
    expect(await after.next()).toMatchObject({ event: 'ready' });
    expect(await after.exited).toBe(0);

    // The same process may open the path again, and then another one.
    const again = await connect(target);
    expect(await again.query('SELECT v FROM default.kept')).toEqual([{ v: 7 }]);
    await again.close();
    const other = await connect(chdbTarget());
    expect(await other.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    await other.close();
  });

  it('says that one process holds one embedded database at a time when a second path is opened', async () => {
    const first = await connect(chdbTarget());
    try {
      const second = chdbTarget();
      const error = await connect(second).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(TsdbtError);
      expect((error as TsdbtError).code).toBe(ErrorCodes.CONNECTION_FAILED);
      expect((error as TsdbtError).message).toMatch(/^Could not open the embedded database \(chdb at .*\): chdb: only one active data directory per process/);
      expect((error as TsdbtError).hint).toMatch(/one embedded database open per process: close the open one first/);
    } finally {
      await first.close();
    }
  });
});
