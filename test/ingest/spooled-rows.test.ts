/**
 * A reply landed from its spooled file (spooled-reply.ts) must make exactly the rows the same reply
 * makes in memory (payload.ts, landing-plan.ts): the same payloads in the same order, each distinct
 * payload once, the same hashes, and a fingerprint of the set written.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { IngestConfig } from '../../src/ingest/ingest-config.js';
import { encodeLandingRows, formatStamp, planBatch } from '../../src/ingest/landing-plan.js';
import { payloadsFromReply } from '../../src/ingest/payload.js';
import { createSpool } from '../../src/ingest/spool.js';
import { checkSpooledReply, writeSpooledRows } from '../../src/ingest/spooled-reply.js';
import { seededRandom } from '../support/seeded-random.js';

type Shape = Pick<IngestConfig, 'format' | 'path' | 'required'>;

const URL = 'https://api.example.test/items?page=1';
const NOW_MS = Date.UTC(2026, 11, 7, 10, 0, 0, 7);

function inMemory(text: string, shape: Shape): { rows: string; duplicates: number } {
  const check = payloadsFromReply(text, shape);
  if (!check.ok) throw new Error(check.reason);
  const plan = planBatch(check.payloads, { hashes: new Set(), insertedAtMs: undefined }, NOW_MS, URL);
  return { rows: encodeLandingRows(plan.rows).text, duplicates: plan.duplicates };
}

function spooled(text: string, shape: Shape, chunks: number[]): { rows: string; duplicates: number; count: number } {
  const writer = createSpool();
  let at = 0;
  for (const size of chunks) {
    writer.write(Buffer.from(text).subarray(at, at + size));
    at += size;
  }
  writer.write(Buffer.from(text).subarray(at));
  const spool = writer.finish();
  try {
    const checked = checkSpooledReply(spool, shape);
    if (!checked.ok) throw new Error(checked.reason);
    const written = writeSpooledRows(spool, checked, { sourceUrl: URL, stamp: formatStamp(NOW_MS, 'ms') });
    expect(written.rows.length).toBe(written.fingerprint.count);
    return { rows: readFileSync(written.rows.file, 'utf8'), duplicates: written.duplicates, count: written.rows.length };
  } finally {
    spool.remove();
  }
}

/** Elements with repeats (some differing only in whitespace), backslashes, tabs escaped, non-ASCII text and nesting. */
function reply(random: () => number, count: number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const elements: string[] = [];
  for (let i = 0; i < count; i += 1) {
    if (i > 0 && random() < 0.2) {
      // A repeat of an earlier element, spaced differently: the same payload once minified.
      elements.push(elements[Math.floor(random() * i)]!.replaceAll(', ', ',\n   '));
      continue;
    }
    const id = Math.floor(random() * count * 2);
    elements.push(
      `{"id": ${id}, "name": ${JSON.stringify(pick(['plain', 'back\\slash', 'tab\there', 'ü ✓ 日本', 'quote " inside']))}, "tags": [${pick(['', '"a"', '"a", "b"'])}], "nested": {"deep": [1, {"x": null}]}, "pad": "${'x'.repeat(Math.floor(random() * 300))}"}`,
    );
  }
  return `{"meta": {"n": ${count}}, "items": [\n  ${elements.join(',\n  ')}\n]}`;
}

