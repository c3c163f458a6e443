/** Validating replies and planning what lands: pure functions, no database. */
import { describe, expect, it } from 'vitest';
import { minifyJson, rawArrayElements } from '../../src/ingest/json-text.js';
import {
  formatDateTime64,
  formatStamp,
  latestBatchSql,
  stampPrecision,
  hashPayload,
  landingDatabaseDdl,
  landingTableDdl,
  planBatch,
  rejectedTableDdl,
} from '../../src/ingest/landing-plan.js';
import { payloadsFromFetcher, payloadsFromReply } from '../../src/ingest/payload.js';
import { ASTROS } from '../support/fake-api.js';

const json = { format: 'json' as const, path: [], required: ['message', 'number', 'people'] };
const each = { format: 'json_each' as const, path: ['people'], required: ['name', 'craft'] };

describe('json text', () => {
  it('minifies outside strings only', () => {
    expect(minifyJson('{ "a b" : [1, 2],\n "c": "x y\\" z" }')).toBe('{"a b":[1,2],"c":"x y\\" z"}');
  });

  it('slices array elements out of the text, keeping big integers exact', () => {
    const text = '{"meta": {"n": [9]}, "items" : [ {"id": 12345678901234567890, "s": "a,]}"}, [1, {"b": 2}], "x", null, -1.5e3 ] }';
    expect(rawArrayElements(text, ['items'])).toEqual(['{"id": 12345678901234567890, "s": "a,]}"}', '[1, {"b": 2}]', '"x"', 'null', '-1.5e3']);
    expect(rawArrayElements(text, ['meta', 'n'])).toEqual(['9']);
    expect(rawArrayElements('[[1,2],[3]]', ['1'])).toEqual(['3']);
    expect(rawArrayElements(' [] ', [])).toEqual([]);
    expect(rawArrayElements(text, ['missing'])).toBeUndefined();
    expect(rawArrayElements(text, ['meta'])).toBeUndefined();
    expect(rawArrayElements('{"a\\"b": [1]}', ['a"b'])).toEqual(['1']);
    // A repeated key: the last one wins, as in JSON.parse.
    expect(rawArrayElements('{"a": [1], "a": [2, 3]}', ['a'])).toEqual(['2', '3']);
  });
});

describe('payloadsFromReply', () => {
  it('lands the whole reply as one payload', () => {
    expect(payloadsFromReply(JSON.stringify(ASTROS, null, 2), json)).toEqual({ ok: true, payloads: [JSON.stringify(ASTROS)] });
  });

  it('lands one payload per element for json_each', () => {
    const check = payloadsFromReply(JSON.stringify(ASTROS), each);
    expect(check).toEqual({ ok: true, payloads: ASTROS.people.map((p) => JSON.stringify(p)) });
  });

  it.each([
    ['', 'the reply is empty'],
    ['{"message": "succ', 'the reply is truncated JSON (Unterminated string in JSON at position 17)'],
    ['{"message": success}', 'the reply is not valid JSON (Unexpected token \'s\', "{"message": success}" is not valid JSON)'],
    ['{"message": "success", "number": null}', 'the reply lacks the required fields number, people'],
    ['[1, 2]', 'the reply lacks the required fields message, number, people'],
  ])('rejects %j', (body, reason) => {
    expect(payloadsFromReply(body, json)).toEqual({ ok: false, reason });
  });

  it('rejects a json_each reply whole when one element is bad', () => {
    const body = JSON.stringify({ people: [{ name: 'a', craft: 'ISS' }, { name: 'b' }] });
    expect(payloadsFromReply(body, each)).toEqual({ ok: false, reason: 'element 1 lacks the required field craft' });
    expect(payloadsFromReply('{"people": 3}', each)).toEqual({ ok: false, reason: "'people' in the reply is not an array (format json_each needs one)" });
  });

  it('checks dotted paths', () => {
    const shape = { format: 'json' as const, path: [], required: ['iss_position.latitude'] };
    expect(payloadsFromReply('{"iss_position": {"latitude": "1.5"}}', shape).ok).toBe(true);
    expect(payloadsFromReply('{"iss_position": {}}', shape)).toEqual({ ok: false, reason: 'the reply lacks the required field iss_position.latitude' });
  });
});

describe('payloadsFromFetcher', () => {
  it('takes rows, JSON strings, or a single item', () => {
    expect(payloadsFromFetcher([{ a: 1 }, ' {"a": 2} '], ['a'])).toEqual({ ok: true, payloads: ['{"a":1}', '{"a":2}'] });
    expect(payloadsFromFetcher({ a: 1 }, [])).toEqual({ ok: true, payloads: ['{"a":1}'] });
  });

  it('rejects what is not a row', () => {
    expect(payloadsFromFetcher([{ a: 1 }, 42], [])).toMatchObject({ ok: false, reason: expect.stringContaining('number for item 1') });
    expect(payloadsFromFetcher(['{"a"'], [])).toMatchObject({
      ok: false,
      reason: expect.stringContaining('item 0 returned by the fetcher: the reply is truncated'),
    });
    expect(payloadsFromFetcher([{ b: 1 }], ['a'])).toEqual({ ok: false, reason: 'element 0 lacks the required field a' });
  });
});

