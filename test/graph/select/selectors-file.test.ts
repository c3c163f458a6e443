import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/core/errors.js';
import { selectNodes } from '../../../src/graph/select/select-nodes.js';
import { defaultSelector, findSelector, parseSelectorsFile } from '../../../src/graph/select/selectors-file.js';
import { catchError } from './catch-error.js';
import { criteria } from './criteria.js';
import { fixtureGraph, names } from './fixture-graph.js';

const SELECTORS = `
selectors:
  - name: nightly
    description: Nightly models and what feeds them
    definition:
      method: tag
      value: nightly
      parents: true
      parents_depth: 1
  - name: string_form
    definition: 'people+ tag:finance'
  - name: shorthand
    default: true
    definition:
      config.materialized: table
  - name: core_but_people
    definition:
      union:
        - method: fqn
          value: marts.core
          children_depth: 1
        - exclude:
            - people
  - name: cautious_people
    definition:
      intersection:
        - method: tag
          value: nightly
          indirect_selection: cautious
        - '+people'
  - name: reuse
    definition:
      method: selector
      value: nightly
      exclude:
        - tag:daily
        - method: resource_type
          value: seed
`;

describe('parseSelectorsFile', () => {
  const selectors = parseSelectorsFile(SELECTORS, 'selectors.yml');

  it('reads names, descriptions, defaults and lines', () => {
    expect([...selectors.values()].map(({ name, description, default: isDefault, line }) => ({ name, description, isDefault, line }))).toEqual([
      { name: 'nightly', description: 'Nightly models and what feeds them', isDefault: false, line: 3 },
      { name: 'string_form', description: undefined, isDefault: false, line: 10 },
      { name: 'shorthand', description: undefined, isDefault: true, line: 12 },
      { name: 'core_but_people', description: undefined, isDefault: false, line: 16 },
      { name: 'cautious_people', description: undefined, isDefault: false, line: 24 },
      { name: 'reuse', description: undefined, isDefault: false, line: 31 },
    ]);
    expect(defaultSelector(selectors)?.name).toBe('shorthand');
  });

  it('builds exact expressions for every form', () => {
    const nightly = criteria('1+tag:nightly', { method: 'tag', value: 'nightly', parents: true, parentsDepth: 1 });
    expect(findSelector(selectors, 'nightly')).toEqual(nightly);
    expect(findSelector(selectors, 'string_form')).toEqual({
      kind: 'union',
      raw: 'people+ tag:finance',
      members: [criteria('people+', { value: 'people', children: true }), criteria('tag:finance', { offset: 8, method: 'tag', value: 'finance' })],
    });
    expect(findSelector(selectors, 'shorthand')).toEqual(
      criteria('config.materialized:table', { method: 'config', methodArgs: ['materialized'], value: 'table' }),
    );
    expect(findSelector(selectors, 'core_but_people')).toEqual({
      kind: 'difference',
      raw: '(fqn:marts.core+1) --exclude people',
      include: { kind: 'union', raw: 'fqn:marts.core+1', members: [criteria('fqn:marts.core+1', { value: 'marts.core', children: true, childrenDepth: 1 })] },
      exclude: criteria('people'),
    });
    expect(findSelector(selectors, 'cautious_people')).toEqual({
      kind: 'intersection',
      raw: 'tag:nightly,+people',
      members: [
        criteria('tag:nightly', { method: 'tag', value: 'nightly', indirectSelection: 'cautious' }),
        criteria('+people', { value: 'people', parents: true }),
      ],
    });
    expect(findSelector(selectors, 'reuse')).toEqual({
      kind: 'difference',
      raw: '1+tag:nightly --exclude (tag:daily resource_type:seed)',
      include: nightly,
      exclude: {
        kind: 'union',
        raw: 'tag:daily resource_type:seed',
        members: [criteria('tag:daily', { method: 'tag', value: 'daily' }), criteria('resource_type:seed', { method: 'resource_type', value: 'seed' })],
      },
    });
  });

  it('resolves named selectors against the graph', () => {
    const graph = fixtureGraph();
    const run = (name: string): string[] => names(graph, selectNodes({ graph, selector: findSelector(selectors, name) }));
    expect(run('nightly')).toEqual(
      [
        'assert_positive_counts',
        'countries',
        'not_null_people_name',
        'people',
        'people_per_craft',
        'relationships_people_craft',
        'stg_crafts',
        'stg_people',
        'unique_stg_people_id',
      ].sort(),
    );
    expect(run('core_but_people')).toEqual(['assert_positive_counts', 'people_per_craft', 'people_summary']);
    // tag:nightly is cautious, so relationships_people_craft (also reading stg_crafts, which is not nightly) stays out.
    expect(run('cautious_people')).toEqual(['not_null_people_name', 'people']);
    expect(run('reuse')).toEqual(['not_null_people_name', 'people', 'relationships_people_craft', 'stg_crafts', 'stg_people', 'unique_stg_people_id']);
  });

  it('accepts an empty-but-valid file shape and reports no default', () => {
    const selectors = parseSelectorsFile('selectors: []\n', 'selectors.yml');
    expect(selectors.size).toBe(0);
    expect(defaultSelector(selectors)).toBeUndefined();
  });
});

