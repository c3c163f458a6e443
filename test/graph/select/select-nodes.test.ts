import { describe, expect, it } from 'vitest';
import { ErrorCodes, type TsdbtError } from '../../../src/core/errors.js';
import { catchError } from './catch-error.js';
import type { ResourceType } from '../../../src/graph/node.js';
import type { IndirectSelection } from '../../../src/graph/select/expression.js';
import { selectNodes } from '../../../src/graph/select/select-nodes.js';
import type { ModifiedAspect, StateComparator } from '../../../src/graph/select/state.js';
import { fixtureGraph, names } from './fixture-graph.js';

const graph = fixtureGraph();

const ALL_ENABLED =
  'assert_positive_counts countries helper invoices not_null_people_name people people_per_craft people_summary raw_astros raw_crafts raw_invoices relationships_people_craft stg_crafts stg_people unique_stg_people_id';

/** Stub for manifest comparison: invoices is new; the others changed in the listed ways. */
const state: StateComparator = {
  isNew: (id) => id === 'model.astro.invoices',
  isModified: (id, aspect?: ModifiedAspect) => {
    if (id === 'model.astro.invoices') return true;
    const changes: Record<string, ModifiedAspect[]> = {
      'model.astro.people': ['body'],
      'model.astro.stg_crafts': ['configs'],
      'model.utils.helper': ['macros'],
    };
    const aspects = changes[id] ?? [];
    return aspect === undefined ? aspects.length > 0 : aspects.includes(aspect);
  },
};

const previousResults = new Map<string, string>([
  ['model.astro.people', 'error'],
  ['test.astro.not_null_people_name', 'fail'],
  ['model.astro.stg_people', 'success'],
  ['model.astro.people_per_craft', 'skipped'],
]);

interface Case {
  select?: string[];
  exclude?: string[];
  indirect?: IndirectSelection;
  resourceTypes?: ResourceType[];
  /** Expected node names, space-separated, any order. */
  expected: string;
}

function run(c: Omit<Case, 'expected'>): string[] {
  return names(
    graph,
    selectNodes({ graph, select: c.select, exclude: c.exclude, indirectSelection: c.indirect, resourceTypes: c.resourceTypes, state, previousResults }),
  );
}

function table(cases: Array<[string, Case]>): void {
  it.each(cases)('%s', (_, c) => {
    expect(run(c)).toEqual(c.expected.split(/\s+/).filter(Boolean).sort());
  });
}

describe('selectNodes: defaults and fqn', () => {
  table([
    ['no --select selects every enabled node', { expected: ALL_ENABLED }],
    ['empty --select list is the same as none', { select: [], expected: ALL_ENABLED }],
    ['a name selects the node and its tests', { select: ['people'], expected: 'people not_null_people_name relationships_people_craft' }],
    ['fqn: spelled out', { select: ['fqn:people'], expected: 'people not_null_people_name relationships_people_craft' }],
    [
      'a folder path in fqn form',
      { select: ['marts.core'], expected: 'people people_per_craft not_null_people_name relationships_people_craft assert_positive_counts' },
    ],
    [
      'a folder path with the project name',
      { select: ['astro.marts.core'], expected: 'people people_per_craft not_null_people_name relationships_people_craft assert_positive_counts' },
    ],
    [
      'a wildcard tail of the fqn',
      {
        select: ['marts.*'],
        expected: 'people people_per_craft people_summary invoices not_null_people_name relationships_people_craft assert_positive_counts',
      },
    ],
    ['a name wildcard', { select: ['stg_*'], expected: 'stg_people stg_crafts unique_stg_people_id relationships_people_craft' }],
    ['? and [..] wildcards', { select: ['peo?le', 'stg_[c]*'], expected: 'people stg_crafts not_null_people_name relationships_people_craft' }],
    ['a package name selects its whole fqn tree', { select: ['utils'], expected: 'helper' }],
    ['fqn:* is every node but sources', { select: ['fqn:*'], resourceTypes: [], expected: ALL_ENABLED.replace(/raw_\w+/g, '') }],
    ['fqn does not match sources, as in dbt', { select: ['raw_astros'], expected: '' }],
    [
      'a disabled node is never selected',
      {
        select: ['old_report', 'people+'],
        indirect: 'empty',
        expected: 'people people_per_craft people_summary not_null_people_name relationships_people_craft assert_positive_counts',
      },
    ],
  ]);
});

