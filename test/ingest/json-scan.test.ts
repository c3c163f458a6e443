/**
 * The chunked JSON scanner (src/ingest/json-scan.ts) against JSON.parse and the in-memory
 * splitter (json-text.ts) on seeded random texts, each fed in random chunk sizes: it accepts
 * exactly what JSON.parse accepts, and yields the same minified elements.
 */
import { describe, expect, it } from 'vitest';
import { minifiedArrayElements, minifyJson } from '../../src/ingest/json-text.js';
import { JsonScanner } from '../../src/ingest/json-scan.js';
import { createSpool } from '../../src/ingest/spool.js';
import { checkSpooledReply } from '../../src/ingest/spooled-reply.js';
import { seededRandom } from '../support/seeded-random.js';

/** The elements a scan hands over; with `whole`, also taking them in one call where it can (elementWhole), and how many came so. */
function scan(text: string, random: () => number, elementDepth = 1, validated = false, whole = false) {
  const elements: string[] = [];
  let current: Buffer[] = [];
  let wholes = 0;
  const scanner = new JsonScanner(
    {
      elementBytes: (chunk, start, end) => current.push(Buffer.from(chunk.subarray(start, end))),
      elementEnd: () => {
        elements.push(Buffer.concat(current).toString('utf8'));
        current = [];
      },
      ...(whole
        ? {
            elementWhole: (chunk: Buffer, start: number, end: number) => {
              expect(current).toEqual([]);
              elements.push(chunk.toString('utf8', start, end));
              wholes += 1;
            },
          }
        : {}),
    },
    elementDepth,
    false,
    Number.POSITIVE_INFINITY,
    validated,
  );
  feed(scanner, text, random);
  return { end: scanner.end(), elements, wholes };
}

/**
 * Writes the text in chunks of random sizes: a few bytes (every state split across chunks) or up
 * to a few hundred (long string runs read a word at a time, keys decoded within one chunk).
 */
function feed(scanner: JsonScanner, text: string, random: () => number): void {
  const bytes = Buffer.from(text);
  for (let at = 0; at < bytes.length; ) {
    const size = random() < 0.5 ? 1 + Math.floor(random() * 7) : 1 + Math.floor(random() * 400);
    if (!scanner.write(bytes.subarray(at, at + size))) break;
    at += size;
  }
}

/** Each value's path in document order, as JSON.parse's value gives it (keys unescaped, indexes as text). */
function pathsOf(value: unknown, path: string[] = [], out: string[] = []): string[] {
  out.push(path.join('/'));
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...path, String(index)], out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
  return out;
}

/** Long strings, with a quote, a backslash or a non-ASCII letter past the first 64 bytes, as well as short ones. */
const LONG_STRINGS = [`${'x'.repeat(70)}"${'y'.repeat(90)}`, `${'é'.repeat(50)}\\${'z'.repeat(80)}`, `${'w'.repeat(200)}\u0001`, 'ü'.repeat(130)];
const KEYS = ['quo"te', 'back\\slash', 'tab\there', `${'long key '.repeat(12)}ü`];

function randomValue(random: () => number, depth: number): unknown {
  const pick = Math.floor(random() * (depth > 3 ? 5 : 7));
  switch (pick) {
    case 0:
      return Math.floor(random() * 2e6) - 1e6;
    case 1:
      return random() * 1e3;
    case 2:
      return ['', 'a b', 'tab\there', 'quote"q', 'back\\slash', 'ünï ✓', '\u0001', 'x'.repeat(20), ...LONG_STRINGS][Math.floor(random() * 12)];
    case 3:
      return [true, false, null][Math.floor(random() * 3)];
    case 4:
      return 1e21 * random();
    case 5:
      return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: Math.floor(random() * 4) }, (_, i) => [
          random() < 0.2 ? `${KEYS[Math.floor(random() * KEYS.length)]}${i}` : `k${i} ${'é'.repeat(i)}`,
          randomValue(random, depth + 1),
        ]),
      );
  }
}

function spaced(text: string, random: () => number): string {
  // Whitespace after punctuation outside strings (JSON.stringify output has no raw whitespace in strings).
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    out += ch;
    if (ch === '"' && text[i - 1] !== '\\') inString = !inString;
    else if (ch === '"') {
      let k = i - 1;
      while (text[k] === '\\') k -= 1;
      if ((i - 1 - k) % 2 === 0) inString = !inString;
    }
    if (!inString && ',:[]{}'.includes(ch) && random() < 0.3) out += [' ', '\n', '\t', '\r\n  '][Math.floor(random() * 4)];
  }
  return out;
}

