import { describe, expect, it } from 'vitest';
import { jsonChunks } from '../../src/artifacts/write-artifacts.js';

describe('jsonChunks', () => {
  it('writes exactly what JSON.stringify(value) writes (compact, as dbt writes artifacts)', () => {
    const value = {
      metadata: { generated_at: new Date(0), env: {}, list: [1, 'two', { three: 3 }], nested: { deeper: { deepest: [] } } },
      nodes: {
        'model.a.b': { name: 'b', skipped: undefined, fn: () => 1, text: 'line\nbreak "quoted"', config: { tags: [] }, empty: {} },
        'model.a.c': null,
      },
      empty: {},
      list: [],
      text: 'x',
      number: 1.5,
      nothing: null,
    };
    for (const depth of [0, 1, 2, 3, 5]) expect([...jsonChunks(value, depth)].join('')).toBe(JSON.stringify(value));
    expect([...jsonChunks([1, { a: 2 }], 2)].join('')).toBe(JSON.stringify([1, { a: 2 }]));
    expect([...jsonChunks('text', 2)].join('')).toBe('"text"');
  });
});