describe('selectNodes: methods', () => {
  table([
    ['tag:', { select: ['tag:nightly'], expected: 'people people_per_craft not_null_people_name relationships_people_craft assert_positive_counts' }],
    [
      'tag: with a wildcard',
      { select: ['tag:night*'], expected: 'people people_per_craft not_null_people_name relationships_people_craft assert_positive_counts' },
    ],
    [
      'path: a folder (its YAML-defined tests included)',
      { select: ['path:models/staging'], expected: 'stg_people stg_crafts unique_stg_people_id relationships_people_craft' },
    ],
    [
      'path: a folder with a trailing slash and ./',
      { select: ['path:./models/staging/'], indirect: 'empty', expected: 'stg_people stg_crafts unique_stg_people_id' },
    ],
    ['path: one file', { select: ['path:models/staging/stg_people.sql'], expected: 'stg_people unique_stg_people_id' }],
    [
      'a bare path with a glob',
      { select: ['models/marts/core/*.sql'], expected: 'people people_per_craft not_null_people_name relationships_people_craft assert_positive_counts' },
    ],
    ['path: ** across folders', { select: ['path:models/**/schema.yml'], expected: 'not_null_people_name relationships_people_craft unique_stg_people_id' }],
    [
      'path: a glob naming folders',
      {
        select: ['path:models/m*'],
        indirect: 'empty',
        expected: 'people people_per_craft people_summary invoices not_null_people_name relationships_people_craft',
      },
    ],
    ['path: * stays within a folder', { select: ['path:models/*.sql'], expected: 'helper' }],
    ['file: with extension', { select: ['file:people.sql'], expected: 'people not_null_people_name relationships_people_craft' }],
    ['a bare file name', { select: ['countries.csv'], expected: 'countries' }],
    ['file: stem with a wildcard', { select: ['file:stg_*'], expected: 'stg_people stg_crafts unique_stg_people_id relationships_people_craft' }],
    ['config.materialized:', { select: ['config.materialized:table'], indirect: 'empty', expected: 'people people_per_craft people_summary' }],
    ['config. nested key', { select: ['config.meta.owner:ana'], expected: 'invoices' }],
    ['config. boolean', { select: ['config.full_refresh:FALSE'], expected: 'invoices' }],
    ['config. number', { select: ['config.threads:4'], expected: 'invoices' }],
    ['config.severity ignores case', { select: ['config.severity:error'], expected: 'not_null_people_name relationships_people_craft' }],
    ['source: by source name', { select: ['source:astro'], expected: 'raw_astros raw_crafts' }],
    ['source: source.table', { select: ['source:astro.raw_astros'], expected: 'raw_astros' }],
    ['source: wildcard source', { select: ['source:*.raw_invoices'], expected: 'raw_invoices' }],
    ['source: package.source.table', { select: ['source:astro.billing.*'], expected: 'raw_invoices' }],
    ['source: another package matches nothing', { select: ['source:utils.astro.*'], expected: '' }],
    ['source: with descendants', { select: ['source:billing+'], expected: 'raw_invoices invoices' }],
    ['resource_type:seed', { select: ['resource_type:seed'], expected: 'countries' }],
    ['resource_type:source', { select: ['resource_type:source'], expected: 'raw_astros raw_crafts raw_invoices' }],
    [
      'resource_type:test',
      { select: ['resource_type:test'], expected: 'not_null_people_name relationships_people_craft unique_stg_people_id assert_positive_counts' },
    ],
    ['package:', { select: ['package:utils'], expected: 'helper' }],
    ['package: wildcard', { select: ['package:ast*'], resourceTypes: ['source'], expected: 'raw_astros raw_crafts raw_invoices' }],
    ['test_type:generic', { select: ['test_type:generic'], expected: 'not_null_people_name relationships_people_craft unique_stg_people_id' }],
    ['test_type:singular', { select: ['test_type:singular'], expected: 'assert_positive_counts' }],
    [
      'test_type:data (every data test, dbt 1.8)',
      { select: ['test_type:data'], expected: 'not_null_people_name relationships_people_craft unique_stg_people_id assert_positive_counts' },
    ],
    ['test_name:', { select: ['test_name:not_null'], expected: 'not_null_people_name' }],
    ['test_name: wildcard', { select: ['test_name:rel*'], expected: 'relationships_people_craft' }],
  ]);
});

