/**
 * `column:<model>.<column>+`: the models downstream of a column through column lineage, not the
 * model graph; out-of-date or missing lineage is an error, never a guess.
 */
import { describe, expect, it } from 'vitest';
import type { ModelLineage } from '../../../src/graph/lineage/column-graph.js';
import { selectNodes } from '../../../src/graph/select/select-nodes.js';
import { catchError } from './catch-error.js';
import { fixtureGraph, names } from './fixture-graph.js';

const column = (name: string, upstream: [string, string, 'identity' | 'transformation' | 'group_by'][]) => ({
  name,
  type: 'String',
  upstream: upstream.map(([node, from, kind]) => ({ node, column: from, kind })),
  unknown: [],
});

/** stg_people.name feeds people.name only; people.craft feeds people_per_craft (and people_summary through it). */
const LINEAGE = new Map<string, ModelLineage>([
  [
    'model.astro.stg_people',
    {
      checksum: 'a',
      columns: [
        column('name', [['source.astro.astro.raw_astros', 'payload', 'transformation']]),
        column('craft', [['source.astro.astro.raw_astros', 'payload', 'transformation']]),
      ],
    },
  ],
  [
    'model.astro.people',
    {
      checksum: 'a',
      columns: [column('name', [['model.astro.stg_people', 'name', 'identity']]), column('craft', [['model.astro.stg_people', 'craft', 'identity']])],
    },
  ],
  [
    'model.astro.people_per_craft',
    {
      checksum: 'a',
      columns: [column('craft', [['model.astro.people', 'craft', 'identity']]), column('people', [['model.astro.people', 'craft', 'group_by']])],
    },
  ],
  ['model.astro.people_summary', { checksum: 'a', columns: [column('crafts', [['model.astro.people_per_craft', 'craft', 'transformation']])] }],
]);

const select = (text: string, stale: string[] = []) => {
  const graph = fixtureGraph();
  const ids = selectNodes({ graph, select: [text], resourceTypes: ['model'], columnLineage: () => ({ lineage: LINEAGE, stale: new Set(stale) }) });
  return names(graph, ids);
};

describe('column: selector', () => {
  it('selects the model that has the column', () => {
    expect(select('column:people.name')).toEqual(['people']);
  });

  it("with '+', the models computed from the column, not every child of its model", () => {
    expect(select('column:people.name+')).toEqual(['people']);
    expect(select('column:people.craft+')).toEqual(['people', 'people_per_craft', 'people_summary']);
    expect(select('column:people.craft+1')).toEqual(['people', 'people_per_craft']);
  });

  it('starts from a source column', () => {
    expect(select('column:astro.raw_astros.payload+')).toEqual(['people', 'people_per_craft', 'people_summary', 'stg_people']);
  });

  it('refuses out-of-date lineage, naming the models and the check to run', () => {
    const error = catchError(() => select('column:people.craft+', ['model.astro.people_summary']));
    expect(error.code).toBe('TSDBT3201');
    expect(error.message).toContain('people_summary');
    expect(error.hint).toBe('Run `tsdbt check --select people+` first.');
  });

  it('refuses a column the model does not have, and a value without a column', () => {
    expect(catchError(() => select('column:people.nam+')).message).toContain("names column 'nam', which model 'people' does not have (it has name, craft)");
    expect(catchError(() => select('column:people')).message).toContain("'people' is not a valid column selector");
  });

  it('is an error where no lineage is given', () => {
    const error = catchError(() => selectNodes({ graph: fixtureGraph(), select: ['column:people.craft+'] }));
    expect(error.code).toBe('TSDBT3201');
  });
});
