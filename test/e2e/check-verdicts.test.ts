/**
 * `tsdbt check` analyzes each model once (its query tree) and shadows it with an empty table;
 * it used to create every model as a view over its parents' views. This holds it to the old
 * verdicts: each model below is also created as a view, in graph order, in a chDB session of the
 * test's own over the same source, and the check must accept exactly the models `CREATE VIEW`
 * accepts, reporting the same ClickHouse error for the others. The cases are the mistakes a
 * model makes (unknown column or function, a type mismatch, a parent's type misused) and those
 * the analysis pass alone lets through but `CREATE VIEW` refuses (UNION and INTERSECT members of
 * different widths, a RANGE frame over two columns, PREWHERE on a table without it), plus
 * columns a view can have and a table cannot (Nothing). The reference also plans a read of each
 * view it created, as a run would: a join's key types are decided only there, so `CREATE VIEW`
 * alone accepts a join of a number to a String, and the check must not.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeProject, writeProject } from '../support/cli.js';
import { tsdbt, withChdb } from './example-project.js';

const SOURCE = "{{ source('raw', 't') }}";

/** In graph order: a model reads only models above it. */
const MODELS: [string, string][] = [
  ['ok_plain', `select id, c, amount, arr from ${SOURCE}`],
  ['unknown_column', `select idd from ${SOURCE}`],
  ['unknown_function', `select nope_fn(id) as x from ${SOURCE}`],
  ['string_plus_number', `select c + 1 as x from ${SOURCE}`],
  ['string_filter', `select id from ${SOURCE} where c`],
  ['not_aggregated', `select id, count() as n from ${SOURCE}`],
  ['parent_type_misused', "select c + id as x from {{ ref('ok_plain') }}"],
  ['parent_column_missing', "select category from {{ ref('ok_plain') }}"],
  ['union_widths', `select id from ${SOURCE} union all select id, c from ${SOURCE}`],
  ['union_ok', `select id, c from ${SOURCE} union all select id, c from ${SOURCE}`],
  ['intersect_widths', `select id from ${SOURCE} intersect select id, c from ${SOURCE}`],
  ['range_two_columns', `select sum(id) over (order by id, c range between 1 preceding and current row) as s from ${SOURCE}`],
  ['window_ok', `select id, c, row_number() over (partition by c order by id) as rn from ${SOURCE}`],
  ['prewhere_memory', `select id from ${SOURCE} prewhere id > 1`],
  ['recursive_widths', 'with recursive r as (select 1 as n union all select n + 1, 2 from r where n < 3) select n from r'],
  ['nothing_column', `select id, null as nothing, [] as empty from ${SOURCE}`],
  ['low_cardinality_uint8', `select toLowCardinality(toUInt8(id)) as small from ${SOURCE}`],
  ['reads_nothing_column', "select id, nothing, empty from {{ ref('nothing_column') }}"],
  ['reads_union', "select id, upper(c) as c from {{ ref('union_ok') }}"],
  ['reads_union_misused', "select id + c as x from {{ ref('union_ok') }}"],
  ['reads_window', "select c, max(rn) as top from {{ ref('window_ok') }} group by c"],
  ['join_ok', `select a.id as id, b.c as c from ${SOURCE} as a join ${SOURCE} as b on a.id = b.id`],
  ['join_number_to_string', `select a.id, b.c from ${SOURCE} as a join ${SOURCE} as b on a.id = b.c`],
  ['join_parent_types', "select p.id, p.c from {{ ref('ok_plain') }} as p left join {{ ref('window_ok') }} as w on p.id = w.rn"],
  ['signed_x', `select toInt32(id) - 1 as x from ${SOURCE}`],
  ['join_signed_unsigned', "select p.id from {{ ref('ok_plain') }} as p join {{ ref('signed_x') }} as s on p.id = s.x"],
  ['join_widening', `select a.id as id from ${SOURCE} as a join ${SOURCE} as b on a.id = toUInt32(b.id)`],
  ['join_nullable', `select a.id as id from ${SOURCE} as a join ${SOURCE} as b on toNullable(a.id) = b.id and a.c = toLowCardinality(b.c)`],
  ['reads_join_ok', "select c, count() as n from {{ ref('join_ok') }} group by c"],
];

