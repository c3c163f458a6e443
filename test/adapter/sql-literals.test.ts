import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickhouseAdapter } from '../../src/adapter/clickhouse-adapter.js';
import { connect } from '../../src/adapter/connect.js';
import { inlineParams, literal, qualifiedName, quoteIdentifier, quoteString } from '../../src/core/sql-literals.js';
import type { Adapter } from '../../src/core/adapter-types.js';

/** Names and values that break naive quoting. */
const AWKWARD = ['my table', 'back`tick', 'double "quote"', "single 'quote'", 'back\\slash', 'ünï 数据 🚀', 'semi;colon -- not a comment'];

describe('quoteIdentifier and qualifiedName', () => {
  it('backquotes names and escapes backticks and backslashes', () => {
    expect(quoteIdentifier('people')).toBe('`people`');
    expect(quoteIdentifier('my table')).toBe('`my table`');
    expect(quoteIdentifier('back`tick')).toBe('`back\\`tick`');
    expect(quoteIdentifier('double "quote"')).toBe('`double "quote"`');
    expect(quoteIdentifier("single 'quote'")).toBe("`single 'quote'`");
    expect(quoteIdentifier('back\\slash')).toBe('`back\\\\slash`');
    expect(quoteIdentifier('ünï 数据 🚀')).toBe('`ünï 数据 🚀`');
    expect(qualifiedName('my db', 'a`b')).toBe('`my db`.`a\\`b`');
  });
});

describe('quoteString and literal', () => {
  it('quotes strings with escaped quotes and backslashes, leaving other characters alone', () => {
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('C:\\temp')).toBe("'C:\\\\temp'");
    expect(quoteString('line\nbreak')).toBe("'line\nbreak'");
    expect(quoteString('数据 🚀')).toBe("'数据 🚀'");
  });

  it('renders JS values as ClickHouse literals', () => {
    expect(literal(null)).toBe('NULL');
    expect(literal(undefined)).toBe('NULL');
    expect(literal(42)).toBe('42');
    expect(literal(-1.5)).toBe('-1.5');
    expect(literal(2n ** 64n)).toBe('18446744073709551616');
    expect(literal(true)).toBe('1');
    expect(literal(['a', "b'", 3])).toBe("['a', 'b\\'', 3]");
    expect(() => literal(Number.NaN)).toThrow(/Cannot render NaN/);
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });
});

describe('inlineParams', () => {
  it('replaces placeholders with literals', () => {
    expect(inlineParams('SELECT * FROM t WHERE a = {a:String} AND b = { b : UInt8 }', { a: "o'k", b: 3 })).toBe("SELECT * FROM t WHERE a = 'o\\'k' AND b = 3");
  });

  it('leaves placeholders inside string literals, quoted identifiers and line comments untouched', () => {
    const sql = [
      "SELECT '{a:String}' AS s1,",
      "'it\\'s {a:String}' AS s2,",
      "'it''s {a:String}' AS s3,",
      '`{a:String}` AS i1,',
      '"{a:String}" AS i2, -- {a:String}',
      '{a:String} AS v',
    ].join('\n');
    expect(inlineParams(sql, { a: 'X' })).toBe(sql.replace(/\{a:String\} AS v$/, "'X' AS v"));
  });

  it('leaves unknown placeholders and plain braces alone', () => {
    expect(inlineParams('SELECT {b:UInt8}, {not a placeholder}, map(1, 2)', { a: 1 })).toBe('SELECT {b:UInt8}, {not a placeholder}, map(1, 2)');
  });

  it('replaces a placeholder after a block comment that contains a quote, and leaves placeholders inside it', () => {
    expect(inlineParams("/* it's */ SELECT {a:String}", { a: 'X' })).toBe("/* it's */ SELECT 'X'");
    expect(inlineParams('SELECT /* {a:String} */ {a:String} /* unclosed {a:String}', { a: 'X' })).toBe("SELECT /* {a:String} */ 'X' /* unclosed {a:String}");
  });
  it('renders an Identifier parameter as a quoted identifier, not a string', () => {
    expect(inlineParams('SELECT * FROM {t:Identifier}', { t: 'my table' })).toBe('SELECT * FROM `my table`');
    expect(inlineParams('SELECT {c: Identifier} FROM t', { c: 'a`b' })).toBe('SELECT `a\\`b` FROM t');
  });
  it('renders a Date as a literal that a DateTime accepts on old servers (no milliseconds)', () => {
    expect(inlineParams('SELECT {d:DateTime}', { d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5)) })).toBe("SELECT '2024-01-02 03:04:05'");
  });
  it('writes a Date as its placeholder type reads it', () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    expect(inlineParams('SELECT {d:DateTime}, {d:Date}, {d:Date32}, {d:DateTime64(3)}, {d:Nullable(DateTime)}', { d })).toBe(
      "SELECT '2024-01-02 03:04:05', '2024-01-02', '2024-01-02', '2024-01-02 03:04:05.678', '2024-01-02 03:04:05'",
    );
    expect(inlineParams('SELECT {ds:Array(Date)}', { ds: [d] })).toBe("SELECT ['2024-01-02']");
    expect(literal(d)).toBe("'2024-01-02 03:04:05.678'");
    expect(literal(new Date(Date.UTC(2024, 0, 2)))).toBe("'2024-01-02 00:00:00'");
  });
});

