/** What the page script does without a DOM: selection with the CLI's grammar, search, and the lineage layout. */
import { describe, expect, it } from 'vitest';
import { layoutLineage, nodeWidth } from '../../src/docs/client/layout.js';
import { HIDDEN_BY_DEFAULT, SiteModel } from '../../src/docs/client/site-model.js';
import type { SiteGraph, SiteNode } from '../../src/docs/site-types.js';
import { TsdbtError } from '../../src/core/errors.js';

function node(name: string, parents: number[], extra: Partial<SiteNode> = {}): SiteNode {
  const resourceType = extra.resourceType ?? 'model';
  return {
    uniqueId: resourceType === 'source' ? `source.astro.astro.${name}` : `${resourceType}.astro.${name}`,
    name,
    resourceType,
    packageName: 'astro',
    fqn: resourceType === 'source' ? ['astro', 'astro', name] : ['astro', name],
    originalFilePath: resourceType === 'source' ? 'models/sources.yml' : `models/${name}.sql`,
    tags: [],
    config: { materialized: extra.kind ?? 'view', enabled: true },
    kind: 'view',
    schema: 'astro',
    identifier: name,
    parents,
    chunk: 0,
    summary: '',
    ...extra,
  };
}

/** The example project's shape: raw_astros → people → people_per_craft, people_summary; plus a test on people. */
function example(): SiteModel {
  const nodes = [
    node('raw_astros', [], { resourceType: 'source', sourceName: 'astro', kind: 'source' }),
    node('people', [0], { lastRun: { status: 'success', executionTime: 0.1, message: 'OK', at: '' } }),
    node('people_per_craft', [1], {
      kind: 'table',
      tags: ['mart'],
      config: { materialized: 'table', enabled: true },
      lastRun: { status: 'error', executionTime: 0.1, message: 'x', at: '' },
    }),
    node('people_summary', [1], { kind: 'table', tags: ['mart'], config: { materialized: 'table', enabled: true } }),
    node('not_null_people_name', [1], { resourceType: 'test', kind: 'test' }),
  ];
  const graph: SiteGraph = {
    project: {
      name: 'astro',
      tsdbtVersion: '0',
      generatedAt: '',
      invocationId: '',
      target: { name: 'dev', type: 'chdb', schema: 'astro' },
      overview: null,
      lastRun: null,
      catalogNote: null,
    },
    nodes,
    chunkCount: 1,
  };
  return new SiteModel(graph);
}

const names = (model: SiteModel, indexes: number[]) => indexes.map((index) => model.nodes[index]!.name);

describe('SiteModel.select: the CLI selector grammar in the page', () => {
  const model = example();
  it.each([
    ['', '', ['raw_astros', 'people', 'people_per_craft', 'people_summary', 'not_null_people_name']],
    ['', HIDDEN_BY_DEFAULT, ['raw_astros', 'people', 'people_per_craft', 'people_summary']],
    // Tests on selected nodes come along (dbt's eager indirect selection), as with the CLI.
    ['+people_per_craft', '', ['raw_astros', 'people', 'people_per_craft', 'not_null_people_name']],
    ['+people_per_craft', HIDDEN_BY_DEFAULT, ['raw_astros', 'people', 'people_per_craft']],
    ['people+', HIDDEN_BY_DEFAULT, ['people', 'people_per_craft', 'people_summary']],
    ['tag:mart', '', ['people_per_craft', 'people_summary']],
    ['source:astro+', 'tag:mart', ['raw_astros', 'people', 'not_null_people_name']],
    ['config.materialized:table,people_summary', '', ['people_summary']],
    ['result:error', '', ['people_per_craft']],
    ['1+people_summary people_per_craft', HIDDEN_BY_DEFAULT, ['people', 'people_per_craft', 'people_summary']],
  ])('select %j exclude %j', (select, exclude, expected) => {
    expect(names(model, model.select(select, exclude).indexes)).toEqual(expected);
  });

  it('reports criteria that match nothing, and throws the CLI error for a bad selector', () => {
    expect(model.select('peple').warnings).toEqual(["The selection criterion 'peple' does not match any enabled nodes. Did you mean 'people'?"]);
    expect(() => model.select('nonsense:x')).toThrow(TsdbtError);
    expect(() => model.select('nonsense:x')).toThrow(/nonsense/);
  });

  it('picks a neighbourhood: everything up and down, tests left out (a test shows its parents)', () => {
    expect(model.neighbourhood(model.node('model.astro.people')!)).toEqual({ select: '+people+', exclude: HIDDEN_BY_DEFAULT });
    expect(model.neighbourhood(model.node('source.astro.astro.raw_astros')!)).toEqual({ select: '+source:astro.raw_astros+', exclude: HIDDEN_BY_DEFAULT });
    expect(names(model, model.select('+source:astro.raw_astros+', HIDDEN_BY_DEFAULT).indexes)).toEqual([
      'raw_astros',
      'people',
      'people_per_craft',
      'people_summary',
    ]);
    expect(model.neighbourhood(model.node('test.astro.not_null_people_name')!)).toEqual({ select: '+not_null_people_name', exclude: '' });
    // Past the limit: two levels each way.
    expect(model.neighbourhood(model.node('model.astro.people')!, 2).select).toBe('2+people+2');
  });
});

