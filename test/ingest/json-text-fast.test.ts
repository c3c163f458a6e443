/**
 * minifiedArrayElements (one pass that minifies only the elements it saw whitespace in) gives
 * exactly what slicing every element and minifying each gives, whatever the text looks like, and
 * each element is the text of the value JSON.parse found there.
 */
import { describe, expect, it } from 'vitest';
import { minifiedArrayElements, minifyJson, rawArrayElements } from '../../src/ingest/json-text.js';
import { seededRandom } from '../support/seeded-random.js';

function both(text: string, path: string[]) {
  const parsed = path.reduce<unknown>((value, key) => (value as Record<string, unknown>)?.[key], JSON.parse(text));
  const scanned = rawArrayElements(text, path);
  const minified = minifiedArrayElements(text, path);
  // What payload.ts lands: each element minified, however it was found.
  expect(minified).toEqual(scanned?.map(minifyJson));
  // Every element is the value JSON.parse found at its place (a big integer rounds to the same double either way).
  if (Array.isArray(parsed)) expect(minified?.map((element) => JSON.parse(element) as unknown)).toEqual(parsed);
  return { minified, scanned };
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
  ['[{"a": "x y", "b":"p\\" q"},{"c":"\\n\\t"}]', []],
  [
    JSON.stringify(
      {
        items: [
          { id: 1, tags: ['a b', 'c'] },
          { id: 2, nested: { deep: [1, { x: null }] } },
        ],
      },
      null,
      2,
    ),
    ['items'],
  ],
];

describe('minifiedArrayElements', () => {
  it.each(CASES)('%s at %j', (text, path) => {
    both(text, path);
    const compact = both(minifyJson(text), path);
    // Compact text: nothing to minify, every element is the slice itself.
    expect(compact.minified).toEqual(compact.scanned);
  });

  it('agrees on random JSON (seeded)', () => {
    const random = seededRandom(3);
    const scalar = (): string =>
      ['1', '1.0', '-2.5', '1e2', '12345678901234567890', '"s"', '"a\\"b"', '"\\u0041"', 'null', 'true', '0.10'][Math.floor(random() * 11)]!;
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
      expect({ text, elements: result.minified }).toEqual({ text, elements: result.scanned?.map(minifyJson) });
    }
  });
});