describe('a spooled reply makes the rows the same reply makes in memory', () => {
  it('json_each: the same payloads, hashes and duplicates, whatever the chunks the reply arrived in', () => {
    const random = seededRandom(20261207);
    for (let round = 0; round < 12; round += 1) {
      const text = reply(random, 1 + Math.floor(random() * 400));
      const chunks = Array.from({ length: 20 }, () => 1 + Math.floor(random() * 5000));
      const shape: Shape = { format: 'json_each', path: ['items'], required: ['id'] };
      const expected = inMemory(text, shape);
      const got = spooled(text, shape, chunks);
      expect(got.rows).toBe(expected.rows);
      expect(got.duplicates).toBe(expected.duplicates);
      // Sent minified, as most APIs do: most elements are then one run of one chunk, hashed in one call.
      const minified = JSON.stringify(JSON.parse(text));
      expect(spooled(minified, shape, chunks)).toEqual({ ...inMemory(minified, shape), count: expect.any(Number) });
    }
  });

  it('an element repeated many times is written once; an empty array writes nothing', () => {
    const element = '{"id": 1, "name": "same\\\\again"}';
    const text = `{"items": [${Array.from({ length: 50 }, () => element).join(', ')}]}`;
    const shape: Shape = { format: 'json_each', path: ['items'], required: [] };
    expect(spooled(text, shape, [7, 100])).toEqual({ ...inMemory(text, shape), count: 1 });
    expect(spooled('{"items": []}', shape, [3])).toEqual({ rows: '', duplicates: 0, count: 0 });
  });

  it('json: the whole reply is one payload', () => {
    const text = reply(seededRandom(7), 30);
    const shape: Shape = { format: 'json', path: [], required: ['meta.n'] };
    expect(spooled(text, shape, [1, 2, 3, 4096])).toEqual({ ...inMemory(text, shape), count: 1 });
  });

  it('a key repeated at the path: the last value counts, as in memory', () => {
    const shape: Shape = { format: 'json_each', path: ['items'], required: ['id'] };
    for (const text of [
      '{"items": [{"id": 1}, {"id": 2}], "other": {"items": [{"id": 9}]}, "items": [{"id": 3}]}',
      '{"items": [{"no_id": 1}], "items": [{"id": 3}, {"id": 4}]}',
      '{"items": 5, "items": [{"id": 3}]}',
    ]) {
      expect(spooled(text, shape, [5, 11]), text).toEqual({ ...inMemory(text, shape), count: expect.any(Number) });
    }
    const rejected = '{"items": [{"id": 3}], "items": [{"id": 4}, {"no_id": 5}]}';
    expect(reasonOf(rejected, shape)).toBe('element 1 lacks the required field id');
    expect(payloadsFromReply(rejected, shape)).toEqual({ ok: false, reason: 'element 1 lacks the required field id' });
  });

  it('rejects for the reason a read that validated first would give: invalid JSON, then not an array, then the first element that lacks a field', () => {
    const shape: Shape = { format: 'json_each', path: ['items'], required: ['id'] };
    expect(reasonOf('{"items": [{"no_id": 1}, {"id": 2}], "tail": [1,]}', shape)).toMatch(/^the reply is not valid JSON \(an unexpected '\]' at byte \d+\)$/);
    expect(reasonOf('{"items": {"id": 1}, "tail": tru}', shape)).toMatch(/^the reply is not valid JSON/);
    expect(reasonOf('{"items": {"id": 1}}', shape)).toBe("'items' in the reply is not an array (format json_each needs one)");
    expect(reasonOf('{"meta": {"items": [{"id": 1}]}}', shape)).toBe("'items' in the reply is not an array (format json_each needs one)");
    expect(reasonOf('{"items": [{"id": 1}, {"x": 2}, {"id": 3}, {"y": 4}]}', shape)).toBe('element 1 lacks the required field id');
    expect(reasonOf('[{"id": 1}, {"id": null}]', { ...shape, path: [] })).toBe('element 1 lacks the required field id');
    expect(reasonOf('{"meta": 1}', { format: 'json', path: [], required: ['id', 'meta'] })).toBe('the reply lacks the required field id');
  });
});

function reasonOf(text: string, shape: Shape): string | undefined {
  const writer = createSpool();
  writer.write(Buffer.from(text));
  const spool = writer.finish();
  try {
    const checked = checkSpooledReply(spool, shape);
    return checked.ok ? undefined : checked.reason;
  } finally {
    spool.remove();
  }
}
