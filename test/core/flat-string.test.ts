import { expect, test } from 'vitest';
import { flattened, keptOnce } from '../../src/core/flat-string.js';

test('flattened gives back an equal string, lone surrogates and short strings included', () => {
  const pieces = ['test.', 'demo', '.', 'not_null_orders_id', '.', 'abcdef0123'];
  const built = pieces.reduce((text, piece) => `${text}${piece}`, '');
  expect(flattened(built)).toBe('test.demo.not_null_orders_id.abcdef0123');
  for (const text of ['', 'short', 'a\uD800 lone surrogate and more', 'ünïcödé ✓ long enough to be a tree', '"quoted\\"\n']) expect(flattened(text)).toBe(text);
});

test('keptOnce keeps the first of equal texts and hands it out for the later ones', () => {
  const texts = new Map<string, string>();
  const first = keptOnce(texts, ['{{ get_where_subquery(', "ref('orders')", ') }}'].join(''));
  expect(first).toBe("{{ get_where_subquery(ref('orders')) }}");
  expect(keptOnce(texts, `{{ get_where_subquery(${"ref('orders')"}) }}`)).toBe(first);
  expect(keptOnce(texts, 'other')).toBe('other');
  expect([...texts.keys()]).toEqual([first, 'other']);
});
