/**
 * The project the crash-safety sweep builds, and for each materialization what a reader must see
 * after a run of step `s` was killed with a given list of statements completed. Step `s` puts
 * `s` into every row it writes, so the rows say which build they came from.
 */

export type Row = Record<string, number>;

export const DATABASE = 'crash';

export const CRASH_PROJECT: Record<string, string> = {
  'project.yml': 'name: crash\nprofile: crash\n',
  'profiles.yml': 'crash:\n  target: dev\n  outputs:\n    dev: {type: chdb, threads: 1}\n',
  // `slow` makes each INSERT … SELECT of a model take about 0.2 s (4 rows × 50 ms), so a kill can land inside it.
  'macros/slow.sql': "{% macro slow_rows() %}{% if var('slow', false) %} where sleepEachRow(0.05) = 0 settings max_block_size = 1{% endif %}{% endmacro %}",
  'models/tbl.sql':
    "{{ config(materialized='table', order_by='id') }}\nselect number as id, toUInt32({{ var('step', 0) }}) as step from numbers(4){{ slow_rows() }}\n",
  'models/inc_default.sql':
    "{{ config(materialized='incremental', unique_key='id', order_by='id') }}\nselect number + {{ var('step', 0) }} as id, toUInt32({{ var('step', 0) }}) as step from numbers(3){{ slow_rows() }}\n",
  'models/inc_delete.sql':
    "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id', order_by='id') }}\nselect number + {{ var('step', 0) }} as id, toUInt32({{ var('step', 0) }}) as step from numbers(3){{ slow_rows() }}\n",
  'models/inc_append.sql': [
    "{{ config(materialized='incremental', order_by='id') }}",
    "select * from (select number as id, toUInt32({{ var('step', 0) }}) as step from numbers({{ (var('step', 0) + 1) * 2 }}){{ slow_rows() }})",
    '{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}',
    '',
  ].join('\n'),
  'models/inc_overwrite.sql':
    "{{ config(materialized='incremental', incremental_strategy='insert_overwrite', partition_by='p', order_by='id') }}\nselect toUInt8(number % 2) as p, number as id, toUInt32({{ var('step', 0) }}) as step from numbers(4){{ slow_rows() }}\n",
  'models/sources.yml': 'sources:\n  - name: raw\n    tables:\n      - name: events\n',
  'models/mv_target.sql':
    "{{ config(materialized='materialized_view', order_by='id') }}\nselect id, step * 10 + {{ var('step', 0) }} as x from {{ source('raw', 'events') }}\n",
  'models/vw.sql': "select id, {{ var('step', 0) }} as step from {{ ref('tbl') }}\n",
};

/** The MV's source table and its rows, created before the first run (the MV reads, never builds, it). */
export const RAW_EVENTS_DDL = [
  'CREATE DATABASE IF NOT EXISTS raw',
  'CREATE TABLE raw.events (id UInt64, step UInt32) ENGINE = MergeTree ORDER BY id',
  'INSERT INTO raw.events VALUES (1, 1), (2, 2)',
];

export interface CrashScenario {
  /** What the RELIABILITY.md line says was killed. */
  subject: string;
  model: string;
  /** Extra arguments of every run of this scenario. */
  args: string[];
  /** The rows the relation holds once the run of `step` has completed. */
  rows(step: number): Row[];
  /** The rows a reader must see after the run of `step` was killed with `completed` statements done. */
  afterKill(step: number, completed: readonly string[]): Row[];
  /** In the default sweep (else only with TSDBT_HEAVY_TESTS=1). */
  inDefault: boolean;
}

const q = (name: string) => `\`${DATABASE}\`.\`${name}\``;
/** Whether a statement starting with `prefix` (then a space or a line break) has completed. */
const ran = (completed: readonly string[], prefix: string) => completed.some((sql) => sql.startsWith(prefix) && /^\s/.test(sql.slice(prefix.length)));
/** Whether the new table was swapped in under the model's name (EXCHANGE, or the double RENAME of old servers). */
const swapped = (completed: readonly string[], model: string) =>
  completed.some((sql) => sql.trim() === `EXCHANGE TABLES ${q(`${model}__tsdbt_tmp`)} AND ${q(model)}`) ||
  completed.some((sql) => sql.startsWith('RENAME TABLE') && sql.includes(`${q(`${model}__tsdbt_tmp`)} TO ${q(model)}`));

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const byId = (rows: Row[]) => [...rows].sort((a, b) => a.id! - b.id!);

