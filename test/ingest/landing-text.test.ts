/**
 * Landed rows are sent as TabSeparated text written by tsdbt (encodeLandingRows), not as objects
 * the client encodes: what ClickHouse stores must be exactly the payload, its hash, the URL and
 * the stamp, whatever characters they hold. Checked on chDB by reading every field back and by
 * letting ClickHouse hash the stored payload itself.
 */
import { describe, expect, it } from 'vitest';
import { qualifiedName } from '../../src/core/sql-literals.js';
import { ensureLandingTables, landPayloads } from '../../src/ingest/landing.js';
import { encodeLandingRows, hashPayload, LANDING_COLUMNS, tsvField, type LandingRow } from '../../src/ingest/landing-plan.js';
import { payloadsFromReply } from '../../src/ingest/payload.js';
import { useChdbAndFakeApi } from './chdb-fixture.js';
import { roundTrip } from './landing-text-cases.js';

const env = useChdbAndFakeApi();

/** JSON whose text has backslashes (escapes), quotes, non-ASCII and astral characters, and whitespace to minify. */
const TRICKY = [
  { id: 1, s: 'back\\slash', q: 'say "hi"', tab: 'a\tb', nl: 'line\nnext\r\n', u: 'é ü 😀 \u2028', path: 'C:\\temp\\new' },
  { id: 2, nested: { deep: ['\\', '\\\\', '\\t literally', '"'] }, big: 1 },
  { id: 3, empty: '', spaces: '  two  spaces  ' },
];

describe('landing rows as TabSeparated text', () => {
  it('lands every payload exactly, with the hash ClickHouse computes for it', async () => {
    const { adapter } = env.db;
    const target = { database: 'astro', table: 'tricky', quarantine: false };
    await ensureLandingTables(adapter, target);
    const body = JSON.stringify({ items: TRICKY }, null, 2).replace('"big": 1', '"big": 12345678901234567890');
    const check = payloadsFromReply(body, { format: 'json_each', path: ['items'], required: [] });
    if (!check.ok) throw new Error(check.reason);
    const url = 'http://example.test/a?b=c\\d\te';
    const nowMs = Date.UTC(2026, 10, 23, 10, 0, 0, 7);
    expect(await landPayloads(adapter, target, check.payloads, { sourceUrl: url, nowMs })).toEqual({ landed: 3, duplicates: 0 });

    const rows = await adapter.query<LandingRow & { clickhouse_hash: string }>(
      `SELECT payload, _hash, _source_url, toString(_inserted_at) AS _inserted_at, lower(hex(SHA256(payload))) AS clickhouse_hash FROM ${qualifiedName('astro', 'tricky')} ORDER BY JSONExtractInt(payload, 'id')`,
    );
    expect(rows.map((row) => row.payload)).toEqual(check.payloads);
    expect(rows[1]?.payload).toContain('12345678901234567890');
    for (const row of rows) {
      expect(row._hash).toBe(hashPayload(row.payload));
      expect(row.clickhouse_hash).toBe(row._hash);
      expect(row._source_url).toBe(url);
      expect(row._inserted_at).toBe('2026-11-23 10:00:00.007');
    }
  });

  it('round-trips any string, control characters included, through the adapter', async () => {
    const { written, read } = await roundTrip(env.db.adapter, 'astro', 'any_text');
    expect(read).toEqual(written);
  });

  it('escapes only what TabSeparated needs and names the columns', () => {
    expect(tsvField('{"a":"b"}')).toBe('{"a":"b"}');
    expect(tsvField('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    const encoded = encodeLandingRows([{ payload: '{"x":"\\n"}', _hash: 'h', _source_url: 'u', _inserted_at: 's' }]);
    expect(encoded).toEqual({ format: 'TabSeparated', columns: LANDING_COLUMNS, text: '{"x":"\\\\n"}\th\tu\ts\n', length: 1 });
  });
});