describe('landing plan', () => {
  const url = 'http://api.test/astros.json';
  const t0 = Date.parse('2026-11-23T10:00:00Z');
  const A = '{"v":"A"}';
  const B = '{"v":"B"}';

  it('creates a ReplacingMergeTree keyed on the hash, and a quarantine table', () => {
    expect(landingTableDdl('astro', 'raw_astros')).toContain('CREATE TABLE IF NOT EXISTS `astro`.`raw_astros`');
    expect(landingTableDdl('astro', 'raw_astros')).toMatch(/ENGINE = ReplacingMergeTree\(_inserted_at\)\nORDER BY _hash/);
    expect(landingTableDdl('astro', 'raw_astros')).not.toContain('ON CLUSTER');
    expect(landingTableDdl('astro', 'raw_astros', 'ms', 'shards')).toContain('CREATE TABLE IF NOT EXISTS `astro`.`raw_astros` ON CLUSTER `shards` (');
    expect(rejectedTableDdl('astro', 'raw_astros', 'ms', 'shards')).toContain('`astro`.`raw_astros__rejected` ON CLUSTER `shards` (');
    expect(landingDatabaseDdl('astro', 'shards')).toBe('CREATE DATABASE IF NOT EXISTS `astro` ON CLUSTER `shards`');
    expect(rejectedTableDdl('astro', 'raw_astros')).toContain('`astro`.`raw_astros__rejected`');
  });

  it('hashes with sha256 and stamps in UTC with milliseconds', () => {
    expect(hashPayload('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(formatDateTime64(t0 + 7)).toBe('2026-11-23 10:00:00.007');
  });

  it('lands a first reply, collapsing repeats within it', () => {
    const plan = planBatch([A, B, A], { hashes: new Set(), insertedAtMs: undefined }, t0, url);
    expect(plan.rows.map((r) => r.payload)).toEqual([A, B]);
    expect(plan.duplicates).toBe(1);
    expect(plan.rows[0]).toEqual({ payload: A, _hash: hashPayload(A), _source_url: url, _inserted_at: '2026-11-23 10:00:00.000' });
  });

  it('skips a reply equal to the latest batch', () => {
    const plan = planBatch([A], { hashes: new Set([hashPayload(A)]), insertedAtMs: t0 }, t0 + 60_000, url);
    expect(plan).toMatchObject({ rows: [], duplicates: 1 });
  });

  it('re-stamps content that comes back after a change, so the latest snapshot is right', () => {
    // A landed, then B; A again must become the latest batch.
    const plan = planBatch([A], { hashes: new Set([hashPayload(B)]), insertedAtMs: t0 + 60_000 }, t0 + 120_000, url);
    expect(plan.rows.map((r) => [r.payload, r._inserted_at])).toEqual([[A, '2026-11-23 10:02:00.000']]);
  });

  it('never stamps a batch before the latest one', () => {
    const plan = planBatch([B], { hashes: new Set([hashPayload(A)]), insertedAtMs: t0 }, t0 - 5_000, url);
    expect(plan.insertedAtMs).toBe(t0 + 1);
  });

  describe('on servers without DateTime64 (before 20.1)', () => {
    it('stores _inserted_at as DateTime, in whole seconds', () => {
      expect(stampPrecision({ dateTime64: false })).toBe('s');
      expect(stampPrecision({ dateTime64: true })).toBe('ms');
      expect(landingTableDdl('astro', 'raw_astros', 's')).toContain("_inserted_at DateTime('UTC')\n");
      expect(landingTableDdl('astro', 'raw_astros', 's')).not.toContain('DateTime64');
      expect(rejectedTableDdl('astro', 'raw_astros', 's')).toContain("_inserted_at DateTime('UTC')\n");
      expect(latestBatchSql('astro', 'raw_astros', 's')).not.toContain('toUnixTimestamp64Milli');
      expect(formatStamp(t0 + 7, 's')).toBe('2026-11-23 10:00:00');
    });

    it('steps stamps by a second, so two replies within one second stay two batches', () => {
      const first = planBatch([A], { hashes: new Set(), insertedAtMs: undefined }, t0 + 400, url, 's');
      expect(first.rows[0]?._inserted_at).toBe('2026-11-23 10:00:00');
      const second = planBatch([B], { hashes: new Set([hashPayload(A)]), insertedAtMs: first.insertedAtMs }, t0 + 900, url, 's');
      expect(second.rows[0]?._inserted_at).toBe('2026-11-23 10:00:01');
    });
  });
});