/** ids s, s+1, s+2 (re)written with step s at every step up to `step`. */
function mergedRows(step: number): Row[] {
  const latest = new Map<number, number>();
  for (let s = 0; s <= step; s += 1) for (const id of range(s, 3)) latest.set(id, s);
  return byId([...latest].map(([id, s]) => ({ id, step: s })));
}

/** Each step appends the ids up to 2s+1 that are not there yet. */
function appendedRows(step: number): Row[] {
  const rows: Row[] = [];
  for (let s = 0; s <= step; s += 1) for (const id of range(rows.length, 2 * s + 2 - rows.length)) rows.push({ id, step: s });
  return rows;
}

const tableRows = (step: number) => range(0, 4).map((id) => ({ id, step }));

export const SCENARIOS: CrashScenario[] = [
  {
    subject: '`table` rebuilt (staged in `__tsdbt_tmp`, swapped with EXCHANGE TABLES)',
    model: 'tbl',
    args: [],
    rows: tableRows,
    afterKill: (step, done) => tableRows(swapped(done, 'tbl') ? step : step - 1),
    inDefault: true,
  },
  {
    subject: '`incremental`, strategy `default` (staged, old rows copied, swapped)',
    model: 'inc_default',
    args: [],
    rows: mergedRows,
    afterKill: (step, done) => mergedRows(swapped(done, 'inc_default') ? step : step - 1),
    inDefault: true,
  },
  {
    subject: '`incremental`, strategy `delete+insert`',
    model: 'inc_delete',
    args: [],
    rows: mergedRows,
    afterKill: (step, done) => {
      if (ran(done, `INSERT INTO ${q('inc_delete')}`)) return mergedRows(step);
      // Between the DELETE and the INSERT readers miss the keys being replaced (not atomic; see README).
      if (ran(done, `DELETE FROM ${q('inc_delete')}`)) return mergedRows(step - 1).filter((row) => !range(step, 3).includes(row.id!));
      return mergedRows(step - 1);
    },
    inDefault: false,
  },
  {
    subject: '`incremental`, strategy `append` (filtered on `max(id)` of `this`)',
    model: 'inc_append',
    args: [],
    rows: appendedRows,
    afterKill: (step, done) => appendedRows(ran(done, `INSERT INTO ${q('inc_append')}`) ? step : step - 1),
    inDefault: false,
  },
  {
    subject: '`incremental`, strategy `insert_overwrite` (REPLACE PARTITION)',
    model: 'inc_overwrite',
    args: [],
    rows: (step) => tableRows(step).map((row) => ({ p: row.id! % 2, ...row })),
    afterKill: (step, done) => tableRows(ran(done, `ALTER TABLE ${q('inc_overwrite')}`) ? step : step - 1).map((row) => ({ p: row.id! % 2, ...row })),
    inDefault: false,
  },
  {
    subject: '`materialized_view` with `--full-refresh` (table rebuilt under a temporary name, then the old view dropped, the table swapped, the view created)',
    model: 'mv_target',
    args: ['--full-refresh'],
    rows: (step) => [
      { id: 1, x: 10 + step },
      { id: 2, x: 20 + step },
    ],
    afterKill: (step, done) => {
      const s = swapped(done, 'mv_target') ? step : step - 1;
      return [
        { id: 1, x: 10 + s },
        { id: 2, x: 20 + s },
      ];
    },
    inDefault: true,
  },
  {
    subject: '`view` (CREATE OR REPLACE VIEW)',
    model: 'vw',
    args: [],
    // The view reads tbl, which the sweep of tbl leaves at its last step; only the view's constant changes here.
    rows: (step) => range(0, 4).map((id) => ({ id, step })),
    afterKill: (step, done) => range(0, 4).map((id) => ({ id, step: ran(done, `CREATE OR REPLACE VIEW ${q('vw')}`) ? step : step - 1 })),
    inDefault: false,
  },
];