describe('SiteModel.search', () => {
  it('finds names case-insensitively: exact, then prefix, then anywhere', () => {
    const model = example();
    expect(model.search('PEOPLE').map((one) => one.name)).toEqual(['people', 'people_summary', 'people_per_craft', 'not_null_people_name']);
    expect(model.search('craft').map((one) => one.name)).toEqual(['people_per_craft']);
    expect(model.search('astro.raw').map((one) => one.name)).toEqual(['raw_astros']);
    expect(model.search('  ')).toEqual([]);
    expect(model.search('people', 2)).toHaveLength(2);
  });
});

describe('layoutLineage', () => {
  it('places parents left of their children, with an edge per dependency', () => {
    const model = example();
    const { indexes } = model.select('', HIDDEN_BY_DEFAULT);
    const layout = layoutLineage(model.nodes, indexes);
    const x = (name: string) => layout.nodes.find((placed) => placed.label.endsWith(name))!.x;
    expect(x('raw_astros')).toBeLessThan(x('people'));
    expect(x('people')).toBeLessThan(x('people_per_craft'));
    expect(x('people_summary')).toBe(x('people_per_craft'));
    expect(layout.edges.map((edge) => `${model.nodes[edge.from]!.name}>${model.nodes[edge.to]!.name}`).sort()).toEqual([
      'people>people_per_craft',
      'people>people_summary',
      'raw_astros>people',
    ]);
    for (const edge of layout.edges) expect(edge.points.length).toBeGreaterThanOrEqual(2);
    expect(layout.nodes.find((placed) => placed.label === 'astro.raw_astros')!.width).toBe(nodeWidth('astro.raw_astros'));
    expect(layout.width).toBeGreaterThan(0);
  });

  it('lays out 600 nodes in layers (faster ranker) without overlapping boxes, edges leaving right and entering left', () => {
    const nodes: SiteNode[] = [];
    for (let i = 0; i < 600; i++) {
      const layer = Math.floor(i / 100);
      const parents = layer === 0 ? [] : [((i * 7) % 100) + (layer - 1) * 100, ((i * 13) % 100) + (layer - 1) * 100];
      nodes.push(node(`model_${i}`, [...new Set(parents)]));
    }
    const layout = layoutLineage(
      nodes,
      nodes.map((_, index) => index),
    );
    expect(layout.nodes).toHaveLength(600);
    const byColumn = new Map<number, Array<{ top: number; bottom: number }>>();
    for (const placed of layout.nodes) {
      const column = byColumn.get(Math.round(placed.x)) ?? [];
      column.push({ top: placed.y - placed.height / 2, bottom: placed.y + placed.height / 2 });
      byColumn.set(Math.round(placed.x), column);
    }
    const placed = new Map(layout.nodes.map((one) => [one.index, one]));
    for (const edge of layout.edges) {
      const from = placed.get(edge.from)!;
      const to = placed.get(edge.to)!;
      expect(edge.points[0]).toEqual({ x: from.x + from.width / 2, y: from.y });
      expect(edge.points.at(-1)).toEqual({ x: to.x - to.width / 2, y: to.y });
      for (let i = 1; i < edge.points.length; i++) expect(edge.points[i]!.x).toBeGreaterThan(edge.points[i - 1]!.x);
    }
    for (const column of byColumn.values()) {
      column.sort((a, b) => a.top - b.top);
      for (let i = 1; i < column.length; i++) expect(column[i]!.top).toBeGreaterThanOrEqual(column[i - 1]!.bottom);
    }
  });
});
