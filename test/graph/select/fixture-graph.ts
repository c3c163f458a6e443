/**
 * A small project graph for selection tests. Edges run parent → child:
 *
 *   source astro.raw_astros → stg_people → people → people_per_craft → people_summary
 *   source astro.raw_crafts → stg_crafts ─────────↗                  ↗
 *   seed countries ─────────────────────↗          utils helper ─────┘
 *   source billing.raw_invoices → invoices (separate branch)
 *   tests: not_null_people_name (people), relationships_people_craft (people, stg_crafts),
 *          unique_stg_people_id (stg_people), assert_positive_counts (people_per_craft, singular)
 *   old_report (people), disabled
 */

import { Graph } from '@dagrejs/graphlib';
import type { GraphNode } from '../../../src/graph/node.js';

type Spec = Partial<GraphNode> & Pick<GraphNode, 'resourceType' | 'name' | 'originalFilePath'> & { parents?: string[]; testMetadata?: { name: string } };

const specs: Spec[] = [
  { resourceType: 'source', name: 'raw_astros', sourceName: 'astro', originalFilePath: 'models/sources.yml' },
  { resourceType: 'source', name: 'raw_crafts', sourceName: 'astro', originalFilePath: 'models/sources.yml' },
  { resourceType: 'source', name: 'raw_invoices', sourceName: 'billing', originalFilePath: 'models/sources.yml' },
  { resourceType: 'seed', name: 'countries', originalFilePath: 'seeds/countries.csv', fqn: ['astro', 'countries'] },
  {
    resourceType: 'model',
    name: 'stg_people',
    originalFilePath: 'models/staging/stg_people.sql',
    tags: ['staging'],
    config: { materialized: 'view' },
    parents: ['source.astro.astro.raw_astros'],
  },
  {
    resourceType: 'model',
    name: 'stg_crafts',
    originalFilePath: 'models/staging/stg_crafts.sql',
    tags: ['staging'],
    config: { materialized: 'view' },
    parents: ['source.astro.astro.raw_crafts'],
  },
  {
    resourceType: 'model',
    name: 'people',
    originalFilePath: 'models/marts/core/people.sql',
    tags: ['nightly'],
    config: { materialized: 'table' },
    parents: ['model.astro.stg_people', 'seed.astro.countries'],
  },
  {
    resourceType: 'model',
    name: 'people_per_craft',
    originalFilePath: 'models/marts/core/people_per_craft.sql',
    tags: ['nightly', 'daily'],
    config: { materialized: 'table' },
    parents: ['model.astro.people', 'model.astro.stg_crafts'],
  },
  {
    resourceType: 'model',
    name: 'helper',
    packageName: 'utils',
    originalFilePath: 'models/helper.sql',
    fqn: ['utils', 'helper'],
    config: { materialized: 'ephemeral' },
  },
  {
    resourceType: 'model',
    name: 'people_summary',
    originalFilePath: 'models/marts/reporting/people_summary.sql',
    tags: ['reporting'],
    config: { materialized: 'table' },
    parents: ['model.astro.people_per_craft', 'model.utils.helper'],
  },
  {
    resourceType: 'model',
    name: 'invoices',
    originalFilePath: 'models/marts/finance/invoices.sql',
    tags: ['finance'],
    config: { materialized: 'incremental', meta: { owner: 'ana' }, full_refresh: false, threads: 4 },
    parents: ['source.astro.billing.raw_invoices'],
  },
  {
    resourceType: 'model',
    name: 'old_report',
    originalFilePath: 'models/marts/reporting/old_report.sql',
    config: { materialized: 'table', enabled: false },
    parents: ['model.astro.people'],
  },
  {
    resourceType: 'test',
    name: 'not_null_people_name',
    originalFilePath: 'models/marts/core/schema.yml',
    testMetadata: { name: 'not_null' },
    config: { severity: 'ERROR' },
    parents: ['model.astro.people'],
  },
  {
    resourceType: 'test',
    name: 'relationships_people_craft',
    originalFilePath: 'models/marts/core/schema.yml',
    testMetadata: { name: 'relationships' },
    config: { severity: 'error' },
    parents: ['model.astro.people', 'model.astro.stg_crafts'],
  },
  {
    resourceType: 'test',
    name: 'unique_stg_people_id',
    originalFilePath: 'models/staging/schema.yml',
    testMetadata: { name: 'unique' },
    config: { severity: 'warn' },
    parents: ['model.astro.stg_people'],
  },
  { resourceType: 'test', name: 'assert_positive_counts', originalFilePath: 'tests/assert_positive_counts.sql', parents: ['model.astro.people_per_craft'] },
];

function uniqueIdOf(spec: Spec): string {
  const packageName = spec.packageName ?? 'astro';
  return spec.resourceType === 'source' ? `source.${packageName}.${spec.sourceName}.${spec.name}` : `${spec.resourceType}.${packageName}.${spec.name}`;
}

export function fixtureGraph(): Graph<unknown, GraphNode> {
  const graph = new Graph<unknown, GraphNode>({ directed: true });
  for (const spec of specs) {
    const { parents = [], ...fields } = spec;
    const packageName = spec.packageName ?? 'astro';
    const node: GraphNode = {
      uniqueId: uniqueIdOf(spec),
      packageName,
      fqn:
        spec.fqn ??
        (spec.resourceType === 'source'
          ? [packageName, spec.sourceName!, spec.name]
          : [packageName, ...spec.originalFilePath.split('/').slice(1, -1), spec.name]),
      tags: [],
      config: {},
      ...fields,
    };
    graph.setNode(node.uniqueId, node);
    for (const parent of parents) graph.setEdge(parent, node.uniqueId);
  }
  return graph;
}

/** Unique ids → node names (all distinct in the fixture), sorted, for readable expectations. */
export function names(graph: Graph<unknown, GraphNode>, ids: Iterable<string>): string[] {
  return [...ids].map((id) => graph.node(id).name).sort();
}
