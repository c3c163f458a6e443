/** tsdbt's `dbt` namespace of cross-database macros: the SQL each renders, run on chDB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../../src/core/adapter-types.js';
import { BUILTIN_DISPATCHERS } from '../../src/template/builtin-macros/registry.js';
import { chdbSession, renderOnAdapter, templateEngine } from '../support/engine.js';

let session: Awaited<ReturnType<typeof chdbSession>>;
let adapter: Adapter;

beforeAll(async () => {
  session = await chdbSession();
  adapter = session.adapter;
});
afterAll(async () => {
  await session.close();
});

/** Renders `expression` (Jinja) into `select … as v` and returns v as chDB computes it (JSON). */
async function chdbValue(expression: string, macros: Record<string, string> = {}): Promise<unknown> {
  const { engine } = templateEngine(macros);
  const sql = await renderOnAdapter(engine, adapter, `select ${expression} as v`);
  const rows = await adapter.query<{ v: unknown }>(sql, { settings: { output_format_json_quote_64bit_integers: 0 } });
  return rows[0]!.v;
}

describe('dbt.* cross-database macros on chDB', () => {
  it.each([
    ['any_value', "(select {{ dbt.any_value('x') }} from (select 7 as x))", 7],
    ['array_append', "{{ dbt.array_append('[1, 2]', '3') }}", [1, 2, 3]],
    ['array_concat', "{{ dbt.array_concat('[1]', '[2, 3]') }}", [1, 2, 3]],
    ['array_construct', "{{ dbt.array_construct(['1', '2']) }}", [1, 2]],
    ['array_construct (empty)', 'length({{ dbt.array_construct([]) }})', 0],
    ['bool_or', "(select {{ dbt.bool_or('x = 2') }} from (select arrayJoin([1, 2]) as x))", 1],
    ['cast', '{{ dbt.cast("\'42\'", dbt.type_int()) }}', 42],
    ['cast_bool_to_text', "{{ dbt.cast_bool_to_text('1 = 1') }} || {{ dbt.cast_bool_to_text('1 = 0') }}", 'truefalse'],
    ['concat', '{{ dbt.concat(["\'a\'", "\'b\'", "\'c\'"]) }}', 'abc'],
    ['current_timestamp', 'toTypeName({{ dbt.current_timestamp() }})', 'DateTime'],
    ['current_timestamp (bare)', 'toTypeName({{ current_timestamp() }})', 'DateTime'],
    ['current_timestamp_backcompat', 'toTypeName({{ dbt.current_timestamp_backcompat() }})', 'DateTime'],
    ['current_timestamp_in_utc_backcompat', 'toTypeName({{ dbt.current_timestamp_in_utc_backcompat() }})', "DateTime('UTC')"],
    ['date', 'toString({{ dbt.date(2024, 3, 9) }})', '2024-03-09'],
    ['date_trunc', "toString({{ dbt.date_trunc('month', \"toDate('2024-03-09')\") }})", '2024-03-01'],
    ['dateadd', "toString({{ dbt.dateadd('day', 3, \"toDate('2024-02-27')\") }})", '2024-03-01'],
    ['datediff', "{{ dbt.datediff(\"toDate('2024-01-31')\", \"toDate('2024-03-01')\", 'month') }}", 2],
    // Quoted literals, as dbt_utils.date_spine passes them: ClickHouse's dateDiff alone refuses a String.
    ['datediff of literals', "{{ dbt.datediff(\"'2018-01-01'\", \"'2018-01-10'\", 'day') }}", 9],
    ['equals (nulls are equal)', "{{ dbt.equals('NULL', 'NULL') }} and {{ dbt.equals('1', '1') }} and not {{ dbt.equals('1', '2') }}", 1],
    ['escape_single_quotes', "'{{ dbt.escape_single_quotes(\"it's a \\\\ path\") }}'", "it's a \\ path"],
    ['except', '(select count() from (select arrayJoin([1, 1, 2]) as x {{ dbt.except() }} select 2))', 1],
    ['intersect', '(select count() from (select arrayJoin([1, 1, 2]) as x {{ dbt.intersect() }} select arrayJoin([1, 3])))', 1],
    ['generate_series', '(select groupArray(generated_number) from ({{ dbt.generate_series(5) }}))', [1, 2, 3, 4, 5]],
    ['get_powers_of_two', '{{ dbt.get_powers_of_two(5) }}', 3],
    ['get_intervals_between', "{{ dbt.get_intervals_between(\"toDate('2024-01-01')\", \"toDate('2024-01-11')\", 'day') }}", 10],
    [
      'date_spine',
      "(select groupArray(toString(date_day)) from ({{ dbt.date_spine('day', \"toDate('2024-01-30')\", \"toDate('2024-02-02')\") }}))",
      ['2024-01-30', '2024-01-31', '2024-02-01'],
    ],
    ['hash', '{{ dbt.hash("\'abc\'") }}', '900150983cd24fb0d6963f7d28e17f72'],
    ['last_day', "toString({{ dbt.last_day(\"toDate('2024-02-10')\", 'month') }})", '2024-02-29'],
    ['length', '{{ dbt.length("\'héllo\'") }}', 5],
    ['listagg', "(select {{ dbt.listagg('x', \"', '\") }} from (select arrayJoin(['a', 'b']) as x))", 'a, b'],
    [
      'listagg (ordered, limited)',
      "(select {{ dbt.listagg('x', \"'-'\", 'order by k desc', 2) }} from (select arrayJoin([('a', 1), ('b', 3), ('c', 2)]) as t, t.1 as x, t.2 as k))",
      'b-c',
    ],
    ['position', '{{ dbt.position("\'lo\'", "\'hello\'") }}', 4],
    ['replace', '{{ dbt.replace("\'a-b-c\'", "\'-\'", "\'+\'") }}', 'a+b+c'],
    ['right', '{{ dbt.right("\'hello\'", 3) }}', 'llo'],
    ['safe_cast', "{{ dbt.safe_cast(\"'not a number'\", 'Int32') }}", null],
    ['split_part', '{{ dbt.split_part("\'a,b,c\'", "\',\'", 2) }} || {{ dbt.split_part("\'a,b,c\'", "\',\'", -1) }}', 'bc'],
    ['string_literal', '{{ dbt.string_literal("it\'s") }}', "it's"],
    ['type_bigint', 'toTypeName(CAST(1 AS {{ dbt.type_bigint() }}))', 'Int64'],
    ['type_boolean', 'toTypeName(CAST(1 AS {{ dbt.type_boolean() }}))', 'Bool'],
    ['type_float', 'toTypeName(CAST(1 AS {{ dbt.type_float() }}))', 'Float64'],
    ['type_int', 'toTypeName(CAST(1 AS {{ dbt.type_int() }}))', 'Int32'],
    ['type_numeric', 'toTypeName(CAST(1 AS {{ dbt.type_numeric() }}))', 'Decimal(28, 6)'],
    ['type_string', 'toTypeName(CAST(1 AS {{ type_string() }}))', 'String'],
    ['type_timestamp', 'toTypeName(CAST(1 AS {{ dbt.type_timestamp() }}))', 'DateTime'],
  ])('%s', async (_name, expression, expected) => {
    expect(await chdbValue(expression)).toEqual(expected);
  });

  it('has a test above for every built-in dispatcher', () => {
    const tested = new Set([
      'any_value',
      'array_append',
      'array_concat',
      'array_construct',
      'bool_or',
      'cast',
      'cast_bool_to_text',
      'concat',
      'current_timestamp',
      'date',
      'date_trunc',
      'dateadd',
      'datediff',
      'equals',
      'escape_single_quotes',
      'except',
      'intersect',
      'generate_series',
      'get_powers_of_two',
      'get_intervals_between',
      'date_spine',
      'hash',
      'last_day',
      'length',
      'listagg',
      'position',
      'replace',
      'right',
      'safe_cast',
      'split_part',
      'string_literal',
      'type_bigint',
      'type_boolean',
      'type_float',
      'type_int',
      'type_numeric',
      'type_string',
      'type_timestamp',
      'current_timestamp_backcompat',
      'current_timestamp_in_utc_backcompat',
      // Relation macros: tested on chDB in adapter-api.test.ts.
      'load_cached_relation',
      'load_relation',
      'get_columns_in_relation',
      'get_columns_in_query',
      'make_temp_relation',
      'drop_relation_if_exists',
      'drop_relation',
      'truncate_relation',
      'rename_relation',
      'create_schema',
      'drop_schema',
      'list_relations_without_caching',
      // A helper of dateadd/datediff: tested by 'datediff of literals'.
      '_tsdbt_date_operand',
    ]);
    expect(BUILTIN_DISPATCHERS.filter((name) => !tested.has(name))).toEqual([]);
  });

  it("reaches the render's run_query, statement, is_incremental and should_full_refresh as dbt.x too", async () => {
    expect(await chdbValue("{{ dbt.run_query('select 41 + 1 as x').rows[0][0] }}")).toBe(42);
    const { engine } = templateEngine();
    const scope = { is_incremental: () => true, should_full_refresh: () => false };
    expect(engine.compile('models/m.sql', '{{ dbt.is_incremental() }} {{ dbt.should_full_refresh() }}').render(scope)).toBe('True False');
  });

  it('lets the project override an implementation through dispatch (clickhouse__x in macros/)', async () => {
    const override = { 'macros/o.sql': "{% macro clickhouse__type_string() %}{{ return('LowCardinality(String)') }}{% endmacro %}" };
    expect(await chdbValue('toTypeName(CAST(1 AS {{ dbt.type_string() }}))', override)).toBe('LowCardinality(String)');
  });

  it('lets a project macro of the same name replace the bare name, while dbt.x stays the built-in', async () => {
    const own = { 'macros/o.sql': "{% macro current_timestamp() %}toDateTime('2020-01-01 00:00:00'){% endmacro %}" };
    expect(await chdbValue("toString({{ current_timestamp() }}) || '|' || toTypeName({{ dbt.current_timestamp() }})", own)).toBe(
      '2020-01-01 00:00:00|DateTime',
    );
  });
});
