/** The DAG scheduler with scripted work: no database, no timers; each node finishes when the test says so. */
import { describe, expect, it } from 'vitest';
import { runDag, type Outcome, type SchedulerNode } from '../../src/runner/dag-scheduler.js';

/** `child: [parents]` → scheduler nodes. */
function dag(parents: Record<string, string[]>): SchedulerNode[] {
  return Object.entries(parents).map(([id, ps]) => ({ id, parents: ps }));
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Runs a DAG whose nodes finish only when `finish(id, outcome)` is called. Records everything. */
function scripted(nodes: SchedulerNode[], concurrency: number, signal?: AbortSignal) {
  const pending = new Map<string, (outcome: Outcome) => void>();
  const log: string[] = [];
  const skipped: { id: string; failedParent?: string; stopped?: boolean }[] = [];
  let running = 0;
  let maxRunning = 0;
  const slotsInUse = new Set<number>();
  const done = runDag(
    nodes,
    concurrency,
    {
      run: (id, slot) => {
        if (slotsInUse.has(slot)) throw new Error(`slot ${slot} handed out twice`);
        slotsInUse.add(slot);
        running += 1;
        maxRunning = Math.max(maxRunning, running);
        log.push(`start ${id}`);
        return new Promise<Outcome>((resolve) => {
          pending.set(id, (outcome) => {
            running -= 1;
            slotsInUse.delete(slot);
            log.push(`${outcome} ${id}`);
            resolve(outcome);
          });
        });
      },
      skip: (id, reason) => {
        log.push(`skip ${id}`);
        skipped.push({ id, ...reason });
      },
    },
    signal,
  );
  let finished = false;
  void done.then(() => (finished = true));
  return {
    log,
    skipped,
    done,
    get finished() {
      return finished;
    },
    get maxRunning() {
      return maxRunning;
    },
    /** Ids running right now, sorted. */
    running: () => [...pending.keys()].sort(),
    async finish(id: string, outcome: Outcome = 'success') {
      const resolve = pending.get(id);
      if (resolve === undefined) throw new Error(`${id} is not running (running: ${[...pending.keys()].join(', ')})`);
      pending.delete(id);
      resolve(outcome);
      await tick();
    },
    /** Finishes whatever runs, in id order, until nothing does. */
    async drain(outcomes: Record<string, Outcome> = {}) {
      await tick();
      while (pending.size > 0) for (const id of [...pending.keys()].sort()) await this.finish(id, outcomes[id] ?? 'success');
      await done;
    },
  };
}

describe('runDag ordering', () => {
  it('starts a node only after all its parents succeeded', async () => {
    const run = scripted(dag({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] }), 4);
    await tick();
    expect(run.running()).toEqual(['a']);
    await run.finish('a');
    expect(run.running()).toEqual(['b', 'c']);
    await run.finish('b');
    expect(run.running()).toEqual(['c']);
    await run.finish('c');
    expect(run.running()).toEqual(['d']);
    await run.finish('d');
    await run.done;
    expect(run.log).toEqual(['start a', 'success a', 'start b', 'start c', 'success b', 'success c', 'start d', 'success d']);
  });

  it('runs every node exactly once, in a topological order, for a wider graph', async () => {
    const parents = { s1: [], s2: [], m1: ['s1'], m2: ['s1', 's2'], m3: ['m1', 'm2'], leaf1: ['m3'], leaf2: ['m2'], lone: [] };
    const run = scripted(dag(parents), 3);
    await run.drain();
    const started = run.log.filter((line) => line.startsWith('start ')).map((line) => line.slice(6));
    expect([...started].sort()).toEqual(Object.keys(parents).sort());
    for (const [child, ps] of Object.entries(parents)) {
      for (const parent of ps) expect(run.log.indexOf(`success ${parent}`)).toBeLessThan(run.log.indexOf(`start ${child}`));
    }
  });

  it('among ready nodes, starts the head of the longest remaining chain first (ties by id)', async () => {
    const run = scripted(dag({ alone: [], chain1: [], chain2: ['chain1'], chain3: ['chain2'] }), 1);
    await run.drain();
    expect(run.log.filter((line) => line.startsWith('start '))).toEqual(['start chain1', 'start chain2', 'start alone', 'start chain3']);
  });

  it('resolves at once for an empty graph', async () => {
    await expect(runDag([], 4, { run: async () => 'success', skip: () => undefined })).resolves.toBeUndefined();
  });
});

