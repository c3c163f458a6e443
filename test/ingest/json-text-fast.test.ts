/**
 * rawArrayElements with the parsed array (elements taken when JSON.stringify reproduces them in
 * place) gives exactly what scanning every element gives, whatever the text looks like.
 */
import { describe, expect, it } from 'vitest';
import { minifiedArrayElements, minifyJson, rawArrayElements } from '../../src/ingest/json-text.js';
import { seededRandom } from '../support/seeded-random.js';

function both(text: string, path: string[]) {
  const parsed = path.reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], JSON.parse(text));
  const expected = Array.isArray(parsed) ? parsed : undefined;
  const scanned = rawArrayElements(text, path);
  // What payload.ts lands: each element minified, however it was found.
  expect(minifiedArrayElements(text, path, expected)).toEqual(scanned?.map(minifyJson));
  return { withValues: rawArrayElements(text, path, expected), scanned };
}

const CASES: [string, string[]][] = [
  ['[1, 2.0, 1e3, -0, 12345678901234567890, "a\\u00e9\\/", {"b": [1,2]}, [], {}, null, true]', []],
  ['{"items": [{"id": 1}, {"id": 2}], "items": [{"id": 3}]}', ['items']],
  ['{"items": [{"id": 3}], "other": 1, "items": [{"id": 3}]}', ['items']],
  ['{"data": {"rows": [1,2,3]}, "x": "]"}', ['data', 'rows']],
  ['{"a": [[1, 2], [3]], "b": 2}', ['a', '0']],
  ['{"a": {"b": 1}}', ['a']],
  ['{"a": [ 1 , 2 ,3 ] }', ['a']],
  ['[]', []],
];

describe('rawArrayElements with the parsed array', () => {
  it.each(CASES)('%s at %j', (text, path) => {
    const result = both(text, path);
    expect(result.withValues).toEqual(result.scanned);
    const compact = both(minifyJson(text), path);
    expect(compact.withValues).toEqual(compact.scanned);
  });

  it('agrees on random JSON (seeded)', () => {
    const random = seededRandom(3);
    const scalar = (): string => ['1', '1.0', '-2.5', '1e2', '12345678901234567890', '"s"', '"a\\"b"', '"\\u0041"', 'null', 'true', '0.10'][Math.floor(random() * 11)]!;
    const value = (depth: number): string => {
      const roll = random();
      if (depth === 0 || roll < 0.4) return scalar();
      const space = random() < 0.3 ? ' ' : '';
      if (roll < 0.7) return `[${Array.from({ length: Math.floor(random() * 4) }, () => value(depth - 1)).join(`,${space}`)}]`;
      return `{${Array.from({ length: Math.floor(random() * 4) }, (_, i) => `"k${i % 2}":${space}${value(depth - 1)}`).join(',')}}`;
    };
    for (let i = 0; i < 500; i += 1) {
      const text = `{"rows": [${Array.from({ length: 5 }, () => value(3)).join(',')}]}`;
      const result = both(text, ['rows']);
      expect({ text, elements: result.withValues }).toEqual({ text, elements: result.scanned });
    }
  });
});
