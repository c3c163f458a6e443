/**
 * compile_index.json's lookups (src/tasks/compile-index.ts): the index is kept as parallel
 * arrays, and the patched compile asks it by id and by name as it asked the objects it replaced.
 */
import { describe, expect, it } from 'vitest';
import { IndexLookup, type CompileIndex } from '../../src/tasks/compile-index.js';

const index: CompileIndex = {
  format: 2,
  build: 'test',
  manifest: { size: 100, mtimeMs: 1 },
  models: ['model.shop.orders', 'model.shop.unknown_config'],
  offsets: [10, 20, 30, 45],
  inFile: ['{}', null],
  refable: { names: ['orders', 'ephemeral_one', 'orders'], relations: [['seeds', 'orders'], null, ['analytics', 'orders']] },
  sources: { keys: ['raw.events'], relations: [['raw', 'events']] },
};

describe('IndexLookup', () => {
  it("gives a model's entry and config calls, and nothing for a model whose config calls are not known", () => {
    const lookup = new IndexLookup(index);
    expect(lookup.model('model.shop.orders')).toEqual({ start: 10, end: 20, inFile: '{}' });
    expect(lookup.model('model.shop.unknown_config')).toBeUndefined();
    expect(lookup.model('model.shop.absent')).toBeUndefined();
  });

  it('finds refs as the object it replaced did: the last of a name wins (a model after a seed of the same name)', () => {
    const lookup = new IndexLookup(index);
    expect(lookup.refable('orders')).toEqual(['analytics', 'orders']);
    expect(lookup.refable('ephemeral_one')).toBeNull();
    expect(lookup.refable('absent')).toBeUndefined();
    expect(lookup.source('raw.events')).toEqual(['raw', 'events']);
    expect(lookup.source('raw.absent')).toBeUndefined();
  });
});
