/** TSDBT_FAILPOINT (src/adapter/failpoint.ts): which statement the crash-safety tests stop at, counted as the log counts them. */
import { describe, expect, it } from 'vitest';
import { parseFailpoint, withFailpoint } from '../../src/adapter/failpoint.js';
import type { Adapter } from '../../src/core/adapter-types.js';

function recordingAdapter(log: string[]): Adapter {
  return {
    type: 'chdb',
    description: 'fake',
    execute: async (sql: string) => (log.push(`execute ${sql}`), {}),
    query: async (sql: string) => (log.push(`query ${sql}`), []),
    insert: async (database: string, table: string) => (log.push(`insert ${database}.${table}`), {}),
  } as unknown as Adapter;
}

describe('failpoint', () => {
  it('reads kill-before-statement:N and kill-after-statement:N, and nothing else', () => {
    expect(parseFailpoint('kill-after-statement:3')).toEqual({ when: 'after', statement: 3 });
    expect(parseFailpoint(' kill-before-statement:1 ')).toEqual({ when: 'before', statement: 1 });
    for (const spec of [undefined, '', 'kill-after-statement', 'kill-after-statement:x', 'crash:3']) expect(parseFailpoint(spec)).toBeUndefined();
  });

  it('unset: the adapter itself, untouched', () => {
    const adapter = recordingAdapter([]);
    expect(withFailpoint(adapter, undefined)).toBe(adapter);
  });

  it.each([
    ['kill-after-statement:2', ['execute A', 'query B', 'killed']],
    ['kill-before-statement:2', ['execute A', 'killed', 'query B']],
  ])('%s stops at the second statement of any kind', async (spec, expected) => {
    const log: string[] = [];
    const adapter = withFailpoint(recordingAdapter(log), spec, () => log.push('killed'));
    await adapter.execute('A');
    await adapter.query('B');
    await adapter.insert('db', 't', []);
    expect(log.slice(0, 3)).toEqual(expected);
    expect(log.filter((line) => line === 'killed')).toHaveLength(1);
  });
});