const FILES: Record<string, string> = {
  'project.yml': 'name: verdicts\nprofile: verdicts\n',
  'models/sources.yml': [
    'version: 2',
    'sources:',
    '  - name: raw',
    '    tables:',
    '      - name: t',
    '        columns:',
    '          - {name: id, data_type: UInt64}',
    '          - {name: c, data_type: String}',
    '          - {name: amount, data_type: Float64}',
    "          - {name: arr, data_type: 'Array(String)'}",
    '',
  ].join('\n'),
  ...Object.fromEntries(MODELS.map(([name, sql]) => [`models/${name}.sql`, `${sql}\n`])),
};

interface Verdict {
  status: string;
  /** The ClickHouse error name (UNKNOWN_IDENTIFIER…), for a rejected model. */
  error?: string;
}

function errorName(message: string): string | undefined {
  return /ClickHouse error \d+ ([A-Z_]+)/.exec(message)?.[1];
}

describe('tsdbt check gives the verdicts of CREATE VIEW', () => {
  let dir: string;
  let home: string;
  let scratch: string;
  beforeAll(() => {
    dir = writeProject(FILES);
    home = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-home-'));
    scratch = mkdtempSync(path.join(os.tmpdir(), 'tsdbt-verdicts-'));
  });
  afterAll(() => {
    removeProject(dir);
    removeProject(home);
    removeProject(scratch);
  });

  it('accepts exactly the models CREATE VIEW accepts, with the same error for the others, on one or two threads', async () => {
    for (const threads of ['1', '2']) {
      const result = await tsdbt(dir, home, ['check', '--output', 'json', '--threads', threads]);
      expect(result.code).toBe(1);
      const checked = new Map<string, Verdict>();
      for (const line of result.stdout.trim().split('\n')) {
        const record = JSON.parse(line) as { model: string; status: string; message: string | null };
        checked.set(record.model, { status: record.status, ...(record.status === 'error' ? { error: errorName(record.message ?? '') } : {}) });
      }

      const manifest = JSON.parse(readFileSync(path.join(dir, 'target', 'manifest.json'), 'utf8')) as {
        nodes: Record<string, { name: string; schema: string; compiled_code: string }>;
      };
      const compiled = new Map(Object.values(manifest.nodes).map((node) => [node.name, node]));
      const expected = await withChdb(
        dir,
        async (adapter) => {
          await adapter.execute('CREATE DATABASE raw ENGINE = Memory');
          await adapter.execute('CREATE TABLE raw.t (id UInt64, c String, amount Float64, arr Array(String)) ENGINE = Memory');
          const verdicts = new Map<string, Verdict>();
          for (const [name] of MODELS) {
            const node = compiled.get(name)!;
            await adapter.execute(`CREATE DATABASE IF NOT EXISTS \`${node.schema}\` ENGINE = Memory`);
            const parents = [...node.compiled_code.matchAll(/`[^`]+`\.`([^`]+)`/g)].map((match) => match[1]!);
            const failedParent = parents.find((parent) => verdicts.get(parent)?.status !== undefined && verdicts.get(parent)!.status !== 'ok');
            if (failedParent !== undefined) {
              verdicts.set(name, { status: 'skipped' });
              continue;
            }
            try {
              await adapter.execute(`CREATE VIEW \`${node.schema}\`.\`${name}\` AS\n${node.compiled_code}\n`);
              // What a run meets next: planning a read of the view (a join's key types are decided only here).
              await adapter.queryText(`EXPLAIN PLAN SELECT * FROM \`${node.schema}\`.\`${name}\``);
              verdicts.set(name, { status: 'ok' });
            } catch (error) {
              verdicts.set(name, { status: 'error', error: errorName((error as Error).message) });
            }
          }
          return verdicts;
        },
        path.join(scratch, `session-${threads}`),
      );

      expect(Object.fromEntries(checked)).toEqual(Object.fromEntries(expected));
      // The cases mean something: both verdicts occur, and the analysis pass alone would have let these through.
      for (const name of [
        'union_widths',
        'intersect_widths',
        'range_two_columns',
        'prewhere_memory',
        'recursive_widths',
        'reads_union_misused',
        'low_cardinality_uint8',
        'join_number_to_string',
        'join_signed_unsigned',
      ])
        expect(checked.get(name)?.status, name).toBe('error');
      for (const name of [
        'ok_plain',
        'nothing_column',
        'reads_nothing_column',
        'reads_union',
        'reads_window',
        'join_ok',
        'join_parent_types',
        'join_widening',
        'join_nullable',
        'reads_join_ok',
      ])
        expect(checked.get(name)?.status, name).toBe('ok');
    }
  });
});