describe('findSelector', () => {
  it('suggests a close name and lists the others', () => {
    const error = catchError(() => findSelector(parseSelectorsFile(SELECTORS, 'selectors.yml'), 'nightyl'));
    expect([error.code, error.message, error.hint]).toEqual([
      ErrorCodes.SELECTOR_INVALID,
      "There is no selector named 'nightyl'. Did you mean 'nightly'?",
      'Selectors in selectors.yml: nightly, string_form, shorthand, core_but_people, cautious_people, reuse.',
    ]);
  });
});

/** File text, then the errors it must produce: [message, line, column?]. */
const errorCases: Array<[string, string, Array<[string, number]>]> = [
  ['no selectors key', 'nightly: tag:x\n', [["selectors.yml:1: selectors.yml needs a top-level 'selectors:' list.", 1]]],
  ['selectors not a list', 'selectors: tag:x\n', [["selectors.yml:1: 'selectors' must be a list, but got the string 'tag:x'.", 1]]],
  ['bad YAML', 'selectors:\n  - name: a\n   definition: x\n', [['selectors.yml:3: not valid YAML: Sequence item without - indicator', 3]]],
  [
    'unknown key, with a guess',
    'selectors:\n  - name: a\n    definition:\n      method: tag\n      value: x\n      childs: true\n',
    [["selectors.yml:6: 'childs' is not a valid key in a selector definition. Did you mean 'children'?", 6]],
  ],
  [
    'unknown selector key',
    'selectors:\n  - name: a\n    definiton: tag:x\n',
    [["selectors.yml:3: 'definiton' is not a valid key for a selector. Did you mean 'definition'?", 3]],
  ],
  [
    'bad method in a mapping',
    'selectors:\n  - name: a\n    definition:\n      method: colour\n      value: red\n',
    [["selectors.yml:4: 'colour' is not a valid selector method. Did you mean 'column'?", 4]],
  ],
  [
    'bad shorthand method',
    'selectors:\n  - name: a\n    definition:\n      tags: nightly\n',
    [["selectors.yml:4: 'tags' is not a valid selector method. Did you mean 'tag'?", 4]],
  ],
  [
    'bad state value',
    'selectors:\n  - name: a\n    definition: { method: state, value: modifed }\n',
    [["selectors.yml:3: 'modifed' is not a valid state. Did you mean 'modified'?", 3]],
  ],
  [
    'string form points into the string',
    'selectors:\n  - name: a\n    definition: "people colour:red"\n',
    [["selectors.yml:3: 'colour' is not a valid selector method. Did you mean 'column'?\n  people colour:red\n         ^^^^^^", 3]],
  ],
  [
    'operator in a mapping value',
    'selectors:\n  - name: a\n    definition: { method: fqn, value: people+ }\n',
    [["selectors.yml:3: 'people+' holds a graph operator, which YAML definitions spell as keys.", 3]],
  ],
  [
    'bad depth',
    'selectors:\n  - name: a\n    definition:\n      method: tag\n      value: x\n      parents_depth: -1\n',
    [["selectors.yml:6: 'parents_depth' must be a whole number of generations (0 or more), but got number -1.", 6]],
  ],
  [
    'bad flag',
    'selectors:\n  - name: a\n    definition:\n      method: tag\n      value: x\n      children: yes please\n',
    [["selectors.yml:6: 'children' must be true or false, but got the string 'yes please'.", 6]],
  ],
  [
    'bad indirect_selection',
    'selectors:\n  - name: a\n    definition:\n      method: tag\n      value: x\n      indirect_selection: cautios\n',
    [["selectors.yml:6: 'indirect_selection' must be one of eager, cautious, empty, but got the string 'cautios'. Did you mean 'cautious'?", 6]],
  ],
  [
    'union plus another key',
    'selectors:\n  - name: a\n    definition:\n      union: [a]\n      method: tag\n',
    [["selectors.yml:4: 'union' must be the only key of its mapping, but this one also has 'method'.", 4]],
  ],
  [
    'union not a list',
    'selectors:\n  - name: a\n    definition:\n      union: people\n',
    [["selectors.yml:4: 'union' needs a list of definitions, but got the string 'people'.", 4]],
  ],
  [
    'two excludes in a union',
    'selectors:\n  - name: a\n    definition:\n      union:\n        - people\n        - exclude: [a]\n        - exclude: [b]\n',
    [["selectors.yml:7: A 'union' can have only one 'exclude' item.", 7]],
  ],
  [
    'a list as definition',
    'selectors:\n  - name: a\n    definition: [people]\n',
    [['selectors.yml:3: A selector definition must be a string or a mapping, but got a list.', 3]],
  ],
  [
    'missing value',
    'selectors:\n  - name: a\n    definition: { method: tag }\n',
    [["selectors.yml:3: A selector definition with 'method' also needs 'value'.", 3]],
  ],
  ['missing definition', 'selectors:\n  - name: a\n', [["selectors.yml:2: The selector 'a' has no 'definition'.", 2]]],
  [
    'duplicate names and two defaults',
    'selectors:\n  - name: a\n    default: true\n    definition: x\n  - name: b\n    default: true\n    definition: y\n  - name: a\n    definition: z\n',
    [
      ["selectors.yml:8: The selector 'a' is defined twice, first on line 2.", 8],
      ["selectors.yml:5: Only one selector can have 'default: true', but 'a' (line 2) and 'b' (line 5) both do.", 5],
    ],
  ],
  [
    'unknown reference, with a guess',
    'selectors:\n  - name: nightly\n    definition: x\n  - name: b\n    definition: { method: selector, value: nighty }\n',
    [["selectors.yml:5: There is no selector named 'nighty' to refer to. Did you mean 'nightly'?", 5]],
  ],
  [
    'a cycle is reported once',
    'selectors:\n  - name: a\n    definition: { selector: b }\n  - name: b\n    definition: { method: selector, value: a }\n',
    [["selectors.yml:5: The selector 'a' refers to itself: a > b > a.", 5]],
  ],
  [
    'every broken selector is reported',
    'selectors:\n  - name: a\n    definition: "tag:"\n  - name: ok\n    definition: people\n  - name: c\n    definition: { method: tga, value: x }\n',
    [
      ["selectors.yml:3: 'tag:' needs a value after the colon.\n  tag:\n     ^", 3],
      ["selectors.yml:7: 'tga' is not a valid selector method. Did you mean 'tag'?", 7],
    ],
  ],
];

