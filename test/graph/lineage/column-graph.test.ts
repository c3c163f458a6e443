/** Walking column lineage across models: upstream to the sources, downstream to every user, with a depth limit. */
import { describe, expect, it } from 'vitest';
import { type ModelLineage, modelsDownstreamOfColumn, walkColumn, type LineageStep } from '../../../src/graph/lineage/column-graph.js';

const LINEAGE = new Map<string, ModelLineage>([
  [
    'model.p.stg',
    { checksum: '', columns: [{ name: 'x', type: 'UInt8', upstream: [{ node: 'source.p.raw.t', column: 'a', kind: 'transformation' }], unknown: [] }] },
  ],
  [
    'model.p.mart',
    {
      checksum: '',
      columns: [
        { name: 'total', type: 'UInt64', upstream: [{ node: 'model.p.stg', column: 'x', kind: 'aggregation' }], unknown: [] },
        { name: 'n', type: 'UInt64', upstream: [], unknown: ["column 'number' comes from the table function numbers()"] },
      ],
    },
  ],
  [
    'model.p.top',
    { checksum: '', columns: [{ name: 'best', type: 'UInt64', upstream: [{ node: 'model.p.mart', column: 'total', kind: 'identity' }], unknown: [] }] },
  ],
]);

const flat = (step: LineageStep, depth = 0): string[] => [
  `${'  '.repeat(depth)}${step.node}.${step.column}${step.kind ? ` ${step.kind}` : ''}${step.truncated ? ' …' : ''}${step.unknown ? ` ? ${step.unknown.join()}` : ''}`,
  ...step.next.flatMap((next) => flat(next, depth + 1)),
];

describe('walkColumn', () => {
  it('walks upstream to the sources', () => {
    expect(flat(walkColumn(LINEAGE, 'model.p.top', 'best', { direction: 'upstream', depth: null }))).toEqual([
      'model.p.top.best',
      '  model.p.mart.total identity',
      '    model.p.stg.x aggregation',
      '      source.p.raw.t.a transformation',
    ]);
  });

  it('stops at --depth and says more lies beyond', () => {
    expect(flat(walkColumn(LINEAGE, 'model.p.top', 'best', { direction: 'upstream', depth: 1 }))).toEqual([
      'model.p.top.best',
      '  model.p.mart.total identity …',
    ]);
  });

  it('walks downstream from a source column', () => {
    expect(flat(walkColumn(LINEAGE, 'source.p.raw.t', 'a', { direction: 'downstream', depth: null }))).toEqual([
      'source.p.raw.t.a',
      '  model.p.stg.x transformation',
      '    model.p.mart.total aggregation',
      '      model.p.top.best identity',
    ]);
    expect([...modelsDownstreamOfColumn(LINEAGE, 'source.p.raw.t', 'a', 2)].sort()).toEqual(['model.p.mart', 'model.p.stg']);
  });

  it('carries what the engine could not trace', () => {
    expect(flat(walkColumn(LINEAGE, 'model.p.mart', 'n', { direction: 'upstream', depth: null }))).toEqual([
      "model.p.mart.n ? column 'number' comes from the table function numbers()",
    ]);
  });
});
