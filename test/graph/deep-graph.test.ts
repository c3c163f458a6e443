import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/build-graph.js';
import { findCyclePaths, stronglyConnected } from '../../src/graph/cycles.js';
import type { GraphNode } from '../../src/graph/node.js';
import { criticalPathRank, runDag } from '../../src/runner/dag-scheduler.js';

const node = (id: string): GraphNode => ({
  uniqueId: id,
  name: id,
  resourceType: 'model',
  packageName: 'p',
  fqn: ['p', id],
  originalFilePath: `models/${id}.sql`,
  tags: [],
  config: {},
});

/** A chain m0 → m1 → … deeper than the call stack allows recursion to go. */
const DEPTH = 50_000;
const ids = Array.from({ length: DEPTH }, (_, i) => `m${i}`);

describe('graph algorithms on a 50,000-node chain (no recursion)', () => {
  it('finds no cycle, and finds the one a back edge closes', () => {
    const graph = buildGraph(ids.map(node), (n) => (n.uniqueId === 'm0' ? [] : [`m${Number(n.uniqueId.slice(1)) - 1}`]));
    expect(findCyclePaths(graph)).toEqual([]);
    expect(stronglyConnected(graph)).toHaveLength(DEPTH);
    graph.setEdge(`m${DEPTH - 1}`, 'm0');
    const [cycle] = findCyclePaths(graph);
    expect(cycle).toHaveLength(DEPTH + 1);
    expect(cycle![0]).toBe('m0');
  });

  it('ranks every node by the chain below it, and runs the chain in order', async () => {
    const nodes = ids.map((id, i) => ({ id, parents: i === 0 ? [] : [ids[i - 1]!] }));
    const children = new Map(ids.map((id, i) => [id, i + 1 < DEPTH ? [ids[i + 1]!] : []]));
    const rank = criticalPathRank(nodes, children);
    expect(rank.get('m0')).toBe(DEPTH);
    expect(rank.get(`m${DEPTH - 1}`)).toBe(1);
    const order: string[] = [];
    await runDag(nodes, 8, { run: async (id) => (order.push(id), 'success'), skip: () => undefined });
    expect(order).toEqual(ids);
  });
});
