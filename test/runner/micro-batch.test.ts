import { describe, expect, it } from 'vitest';
import { type Answer, MicroBatcher } from '../../src/runner/micro-batch.js';

function recorder(lanes: number, maxBatch: number, answerOf: (item: number) => Answer<string> = (item) => ({ ok: true, value: `v${item}` })) {
  const batches: number[][] = [];
  let running = 0;
  let mostAtOnce = 0;
  const batcher = new MicroBatcher<number, string>(lanes, maxBatch, async (items) => {
    batches.push([...items]);
    running += 1;
    mostAtOnce = Math.max(mostAtOnce, running);
    await new Promise((resolve) => setTimeout(resolve, 5));
    running -= 1;
    return items.map(answerOf);
  });
  return { batcher, batches, mostAtOnce: () => mostAtOnce };
}

describe('MicroBatcher', () => {
  it('sends what is submitted in one turn together, spread over the free lanes, each caller getting its own answer', async () => {
    const { batcher, batches } = recorder(2, 16);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map((item) => batcher.submit(item)));
    expect(answers).toEqual(['v1', 'v2', 'v3', 'v4', 'v5', 'v6']);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('never runs more batches at once than it has lanes, nor more items in one than its limit', async () => {
    const { batcher, batches, mostAtOnce } = recorder(2, 4);
    const items = Array.from({ length: 30 }, (_, index) => index);
    await Promise.all(items.map((item) => batcher.submit(item)));
    expect(mostAtOnce()).toBe(2);
    expect(Math.max(...batches.map((batch) => batch.length))).toBe(4);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(items);
  });

  it('lets work submitted while the lanes are busy join the next batch', async () => {
    const { batcher, batches } = recorder(1, 16);
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [2, 3, 4].map((item) => batcher.submit(item));
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it('sends waiting work of a higher priority first, and equals in the order they came', async () => {
    const { batcher, batches } = recorder(1, 2);
    const first = batcher.submit(1);
    await new Promise((resolve) => setImmediate(resolve));
    const later = [batcher.submit(2), batcher.submit(3, 1), batcher.submit(4), batcher.submit(5, 1), batcher.submit(6, 2)];
    await Promise.all([first, ...later]);
    expect(batches).toEqual([[1], [6, 3], [5, 2], [4]]);
  });

  it('rejects only the callers whose item failed, and every caller of a batch that threw', async () => {
    const { batcher } = recorder(1, 16, (item) => (item === 2 ? { ok: false, error: new Error('two is refused') } : { ok: true, value: `v${item}` }));
    const settled = await Promise.allSettled([1, 2, 3].map((item) => batcher.submit(item)));
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('two is refused'));

    const throwing = new MicroBatcher<number, string>(1, 16, async () => {
      throw new Error('the whole batch failed');
    });
    const all = await Promise.allSettled([1, 2].map((item) => throwing.submit(item)));
    expect(all.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
