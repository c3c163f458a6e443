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

  it('shares one frozen list among nodes without parents or children, and still adds edges to them', () => {
    const graph = graphOf({ a: [], b: [], c: ['a'] });
    expect(graph.childList('b')).toBe(graph.childList('c'));
    expect(graph.parentList('a')).toBe(graph.parentList('b'));
    expect(Object.isFrozen(graph.childList('b'))).toBe(true);
    graph.setEdge('b', 'c');
    graph.setEdge('c', 'a');
    expect(childrenIn(graph, 'b')).toEqual(['c']);
    expect(parentsIn(graph, 'a')).toEqual(['c']);
    expect(childrenIn(graph, 'c')).toEqual(['a']);
    expect(parentsIn(graph, 'b')).toEqual([]);
    expect(graph.edgeCount()).toBe(3);
  });

  it('keeps one edge per pair, for nodes with few parents and with many', () => {
    const many = Array.from({ length: 40 }, (_, i) => `p${i}`);
    const parents: Record<string, string[]> = Object.fromEntries(many.map((id) => [id, []]));
    // Each parent twice, the second time after the parent set was made (16 or more parents).
    parents.hub = [...many, ...many];
    parents.small = ['p1', 'p2', 'p1'];
    const graph = graphOf(parents);
    expect(graph.edgeCount()).toBe(42);
    expect(parentsIn(graph, 'hub')).toEqual(many);
    expect(parentsIn(graph, 'small')).toEqual(['p1', 'p2']);
    expect(childrenIn(graph, 'p1')).toEqual(['hub', 'small']);
    expect([graph.hasEdge('p39', 'hub'), graph.hasEdge('p3', 'small'), graph.hasEdge('hub', 'p1'), graph.hasEdge('p1', 'missing')]).toEqual([
      true,
      false,
      false,
      false,
    ]);
    graph.setEdge('p3', 'small').setEdge('p3', 'small').setEdge('p0', 'hub');
    expect([graph.edgeCount(), graph.hasEdge('p3', 'small'), parentsIn(graph, 'small')]).toEqual([43, true, ['p1', 'p2', 'p3']]);
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
      cycles: [
        ['m', 'o', 'n', 'm'],
        ['x', 'y', 'x'],
      ],
    },
    {
      name: 'cycles downstream of a chain and of each other, a self-reference among their descendants',
      parents: { s0: [], s1: ['s0'], s2: ['s1'], a: ['s2', 'b'], b: ['a'], t1: ['a'], t2: ['b', 't2'], c: ['t1', 'd'], d: ['c'], leaf: ['d', 's2'] },
      cycles: [
        ['a', 'b', 'a'],
        ['c', 'd', 'c'],
        ['t2', 't2'],
      ],
    },
  ])('$name', ({ parents, cycles }) => {
    expect(findCyclePaths(graphOf(parents))).toEqual(cycles);
  });
});