describe('parseSelectorsFile errors', () => {
  it.each(errorCases)('%s', (_, text, expected) => {
    const error = catchError(() => parseSelectorsFile(text, 'selectors.yml'));
    expect(error.all().map((each) => [each.message, each.line])).toEqual(expected);
    expect(error.all().every((each) => each.file === 'selectors.yml')).toBe(true);
  });

  it('gives the column of a string-form mistake on its line', () => {
    const error = catchError(() => parseSelectorsFile('selectors:\n  - name: a\n    definition: "people colour:red"\n', 'selectors.yml'));
    expect([error.code, error.line, error.column]).toEqual([ErrorCodes.SELECTOR_INVALID, 3, 25]);
  });
});

describe('parseSelectorsFile with YAML anchors, as dbt reads them', () => {
  it('an alias reuses an anchored definition, and a merge key extends one', () => {
    const text = [
      'selectors:',
      '  - name: nightly',
      '    definition: &nightly',
      '      method: tag',
      '      value: nightly',
      '  - name: nightly_again',
      '    definition: *nightly',
      '  - name: nightly_with_parents',
      '    definition:',
      '      <<: *nightly',
      '      parents: true',
      '',
    ].join('\n');
    const selectors = parseSelectorsFile(text, 'selectors.yml');
    const graph = fixtureGraph();
    const run = (name: string): string[] => names(graph, selectNodes({ graph, selector: findSelector(selectors, name) }));
    expect(run('nightly_again')).toEqual(run('nightly'));
    expect(run('nightly')).not.toEqual(run('nightly_with_parents'));
    expect(findSelector(selectors, 'nightly_with_parents')).toMatchObject({ method: 'tag', value: 'nightly', parents: true });
  });

  it('refuses an alias bomb and an alias without its anchor, with the line of the first alias', () => {
    const bomb = ['selectors:', '  - name: a', '    definition: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (const level of ['b', 'c', 'd', 'e', 'f'])
      bomb.push(
        `  - name: ${level}`,
        `    definition: &${level} [${Array(10)
          .fill(`*${String.fromCharCode(level.charCodeAt(0) - 1)}`)
          .join(', ')}]`,
      );
    for (const [text, line] of [
      [`${bomb.join('\n')}\n`, 5],
      ['selectors:\n  - name: a\n    definition: *nowhere\n', 3],
    ] as const) {
      const error = catchError(() => parseSelectorsFile(text, 'selectors.yml'));
      expect([error.code, error.line]).toEqual([ErrorCodes.CONFIG_YAML_INVALID, line]);
    }
  });
});