describe('selectNodes: graph operators', () => {
  table([
    [
      '+x: all ancestors',
      { select: ['+people'], expected: 'people stg_people raw_astros countries not_null_people_name relationships_people_craft unique_stg_people_id' },
    ],
    ['1+x: parents only', { select: ['1+people'], indirect: 'empty', expected: 'people stg_people countries' }],
    [
      'x+: all descendants',
      {
        select: ['people+'],
        indirect: 'empty',
        expected: 'people people_per_craft people_summary not_null_people_name relationships_people_craft assert_positive_counts',
      },
    ],
    ['x+1: children only', { select: ['people+1'], indirect: 'empty', expected: 'people people_per_craft not_null_people_name relationships_people_craft' }],
    [
      'x+1 still brings the children’s tests',
      { select: ['people+1'], expected: 'people people_per_craft not_null_people_name relationships_people_craft assert_positive_counts' },
    ],
    ['2+x: two generations up', { select: ['2+people_summary'], indirect: 'empty', expected: 'people_summary people_per_craft helper people stg_crafts' }],
    ['0+x: no generations', { select: ['0+people'], indirect: 'empty', expected: 'people' }],
    [
      '+x+ both ways',
      {
        select: ['+stg_crafts+'],
        indirect: 'empty',
        expected: 'raw_crafts stg_crafts people_per_craft people_summary relationships_people_craft assert_positive_counts',
      },
    ],
    [
      '@x: descendants and all their ancestors',
      {
        select: ['@stg_crafts'],
        indirect: 'empty',
        expected:
          'stg_crafts people_per_craft people_summary relationships_people_craft assert_positive_counts raw_crafts people stg_people raw_astros countries helper',
      },
    ],
    ['@x leaves unrelated branches out', { select: ['@invoices'], expected: 'invoices raw_invoices' }],
    ['operators on a method', { select: ['+tag:finance'], expected: 'invoices raw_invoices' }],
  ]);
});

describe('selectNodes: union, intersection, exclude', () => {
  table([
    ['space is union', { select: ['invoices countries'], expected: 'invoices countries' }],
    ['several --select values are a union', { select: ['invoices', 'countries'], expected: 'invoices countries' }],
    ['comma is intersection', { select: ['tag:nightly,tag:daily'], expected: 'people_per_craft assert_positive_counts' }],
    [
      'intersection with an operator',
      { select: ['+people_summary,tag:nightly'], expected: 'people people_per_craft not_null_people_name relationships_people_craft assert_positive_counts' },
    ],
    ['union of intersections', { select: ['tag:nightly,tag:daily config.meta.owner:ana'], expected: 'people_per_craft assert_positive_counts invoices' }],
    ['--exclude takes the excluded node’s tests too', { select: ['marts.core'], exclude: ['people'], expected: 'people_per_craft assert_positive_counts' }],
    [
      '--exclude without --select',
      {
        exclude: ['tag:staging', 'resource_type:source'],
        expected: 'assert_positive_counts countries helper invoices not_null_people_name people people_per_craft people_summary',
      },
    ],
    ['--exclude with operators', { select: ['people+'], exclude: ['people_per_craft+'], expected: 'people not_null_people_name relationships_people_craft' }],
    ['--resource-type filters the end result', { select: ['people+'], resourceTypes: ['model'], expected: 'people people_per_craft people_summary' }],
  ]);
});

describe('selectNodes: indirect test selection', () => {
  table([
    ['eager (default): a test comes when any parent is selected', { select: ['people'], expected: 'people not_null_people_name relationships_people_craft' }],
    ['cautious: only when all parents are selected', { select: ['people'], indirect: 'cautious', expected: 'people not_null_people_name' }],
    [
      'cautious: a union brings the missing parent',
      { select: ['people stg_crafts'], indirect: 'cautious', expected: 'people stg_crafts not_null_people_name relationships_people_craft' },
    ],
    [
      'cautious: so do separate --select values',
      { select: ['people', 'stg_crafts'], indirect: 'cautious', expected: 'people stg_crafts not_null_people_name relationships_people_craft' },
    ],
    ['empty: no tests unless selected', { select: ['people'], indirect: 'empty', expected: 'people' }],
    ['empty: tests selected directly still count', { select: ['people test_name:not_null'], indirect: 'empty', expected: 'people not_null_people_name' }],
    [
      'exclude is eager whatever the mode',
      { select: ['people stg_crafts'], exclude: ['stg_crafts'], indirect: 'cautious', expected: 'people not_null_people_name' },
    ],
  ]);
});

