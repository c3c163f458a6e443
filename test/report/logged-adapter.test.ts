import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';
import { withStatementLog } from '../../src/adapter/logged-adapter.js';
import { MemoryLogger } from '../../src/core/logger.js';
import { LiveProgress } from '../../src/report/progress.js';

/** Only what the wrapper passes through matters here: no SQL is run (chDB-backed runs are covered by test/cli/output.test.ts). */
function recordingAdapter(): Adapter & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    type: 'chdb',
    capabilities: {
      exchangeTables: true,
      createOrReplaceView: true,
      queryParameters: true,
      jsonExtract: true,
      lightweightDelete: true,
    } as Adapter['capabilities'],
    description: 'stub',
    execute: async (sql) => {
      calls.push(`execute ${sql}`);
      if (sql.startsWith('BAD')) throw new TsdbtError({ code: ErrorCodes.SQL_ERROR, message: 'Syntax error.' });
      return { queryId: 'q1', rowsWritten: 3 };
    },
    query: async <T>(sql: string) => {
      calls.push(`query ${sql}`);
      return [{ x: 1 }, { x: 2 }] as T[];
    },
    queryWithColumns: async <T>(sql: string) => {
      calls.push(`queryWithColumns ${sql}`);
      return { columns: [{ name: 'x', type: 'UInt8' }], rows: [{ x: 1 }] as T[] };
    },
    queryText: async (sql: string) => {
      calls.push(`queryText ${sql}`);
      return 'a\nb\n';
    },
    insert: async (database, table, rows) => {
      calls.push(`insert ${database}.${table} ${rows.length}`);
      return { rowsWritten: rows.length };
    },
    serverVersion: async () => '26.7',
    listRelations: async () => [],
    listColumns: async () => [],
    databaseEngine: async (database) => (database === 'a' ? 'Atomic' : undefined),
    close: async () => {
      calls.push('close');
    },
  };
}

describe('withStatementLog', () => {
  it('logs each statement before it is sent and how it ended, with the time taken', async () => {
    const inner = recordingAdapter();
    const logger = new MemoryLogger();
    let clock = 0;
    const adapter = withStatementLog(inner, logger, () => (clock += 5));
    expect(await adapter.execute('CREATE TABLE t (x UInt8)')).toEqual({ queryId: 'q1', rowsWritten: 3 });
    expect(await adapter.query('SELECT 1')).toHaveLength(2);
    expect((await adapter.queryWithColumns('SELECT 2')).rows).toHaveLength(1);
    await adapter.insert('db', 't', [{ x: 1 }]);
    await expect(adapter.execute('BAD SQL')).rejects.toThrow('Syntax error.');
    expect(logger.events.map((event) => [event.level, event.event, event.message, event.fields])).toEqual([
      ['debug', 'sql', 'Sending statement', { sql: 'CREATE TABLE t (x UInt8)' }],
      ['debug', 'sql_finished', 'Statement done in 5 ms', { duration_ms: 5, ok: true, query_id: 'q1', rows_written: 3 }],
      ['debug', 'sql', 'Sending query', { sql: 'SELECT 1' }],
      ['debug', 'sql_finished', 'Query done in 5 ms', { duration_ms: 5, ok: true, rows: 2 }],
      ['debug', 'sql', 'Sending query', { sql: 'SELECT 2' }],
      ['debug', 'sql_finished', 'Query done in 5 ms', { duration_ms: 5, ok: true, rows: 1 }],
      ['debug', 'sql', 'Sending insert', { sql: 'INSERT INTO db.t FORMAT JSONEachRow -- 1 rows' }],
      ['debug', 'sql_finished', 'Insert done in 5 ms', { duration_ms: 5, ok: true, query_id: undefined, rows_written: 1 }],
      ['debug', 'sql', 'Sending statement', { sql: 'BAD SQL' }],
      ['debug', 'sql_finished', 'Statement failed after 5 ms: Syntax error.', { duration_ms: 5, ok: false, error_code: 'TSDBT4002' }],
    ]);
  });

  it('passes every other member through, bound to the real adapter', async () => {
    const inner = recordingAdapter();
    const adapter = withStatementLog(inner, new MemoryLogger());
    expect(adapter.type).toBe('chdb');
    expect(adapter.description).toBe('stub');
    expect(adapter.capabilities.exchangeTables).toBe(true);
    expect(await adapter.databaseEngine!('a')).toBe('Atomic');
    await adapter.close();
    expect(inner.calls).toEqual(['close']);
  });
});

describe('LiveProgress', () => {
  it('shows a bar, the count, the time and what is running', () => {
    const shown: (string | undefined)[] = [];
    let now = 0;
    const progress = new LiveProgress(
      4,
      'models',
      (line) => shown.push(line),
      () => now,
    );
    progress.started('a');
    progress.started('b');
    progress.started('c');
    progress.started('d');
    now = 3_500;
    progress.finished('a');
    progress.end();
    progress.end();
    expect(shown).toEqual([
      '[--------------------] 0/4 models 0s',
      '[--------------------] 0/4 models 0s · running: a',
      '[--------------------] 0/4 models 0s · running: a, b',
      '[--------------------] 0/4 models 0s · running: a, b, c',
      '[--------------------] 0/4 models 0s · running: a, b, c (+1)',
      '[#####---------------] 1/4 models 3s · running: b, c, d',
      undefined,
    ]);
  });
});
