import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../../src/core/errors.js';
import type { SelectionExpression } from '../../../src/graph/select/expression.js';
import { parseSelection } from '../../../src/graph/select/parse-selection.js';
import { catchError } from './catch-error.js';
import { criteria } from './criteria.js';

const cases: Array<[string, SelectionExpression]> = [
  ['people', criteria('people')],
  ['  people  ', criteria('people', { offset: 2 })],
  ['marts.finance', criteria('marts.finance')],
  ['fqn:astro.marts.*', criteria('fqn:astro.marts.*', { value: 'astro.marts.*' })],
  ['peo?le*', criteria('peo?le*')],
  ['*', criteria('*')],
  ['+people', criteria('+people', { value: 'people', parents: true })],
  ['people+', criteria('people+', { value: 'people', children: true })],
  ['+people+', criteria('+people+', { value: 'people', parents: true, children: true })],
  ['2+people', criteria('2+people', { value: 'people', parents: true, parentsDepth: 2 })],
  ['people+3', criteria('people+3', { value: 'people', children: true, childrenDepth: 3 })],
  ['12+people+1', criteria('12+people+1', { value: 'people', parents: true, parentsDepth: 12, children: true, childrenDepth: 1 })],
  ['@people', criteria('@people', { value: 'people', childrensParents: true })],
  ['2020_orders', criteria('2020_orders')],
  ['tag:nightly', criteria('tag:nightly', { method: 'tag', value: 'nightly' })],
  ['+tag:nightly+', criteria('+tag:nightly+', { method: 'tag', value: 'nightly', parents: true, children: true })],
  ['config.materialized:table', criteria('config.materialized:table', { method: 'config', methodArgs: ['materialized'], value: 'table' })],
  ['config.meta.owner:ana', criteria('config.meta.owner:ana', { method: 'config', methodArgs: ['meta', 'owner'], value: 'ana' })],
  ['source:astro', criteria('source:astro', { method: 'source', value: 'astro' })],
  ['source:astro.raw_astros+', criteria('source:astro.raw_astros+', { method: 'source', value: 'astro.raw_astros', children: true })],
  ['source:*', criteria('source:*', { method: 'source', value: '*' })],
  ['path:models/staging', criteria('path:models/staging', { method: 'path', value: 'models/staging' })],
  ['models/staging', criteria('models/staging', { method: 'path' })],
  ['models/a:b', criteria('models/a:b', { method: 'path' })],
  ['people.sql', criteria('people.sql', { method: 'file' })],
  ['file:people', criteria('file:people', { method: 'file', value: 'people' })],
  ['resource_type:seed', criteria('resource_type:seed', { method: 'resource_type', value: 'seed' })],
  ['package:astro', criteria('package:astro', { method: 'package', value: 'astro' })],
  ['test_type:singular', criteria('test_type:singular', { method: 'test_type', value: 'singular' })],
  ['test_name:not_null', criteria('test_name:not_null', { method: 'test_name', value: 'not_null' })],
  ['state:modified+', criteria('state:modified+', { method: 'state', value: 'modified', children: true })],
  ['state:modified.body', criteria('state:modified.body', { method: 'state', value: 'modified.body' })],
  ['state:new', criteria('state:new', { method: 'state', value: 'new' })],
  ['result:error+', criteria('result:error+', { method: 'result', value: 'error', children: true })],
  [
    'people tag:nightly',
    {
      kind: 'union',
      raw: 'people tag:nightly',
      members: [criteria('people'), criteria('tag:nightly', { offset: 7, method: 'tag', value: 'nightly' })],
    },
  ],
  [
    'tag:nightly,config.materialized:table',
    {
      kind: 'intersection',
      raw: 'tag:nightly,config.materialized:table',
      members: [
        criteria('tag:nightly', { method: 'tag', value: 'nightly' }),
        criteria('config.materialized:table', { offset: 12, method: 'config', methodArgs: ['materialized'], value: 'table' }),
      ],
    },
  ],
  [
    '+people,tag:x\tstg_*',
    {
      kind: 'union',
      raw: '+people,tag:x\tstg_*',
      members: [
        {
          kind: 'intersection',
          raw: '+people,tag:x',
          members: [criteria('+people', { value: 'people', parents: true }), criteria('tag:x', { offset: 8, method: 'tag', value: 'x' })],
        },
        criteria('stg_*', { offset: 14 }),
      ],
    },
  ],
];

