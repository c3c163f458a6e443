import { expect, test } from 'vitest';
import { flattened } from '../../src/core/flat-string.js';

test('flattened gives back an equal string, lone surrogates and short strings included', () => {
  const pieces = ['test.', 'demo', '.', 'not_null_orders_id', '.', 'abcdef0123'];
  const built = pieces.reduce((text, piece) => `${text}${piece}`, '');
  expect(flattened(built)).toBe('test.demo.not_null_orders_id.abcdef0123');
  for (const text of ['', 'short', 'a\uD800 lone surrogate and more', 'ünïcödé ✓ long enough to be a tree', '"quoted\\"\n']) expect(flattened(text)).toBe(text);
});
