/**
 * The chDB adapter's connection pool: statements sent at the same time run at the same time
 * (the runner's --threads), and close() lets go of the path whatever the pool opened.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { ChdbPool } from '../../src/adapter/chdb-pool.js';
import { connect } from '../../src/adapter/connect.js';
import type { ChdbTarget } from '../../src/config/target.js';

const dirs: string[] = [];
function chdbTarget(): ChdbTarget {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-chdb-pool-'));
  dirs.push(dir);
  return { type: 'chdb', name: 'dev', schema: 'default', threads: 4, settings: {}, path: path.join(dir, 'chdb') };
}
/** A client on one new chDB connection, as connect() makes them. */
function openClient(dataPath: string) {
  return createClient({
    connection: createChdbConnection({ path: dataPath }) as unknown as Parameters<typeof createClient>[0] extends infer O
      ? O extends { connection?: infer C }
        ? C
        : never
      : never,
  });
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('chDB connection pool', () => {
  it('runs a statement sent while another runs at the same time, not after it', async () => {
    const adapter = await connect(chdbTarget());
    try {
      // One connection runs its statements one after another: the count below would then run once
      // the sleep is over and see only itself. On a second connection it sees the sleep running.
      const sleeping = adapter.query("SELECT sleep(2) AS slept, 'marker-a1' AS marker");
      await new Promise((resolve) => setTimeout(resolve, 300));
      const [seen] = await adapter.query<{ running: string }>(
        "SELECT count() AS running FROM system.processes WHERE query LIKE '%marker-a1%' AND query NOT LIKE '%system.processes%'",
      );
      expect(Number(seen!.running)).toBe(1);
      expect(await sleeping).toEqual([{ slept: 0, marker: 'marker-a1' }]);
    } finally {
      await adapter.close();
    }
  });

  it('shares tables and data between its connections', async () => {
    const adapter = await connect(chdbTarget());
    try {
      await adapter.execute('CREATE TABLE default.shared (v UInt32) ENGINE = MergeTree ORDER BY v');
      // Eight inserts at once spread over the pool's connections; every row is seen from any of them.
      await Promise.all(Array.from({ length: 8 }, (_, i) => adapter.insert('default', 'shared', [{ v: i }])));
      const counts = await Promise.all(Array.from({ length: 4 }, () => adapter.query<{ n: string }>('SELECT count() AS n FROM default.shared')));
      expect(counts.map(([row]) => Number(row!.n))).toEqual([8, 8, 8, 8]);
    } finally {
      await adapter.close();
    }
  });

  it('closes every connection it opened: the process can then open another database', async () => {
    const first = await connect(chdbTarget());
    await Promise.all([first.query('SELECT sleep(0.5)'), first.query('SELECT sleep(0.5)'), first.query('SELECT 1')]);
    await first.close();
    // chDB holds one database per process: this fails if any pooled connection were left open.
    const second = await connect(chdbTarget());
    expect(await second.query('SELECT 2 AS two')).toEqual([{ two: 2 }]);
    await second.close();
  });

  it('opens a connection only when every open one is busy, and none while statements come one at a time', async () => {
    const target = chdbTarget();
    const first = await connect(target);
    // Statements one after another: the pool never needs a second connection.
    for (let i = 0; i < 5; i += 1) await first.query('SELECT 1');
    await first.close();
    const pool = new ChdbPool(openClient(target.path), () => openClient(target.path));
    const client = pool.asClient();
    try {
      for (let i = 0; i < 5; i += 1) await client.command({ query: 'SELECT 1' });
      expect(pool.connections).toBe(1);
      // A quick statement sent while a slow one runs gets a connection of its own, not a place in the slow one's queue.
      const slow = client.command({ query: 'SELECT sleep(1)' });
      await client.command({ query: 'SELECT 2' });
      expect(pool.connections).toBe(2);
      await slow;
      // Three at once: a third connection.
      await Promise.all([
        client.command({ query: 'SELECT sleep(0.3)' }),
        client.command({ query: 'SELECT sleep(0.3)' }),
        client.command({ query: 'SELECT sleep(0.3)' }),
      ]);
      expect(pool.connections).toBe(3);
    } finally {
      await pool.close();
    }
  });
});
