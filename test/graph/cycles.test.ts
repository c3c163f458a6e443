import { describe, expect, it } from 'vitest';
import { buildGraph, childrenIn, parentsIn } from '../../src/graph/build-graph.js';
import { findCyclePaths } from '../../src/graph/cycles.js';
import type { GraphNode } from '../../src/graph/node.js';

/** A graph from `child: [parents]`. */
function graphOf(parents: Record<string, string[]>) {
  const nodes: GraphNode[] = Object.keys(parents).map((id) => ({
    uniqueId: id,
    name: id,
    resourceType: 'model',
    packageName: 'p',
    fqn: ['p', id],
    originalFilePath: `models/${id}.sql`,
    tags: [],
    config: {},
  }));
  return buildGraph(nodes, (node) => parents[node.uniqueId] ?? []);
}

describe('buildGraph', () => {
  it('draws edges from parent to child, ignoring parents outside the graph', () => {
    const graph = graphOf({ a: [], b: ['a', 'not_here'], c: ['a', 'b'] });
    expect(graph.edgeCount()).toBe(3);
    expect(childrenIn(graph, 'a').sort()).toEqual(['b', 'c']);
    expect(parentsIn(graph, 'c').sort()).toEqual(['a', 'b']);
    expect(parentsIn(graph, 'missing')).toEqual([]);
  });
});

describe('findCyclePaths', () => {
  it.each<{ name: string; parents: Record<string, string[]>; cycles: string[][] }>([
    { name: 'no cycle', parents: { a: [], b: ['a'], c: ['a', 'b'] }, cycles: [] },
    { name: 'two nodes', parents: { a: ['b'], b: ['a'] }, cycles: [['a', 'b', 'a']] },
    { name: 'self-reference', parents: { a: ['a'] }, cycles: [['a', 'a']] },
    { name: 'three nodes, started at the smallest id', parents: { c: ['b'], b: ['a'], a: ['c'] }, cycles: [['a', 'b', 'c', 'a']] },
    { name: 'the shortest cycle through the start of a tangle', parents: { a: ['d', 'b'], b: ['a'], c: ['b'], d: ['c'] }, cycles: [['a', 'b', 'a']] },
    {
      name: 'two separate cycles, with innocent nodes around them',
      parents: { root: [], x: ['y', 'root'], y: ['x'], m: ['n'], n: ['o'], o: ['m'], leaf: ['x'] },
      cycles: [['m', 'o', 'n', 'm'], ['x', 'y', 'x']],
    },
  ])('$name', ({ parents, cycles }) => {
    expect(findCyclePaths(graphOf(parents))).toEqual(cycles);
  });
});