describe('quoting round trip through chDB', () => {
  let dir: string;
  let adapter: Adapter;
  let inlining: ClickhouseAdapter;
  const db = 'we"ird db 数据';
  const table = "ta`ble 'x' ü";

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-literals-'));
    adapter = await connect({ type: 'chdb', name: 'dev', schema: 'default', threads: 1, settings: {}, path: path.join(dir, 'chdb') });
    expect(adapter).toBeInstanceOf(ClickhouseAdapter);
    // The same session, but with the old-server path: parameters inlined as literals.
    inlining = (adapter as ClickhouseAdapter).withCapabilities({ ...adapter.capabilities, queryParameters: false });
  });
  afterAll(async () => {
    await adapter?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates, inserts into and reads a table whose database, table and column names need quoting', async () => {
    await adapter.execute(`CREATE DATABASE ${quoteIdentifier(db)}`);
    await adapter.execute(
      `CREATE TABLE ${qualifiedName(db, table)} (${quoteIdentifier('the id')} UInt32, ${quoteIdentifier('va`l "ue"')} String) ENGINE = MergeTree ORDER BY ${quoteIdentifier('the id')}`,
    );
    const rows = AWKWARD.map((value, i) => ({ 'the id': i, 'va`l "ue"': value }));
    expect((await adapter.insert(db, table, rows)).rowsWritten).toBe(AWKWARD.length);

    const back = await adapter.query(`SELECT * FROM ${qualifiedName(db, table)} ORDER BY ${quoteIdentifier('the id')}`);
    expect(back).toEqual(rows);

    expect(await adapter.listRelations(db)).toEqual([{ database: db, name: table, engine: 'MergeTree', kind: 'table' }]);
    expect(await inlining.listRelations(db)).toEqual(await adapter.listRelations(db));
    expect(await inlining.listColumns(db, table)).toEqual([
      { name: 'the id', type: 'UInt32' },
      { name: 'va`l "ue"', type: 'String' },
    ]);
  });

  it('gives the same answers with inlined literals as with server-side parameters', async () => {
    for (const value of [...AWKWARD, 'line\nbreak', 'tab\tand\\n', '{v:String}', '']) {
      const sql = "SELECT {v:String} AS v, '{v:String}' AS untouched";
      const expected = [{ v: value, untouched: '{v:String}' }];
      expect(await adapter.query(sql, { params: { v: value } })).toEqual(expected);
      expect(await inlining.query(sql, { params: { v: value } })).toEqual(expected);
    }
    const filtered = await inlining.query<{ id: number }>(
      `SELECT ${quoteIdentifier('the id')} AS id FROM ${qualifiedName(db, table)} WHERE ${quoteIdentifier('va`l "ue"')} IN {vs:Array(String)} ORDER BY id`,
      { params: { vs: ["single 'quote'", 'back\\slash'] } },
    );
    expect(filtered).toEqual([{ id: 3 }, { id: 4 }]);
  });

  it('inlined Identifier and Date parameters read as the server reads them', async () => {
    const sql = `SELECT toUInt32(count()) AS n, toString({d:DateTime}) AS dt, toString({d:Date}) AS day FROM {db:Identifier}.{t:Identifier} /* it's {d:Date} */`;
    const params = { db, t: table, d: new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)) };
    expect(await inlining.query(sql, { params, settings: { session_timezone: 'UTC' } })).toEqual([
      { n: AWKWARD.length, dt: '2024-01-02 03:04:05', day: '2024-01-02' },
    ]);
    const byName = `SELECT toUInt32(count()) AS n FROM {db:Identifier}.{t:Identifier}`;
    expect(await inlining.query(byName, { params: { db, t: table } })).toEqual(await adapter.query(byName, { params: { db, t: table } }));
  });
});