describe('selectNodes: state and result', () => {
  table([
    ['state:new', { select: ['state:new'], expected: 'invoices' }],
    ['state:modified (new counts as modified)', { select: ['state:modified'], indirect: 'empty', expected: 'invoices people stg_crafts helper' }],
    ['state:modified.body', { select: ['state:modified.body'], indirect: 'empty', expected: 'invoices people' }],
    ['state:modified.configs', { select: ['state:modified.configs'], indirect: 'empty', expected: 'invoices stg_crafts' }],
    ['state:modified.macros', { select: ['state:modified.macros'], expected: 'invoices helper' }],
    ['state:modified.relation', { select: ['state:modified.relation'], expected: 'invoices' }],
    ['state:old', { select: ['state:old'], resourceTypes: ['model'], expected: 'stg_people stg_crafts people people_per_craft helper people_summary' }],
    ['state:unmodified', { select: ['state:unmodified'], resourceTypes: ['model'], expected: 'stg_people people_per_craft people_summary' }],
    [
      'state:modified.body+',
      {
        select: ['state:modified.body+'],
        indirect: 'empty',
        expected: 'invoices people people_per_craft people_summary not_null_people_name relationships_people_craft assert_positive_counts',
      },
    ],
    [
      'result:error+',
      {
        select: ['result:error+'],
        indirect: 'empty',
        expected: 'people people_per_craft people_summary not_null_people_name relationships_people_craft assert_positive_counts',
      },
    ],
    ['result:fail', { select: ['result:fail'], expected: 'not_null_people_name' }],
    ['result:skipped result:success', { select: ['result:skipped result:success'], indirect: 'empty', expected: 'people_per_craft stg_people' }],
  ]);

  it('state: without a comparator is an error that says to pass --state', () => {
    const error = catchError(() => selectNodes({ graph, select: ['people state:modified+'] }));
    expect([error.code, error.message, error.hint]).toEqual([
      ErrorCodes.SELECTOR_INVALID,
      "The selector 'state:modified+' needs a previous manifest to compare against, but no state was given.",
      'Pass --state <dir> with the target/ folder of the run to compare with (for example the production artifacts).',
    ]);
  });

  it('result: without previous results is an error', () => {
    const error = catchError(() => selectNodes({ graph, select: ['result:error'], state }));
    expect(error.message).toBe("The selector 'result:error' needs the previous run_results.json, but no state was given.");
  });
});

describe('selectNodes: errors and warnings', () => {
  it('reports each --select criterion that matched nothing, as NOTHING_SELECTED', () => {
    const warnings: TsdbtError[] = [];
    const selected = selectNodes({ graph, select: ['people tag:nope', 'raw_astros,people'], onNoMatch: (warning) => warnings.push(warning) });
    expect(names(graph, selected)).toEqual(['not_null_people_name', 'people', 'relationships_people_craft']);
    expect(warnings.map((warning) => [warning.code, warning.message])).toEqual([
      [ErrorCodes.NOTHING_SELECTED, "The selection criterion 'tag:nope' does not match any enabled nodes."],
      [ErrorCodes.NOTHING_SELECTED, "The selection criterion 'raw_astros,people' does not match any enabled nodes."],
    ]);
  });

  it('guesses what a criterion that matched nothing meant, from the values the project has for its method', () => {
    const warnings: string[] = [];
    const onNoMatch = (warning: TsdbtError) => warnings.push(warning.message);
    selectNodes({ graph, select: ['peple', 'source:astroo', 'path:models/marts/core/peple.sql', 'zzzzzzzz'], onNoMatch });
    expect(warnings).toEqual([
      "The selection criterion 'peple' does not match any enabled nodes. Did you mean 'people'?",
      "The selection criterion 'source:astroo' does not match any enabled nodes. Did you mean 'source:astro'?",
      "The selection criterion 'path:models/marts/core/peple.sql' does not match any enabled nodes. Did you mean 'path:models/marts/core/people.sql'?",
      "The selection criterion 'zzzzzzzz' does not match any enabled nodes.",
    ]);
  });

  it('passes parser errors through', () => {
    const error = catchError(() => selectNodes({ graph, select: ['people'], exclude: ['colour:red'] }));
    expect(error.message.split('\n')[0]).toBe("'colour' is not a valid selector method. Did you mean 'column'?");
  });

  it('refuses --selector together with --select', () => {
    const selector = { kind: 'criteria', raw: 'people', offset: 0, method: 'fqn', methodArgs: [], value: 'people' } as never;
    const error = catchError(() => selectNodes({ graph, select: ['people'], selector }));
    expect(error.message).toBe('--selector cannot be combined with --select or --exclude.');
  });
});
