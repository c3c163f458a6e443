/**
 * chDB in a worker thread (what `tsdbt check` runs its scratch session on): statements and their
 * results through the adapter as on the main thread, errors translated the same way, statements
 * on several connections at once, and the worker stopped without taking the process down (a
 * worker that loaded chDB's addon crashed the process with SIGSEGV on exit unless the main thread
 * had loaded it too). This file never loads chDB on its own thread: the worker must.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChdbWorker } from '../../src/adapter/chdb-worker.js';
import { connect } from '../../src/adapter/connect.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';

describe('chDB in a worker thread', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const scratch = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-chdb-worker-'));
    dirs.push(dir);
    return dir;
  };

  it('runs statements, queries and text queries, and translates errors', async () => {
    const dir = scratch();
    const worker = ChdbWorker.start(dir);
    try {
      const adapter = await connect({ type: 'chdb', name: 'check', schema: 'main', threads: 1, settings: {}, path: dir }, { chdbWorker: worker });
      try {
        await adapter.execute('CREATE DATABASE shadow');
        await adapter.execute('CREATE TABLE shadow.t (id UInt64, name String) ENGINE = Memory');
        expect(await adapter.query("SELECT name, type FROM system.columns WHERE database = 'shadow' AND table = 't' ORDER BY position")).toEqual([
          { name: 'id', type: 'UInt64' },
          { name: 'name', type: 'String' },
        ]);
        expect(await adapter.queryText("SELECT arrayJoin(['a\\tb', 'plain'])")).toBe('a\tb\nplain\n');
        // An insert's rows follow its statement; settings are SET before it; parameters are bound.
        await adapter.insert('shadow', 't', [{ id: 7, name: 'seven' }]);
        expect(await adapter.query('SELECT name FROM shadow.t WHERE id = {id:UInt64}', { params: { id: 7 }, settings: { max_threads: 1 } })).toEqual([
          { name: 'seven' },
        ]);
        await adapter.execute('TRUNCATE TABLE shadow.t');
        const tree = await adapter.queryText('EXPLAIN QUERY TREE passes = 1 SELECT id FROM shadow.t');
        expect(tree).toContain('PROJECTION COLUMNS\n    id UInt64\n');
        const error = await adapter.queryText('SELECT nope FROM shadow.t').catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(TsdbtError);
        expect((error as TsdbtError).code).toBe(ErrorCodes.SQL_ERROR);
        expect((error as TsdbtError).message).toContain('UNKNOWN_IDENTIFIER');
        // Several at once: the pool opens more connections of the worker, which all see the same tables.
        const many = await Promise.all(Array.from({ length: 6 }, (_, i) => adapter.queryText(`SELECT count() + ${i} FROM shadow.t`)));
        expect(many).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
      } finally {
        await adapter.close();
      }
    } finally {
      await worker.terminate();
    }
    // Still here: stopping the worker did not crash the process.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('stops a worker whose session was never used, and refuses calls once stopped', async () => {
    const worker = ChdbWorker.start(scratch());
    const connection = worker.connection();
    await worker.terminate();
    await expect(connection.command({ query: 'SELECT 1' })).rejects.toThrow(/worker thread stopped/);
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
});