describe('runDag concurrency', () => {
  it('never runs more than `concurrency` nodes at once, and hands each running node its own slot', async () => {
    const run = scripted(dag(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`n${i}`, []]))), 3);
    await tick();
    expect(run.running()).toHaveLength(3);
    await run.drain();
    expect(run.maxRunning).toBe(3);
    expect(run.log.filter((line) => line.startsWith('success'))).toHaveLength(10);
  });

  it('with concurrency 1 runs strictly one at a time', async () => {
    const run = scripted(dag({ a: [], b: [], c: ['a'] }), 1);
    await run.drain();
    expect(run.maxRunning).toBe(1);
  });

  it.each([0, -2, Number.NaN, 1.5])('treats a concurrency of %s as at least 1', async (concurrency) => {
    const run = scripted(dag({ a: [], b: [] }), concurrency);
    await run.drain();
    expect(run.maxRunning).toBe(1);
  });
});

describe('runDag failures', () => {
  it('skips every descendant of a failed node once, naming the failed node, and runs the rest', async () => {
    const run = scripted(dag({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: ['d'], x: [], y: ['x'] }), 2);
    await run.drain({ a: 'failure' });
    expect(run.skipped.sort((p, q) => p.id.localeCompare(q.id))).toEqual([
      { id: 'b', failedParent: 'a' },
      { id: 'c', failedParent: 'a' },
      { id: 'd', failedParent: 'a' },
      { id: 'e', failedParent: 'a' },
    ]);
    expect(run.log).toContain('success y');
  });

  it('skips a node when one parent fails even though the other succeeded', async () => {
    const run = scripted(dag({ ok: [], bad: [], child: ['ok', 'bad'] }), 2);
    await tick();
    await run.finish('ok');
    await run.finish('bad', 'failure');
    await run.done;
    expect(run.skipped).toEqual([{ id: 'child', failedParent: 'bad' }]);
  });

  it('counts a rejected run() as a failure', async () => {
    const skipped: string[] = [];
    await runDag(dag({ a: [], b: ['a'] }), 2, {
      run: async (id) => {
        if (id === 'a') throw new Error('boom');
        return 'success';
      },
      skip: (id) => skipped.push(id),
    });
    expect(skipped).toEqual(['b']);
  });
});

describe('runDag abort', () => {
  it('lets nodes in flight finish, starts nothing new, and skips the rest as stopped', async () => {
    const controller = new AbortController();
    const run = scripted(dag({ a: [], b: [], c: ['a'], d: [] }), 2, controller.signal);
    await tick();
    expect(run.running()).toEqual(['a', 'b']);
    controller.abort();
    await tick();
    expect(run.skipped.map((s) => s.id).sort()).toEqual(['c', 'd']);
    expect(run.skipped.every((s) => s.stopped === true)).toBe(true);
    expect(run.finished).toBe(false);
    await run.finish('a');
    expect(run.running()).toEqual(['b']);
    expect(run.finished).toBe(false);
    await run.finish('b');
    await run.done;
    expect(run.log).toEqual(['start a', 'start b', 'skip c', 'skip d', 'success a', 'success b']);
  });

  it('skips everything when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const run = scripted(dag({ a: [], b: ['a'] }), 2, controller.signal);
    await run.done;
    expect(run.log).toEqual(['skip a', 'skip b']);
  });
});