describe('parseSelection', () => {
  it.each(cases)('parses %j', (text, expected) => {
    expect(parseSelection(text)).toEqual(expected);
  });
});

/** Message (with its caret lines) and hint, exactly. */
const errorCases: Array<[string, string, string]> = [
  [
    'colour:red',
    "'colour' is not a valid selector method. Did you mean 'column'?\n  colour:red\n  ^^^^^^",
    'Valid methods: fqn, tag, path, file, config, source, resource_type, package, test_type, test_name, state, result, source_status, exposure, unit_test, column.',
  ],
  [
    'tga:x',
    "'tga' is not a valid selector method. Did you mean 'tag'?\n  tga:x\n  ^^^",
    'Valid methods: fqn, tag, path, file, config, source, resource_type, package, test_type, test_name, state, result, source_status, exposure, unit_test, column.',
  ],
  [
    'people resource-type:model',
    "'resource-type' is not a valid selector method. Did you mean 'resource_type'?\n  people resource-type:model\n         ^^^^^^^^^^^^^",
    'Valid methods: fqn, tag, path, file, config, source, resource_type, package, test_type, test_name, state, result, source_status, exposure, unit_test, column.',
  ],
  [
    'materialized:table',
    "'materialized' is not a valid selector method. Did you mean 'config.materialized'?\n  materialized:table\n  ^^^^^^^^^^^^",
    'Valid methods: fqn, tag, path, file, config, source, resource_type, package, test_type, test_name, state, result, source_status, exposure, unit_test, column.',
  ],
  [
    'metric:revenue',
    "'metric' is a dbt selector method that tsdbt does not support.\n  metric:revenue\n  ^^^^^^",
    'Valid methods: fqn, tag, path, file, config, source, resource_type, package, test_type, test_name, state, result, source_status, exposure, unit_test, column.',
  ],
  [
    'selector:nightly',
    "'selector' can only be used inside selectors.yml.\n  selector:nightly\n  ^^^^^^^^",
    'On the command line, pass the selector by name with --selector <name>.',
  ],
  [
    ':people',
    "A method name is missing before ':'.\n  :people\n  ^",
    'Valid methods: fqn, tag, path, file, config, source, resource_type, package, test_type, test_name, state, result, source_status, exposure, unit_test, column.',
  ],
  ['+ people', "`+` needs a model name: '+ people' has a space at offset 1.\n  + people\n   ^", "Write it without the space: '+people'."],
  ['a @  people', "`@` needs a model name: '@  people' has a space at offset 3.\n  a @  people\n     ^^", "Write it without the space: '@people'."],
  ['2+ people', "`2+` needs a model name: '2+ people' has a space at offset 2.\n  2+ people\n    ^", "Write it without the space: '2+people'."],
  ['people +', "`+` needs a model name before it: 'people +' has a space at offset 6.\n  people +\n        ^", "Write it without the space: 'people+'."],
  ['people +2', "`+2` needs a model name before it: 'people +2' has a space at offset 6.\n  people +2\n        ^", "Write it without the space: 'people+2'."],
  ['+', '`+` needs a model name or a method:value next to it.\n  +\n  ^', "For example '+people', 'people+' or '@tag:nightly'."],
  ['people @', '`@` needs a model name or a method:value next to it.\n  people @\n         ^', "For example '+people', 'people+' or '@tag:nightly'."],
  [
    '@people+',
    "'@' and a trailing '+' cannot be combined in '@people+'.\n  @people+\n         ^",
    "'@x' already selects x and all its descendants (with their ancestors); drop the trailing '+'.",
  ],
  [
    'peo+ple',
    "'+' can only come at the start or the end of a selector, not inside 'peo+ple'.\n  peo+ple\n     ^",
    'Separate selectors with a space (union) or a comma (intersection).',
  ],
  [
    'people++',
    "'+' can only come at the start or the end of a selector, not inside 'people++'.\n  people++\n        ^",
    'Separate selectors with a space (union) or a comma (intersection).',
  ],
  [
    'tag:a@b',
    "'@' can only come at the start of a selector, not inside 'tag:a@b'.\n  tag:a@b\n       ^",
    'Separate selectors with a space (union) or a comma (intersection).',
  ],
  ['tag:', "'tag:' needs a value after the colon.\n  tag:\n     ^", "For example 'tag:nightly'."],
  [
    'x config.materialized:',
    "'config.materialized:' needs a value after the colon.\n  x config.materialized:\n                       ^",
    "For example 'config.materialized:table'.",
  ],
  [
    'config:table',
    "'config' needs the config key to compare, after a dot.\n  config:table\n        ^",
    "Write it as config.<key>:<value>, for example 'config.materialized:table'.",
  ],
  ['tag.x:y', "'tag' takes no argument after a dot, but got 'tag.x'.\n  tag.x:y\n      ^", "Write it as 'tag:<value>'."],
  [
    'state.modified:body',
    "'state' takes no argument after a dot, but got 'state.modified'.\n  state.modified:body\n        ^^^^^^^^",
    "Sub-selectors go in the value: 'state:modified.body'.",
  ],
  [
    'state:modifed+',
    "'modifed' is not a valid state. Did you mean 'modified'?\n  state:modifed+\n        ^^^^^^^",
    'Valid values: new, old, modified, unmodified, modified.body, modified.configs, modified.relation, modified.macros, modified.contract.',
  ],
  [
    'result:failed',
    "'failed' is not a valid result. Did you mean 'fail'?\n  result:failed\n         ^^^^^^",
    'Valid values: error, fail, success, skipped, warn, pass.',
  ],
  [
    'resource_type:models',
    "'models' is not a valid resource type. Did you mean 'model'?\n  resource_type:models\n                ^^^^^^",
    'Valid values: model, seed, test, unit_test, source, snapshot, analysis, operation, exposure.',
  ],
  [
    'test_type:units',
    "'units' is not a valid test type. Did you mean 'unit'?\n  test_type:units\n            ^^^^^",
    'Valid values: generic, singular, unit, data, schema.',
  ],
  [
    'source:a.b.c.d',
    "'a.b.c.d' is not a valid source selector: it has more than three dotted parts.\n  source:a.b.c.d\n         ^^^^^^^",
    "Write 'source:<source>', 'source:<source>.<table>' or 'source:<package>.<source>.<table>'.",
  ],
  [
    'a,',
    "There is no selector after the ',' at offset 1.\n  a,\n   ^",
    "A comma means 'and': 'tag:nightly,config.materialized:table' selects nodes matching both. Leave no spaces around the comma.",
  ],
  [
    'a ,b',
    "There is no selector before the ',' at offset 2.\n  a ,b\n    ^",
    "A comma means 'and': 'tag:nightly,config.materialized:table' selects nodes matching both. Leave no spaces around the comma.",
  ],
  [
    'a,,b',
    "There is no selector after the ',' at offset 1.\n  a,,b\n   ^",
    "A comma means 'and': 'tag:nightly,config.materialized:table' selects nodes matching both. Leave no spaces around the comma.",
  ],
  ['   ', 'The selection is empty.\n     \n  ^', "Give a model name or a method:value, for example 'people' or 'tag:nightly'."],
];

describe('parseSelection errors', () => {
  it.each(errorCases)('rejects %j', (text, message, hint) => {
    const error = catchError(() => parseSelection(text));
    expect(error.code).toBe(ErrorCodes.SELECTOR_INVALID);
    expect({ message: error.message, hint: error.hint }).toEqual({ message, hint });
  });

  it('gives the column of the offending character (1-based) and a file when one is known', () => {
    const error = catchError(() => parseSelection('people colour:red'));
    expect([error.file, error.line, error.column]).toEqual([undefined, undefined, 8]);
    const fromFile = catchError(() => parseSelection('people colour:red', { file: 'selectors.yml', line: 4, column: 11 }));
    expect([fromFile.file, fromFile.line, fromFile.column, fromFile.location]).toEqual(['selectors.yml', 4, 18, 'selectors.yml:4']);
  });
});
