/**
 * `Adapter.queryText`: a query's output as text, one line per row, values unescaped (what
 * `tsdbt check` reads EXPLAIN QUERY TREE with), and its errors translated like any statement's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/adapter/connect.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { ErrorCodes, TsdbtError } from '../../src/core/errors.js';

describe('queryText on chDB', () => {
  let dir: string;
  let adapter: Adapter;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-query-text-'));
    adapter = await connect({ type: 'chdb', name: 'dev', schema: 'main', threads: 1, settings: {}, path: dir });
  });
  afterAll(async () => {
    await adapter?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns each row on its own line, a tab or a backslash in a value as it is', async () => {
    expect(await adapter.queryText("SELECT arrayJoin(['a\\tb', 'back\\\\slash', 'plain'])")).toBe('a\tb\nback\\slash\nplain\n');
  });

  it('returns the lines of an EXPLAIN QUERY TREE', async () => {
    const text = await adapter.queryText('EXPLAIN QUERY TREE passes = 1 SELECT 1 AS one');
    expect(text.split('\n')[0]).toBe('QUERY id: 0');
    expect(text).toContain('PROJECTION COLUMNS\n    one UInt8\n');
  });

  it('throws a database error as a TsdbtError', async () => {
    const error = await adapter.queryText('SELECT nope').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TsdbtError);
    expect((error as TsdbtError).code).toBe(ErrorCodes.SQL_ERROR);
  });
});