describe('JsonScanner', () => {
  it('splits 500 random arrays as json-text does, whatever the chunk sizes', () => {
    const random = seededRandom(20261206);
    let wholes = 0;
    let inRuns = 0;
    for (let n = 0; n < 500; n += 1) {
      const value = Array.from({ length: Math.floor(random() * 6) }, () => randomValue(random, 1));
      const text = spaced(JSON.stringify(value), random);
      const result = scan(text, random);
      expect(result.end, text).toEqual({ ok: true });
      expect(result.elements, text).toEqual(minifiedArrayElements(text, []));
      const whole = scan(text, random, 0);
      expect(whole.elements, text).toEqual([minifyJson(text)]);
      // Read again as a spooled reply's second read does, knowing the text valid: the same elements.
      expect(scan(text, random, 1, true).elements, text).toEqual(result.elements);
      // Taking an element in one call where it came as one run of one chunk: the same elements.
      const taken = scan(text, random, 1, false, true);
      expect(taken.elements, text).toEqual(result.elements);
      wholes += taken.wholes;
      inRuns += taken.elements.length - taken.wholes;
    }
    // Both ways were taken, many times.
    expect(wholes).toBeGreaterThan(100);
    expect(inRuns).toBeGreaterThan(100);
  });

  it('accepts exactly what JSON.parse accepts, on 3,000 mutated texts', () => {
    const random = seededRandom(7);
    const alphabet = ['{', '}', '[', ']', ',', ':', '"', '\\', ' ', '0', '1', '-', '.', 'e', '+', 't', 'n', 'u', 'x', '\u0002'];
    let accepted = 0;
    for (let n = 0; n < 3000; n += 1) {
      const base = spaced(JSON.stringify(randomValue(random, 0)), random);
      const chars = [...base];
      const edits = 1 + Math.floor(random() * 3);
      for (let e = 0; e < edits && chars.length > 0; e += 1) {
        const at = Math.floor(random() * chars.length);
        const kind = random();
        if (kind < 0.33) chars.splice(at, 1);
        else if (kind < 0.66) chars.splice(at, 0, alphabet[Math.floor(random() * alphabet.length)]!);
        else chars.length = at; // truncated
      }
      const text = chars.join('');
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      const result = scan(text, random, -1);
      expect(result.end.ok, `${JSON.stringify(text)} ${JSON.stringify(result.end)}`).toBe(parses);
      if (parses) accepted += 1;
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it("reports every value's path as JSON.parse's value has it, on 500 random texts, whatever the chunk sizes", () => {
    const random = seededRandom(20261208);
    for (let n = 0; n < 500; n += 1) {
      const value = randomValue(random, 0);
      const text = spaced(JSON.stringify(value), random);
      for (const validated of [false, true]) {
        const seen: string[] = [];
        const scanner: JsonScanner = new JsonScanner(
          { valueStart: (depth) => seen.push(Array.from({ length: depth }, (_, level) => scanner.pathAt(level)).join('/')) },
          -1,
          false,
          Number.POSITIVE_INFINITY,
          validated,
        );
        feed(scanner, text, random);
        expect(scanner.end(), text).toEqual({ ok: true });
        expect(seen, text).toEqual(pathsOf(value));
      }
    }
  });

  it('keeps a key up to the same length whether it arrives in one chunk or in many', () => {
    const keyAt = (key: string, size: number) => {
      let seen: string | undefined = 'not seen';
      const scanner: JsonScanner = new JsonScanner({ valueStart: (depth) => depth === 1 && (seen = scanner.pathAt(0)) });
      const bytes = Buffer.from(`{"${key}": 1}`);
      for (let at = 0; at < bytes.length; at += size) scanner.write(bytes.subarray(at, at + size));
      expect(scanner.end()).toEqual({ ok: true });
      return seen;
    };
    for (const length of [4094, 4095, 4096]) {
      const key = 'k'.repeat(length);
      expect(keyAt(key, 1 << 20), `${length} bytes`).toBe(keyAt(key, 7));
    }
    expect(keyAt('k'.repeat(4095), 1 << 20)).toBe('k'.repeat(4095));
    expect(keyAt('k'.repeat(4096), 1 << 20)).toBeUndefined();
  });

  it('says truncated when the text stops inside a value, and where', () => {
    const random = seededRandom(1);
    expect(scan('[{"a": 1}, {"b"', random).end).toEqual({ ok: false, reason: 'the reply is truncated JSON (it ends inside a value, at byte 15)' });
    expect(scan('  ', random).end).toEqual({ ok: false, reason: 'the reply is empty' });
    expect(scan('[1,]', random).end).toEqual({ ok: false, reason: "the reply is not valid JSON (an unexpected ']' at byte 3)" });
  });

  it('reports the path of each value start (object keys decoded, array indexes)', () => {
    const seen: string[] = [];
    const scanner: JsonScanner = new JsonScanner({
      valueStart: (depth, at) => seen.push(`${Array.from({ length: depth }, (_, l) => scanner.pathAt(l)).join('.')}@${at}`),
    });
    scanner.write(Buffer.from('{"d\\u0061ta": {"items": [1, 2]}}'));
    expect(scanner.end()).toEqual({ ok: true });
    expect(seen).toEqual(['@0', 'data@14', 'data.items@24', 'data.items.0@25', 'data.items.1@28']);
  });

  it('decodes keys only in objects shallower than keyDepth (a spooled scan skips the keys it never reads)', () => {
    const seen: string[] = [];
    const scanner: JsonScanner = new JsonScanner(
      { valueStart: (depth) => seen.push(Array.from({ length: depth }, (_, l) => scanner.pathAt(l) ?? '?').join('.')) },
      -1,
      false,
      2,
    );
    scanner.write(Buffer.from('{"a": {"b": {"c": 1}}}'));
    expect(scanner.end()).toEqual({ ok: true });
    expect(seen).toEqual(['', 'a', 'a.b', 'a.b.?']);
  });
});

describe('checkSpooledReply', () => {
  it('checks required fields nested inside each element, keys decoded as deep as the longest path', () => {
    const check = (text: string) => {
      const writer = createSpool();
      writer.write(Buffer.from(text));
      const spool = writer.finish();
      try {
        return checkSpooledReply(spool, { format: 'json_each', path: ['items'], required: ['id', 'price.amount'] });
      } finally {
        spool.remove();
      }
    };
    expect(check('{"items": [{"id": 1, "price": {"amount": 2, "x": {"y": 3}}}]}')).toMatchObject({ ok: true, elements: 1 });
    expect(check('{"items": [{"id": 1, "price": {"amount": 2}}, {"id": 2, "price": {"x": {"amount": 3}}}]}')).toEqual({
      ok: false,
      reason: 'element 1 lacks the required field price.amount',
    });
  });
});
