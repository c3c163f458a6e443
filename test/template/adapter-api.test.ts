/** The `adapter`/relation API and context globals packages call, rendered at run time on chDB. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CTE_PREFIX } from '../../src/compile/ephemeral.js';
import { renderModel } from '../../src/compile/render-model.js';
import type { Adapter } from '../../src/core/adapter-types.js';
import { ErrorCodes } from '../../src/core/errors.js';
import { catchError } from '../graph/select/catch-error.js';
import { projectYml } from '../support/cli.js';
import { chdbSession, renderOnAdapter, templateEngine } from '../support/engine.js';
import { load } from '../support/project.js';

let session: Awaited<ReturnType<typeof chdbSession>>;
let adapter: Adapter;

beforeAll(async () => {
  session = await chdbSession();
  adapter = session.adapter;
});
afterAll(async () => {
  await session.close();
});
beforeEach(async () => {
  await adapter.execute('DROP DATABASE IF EXISTS api_db');
  await adapter.execute('DROP DATABASE IF EXISTS api_other');
  await adapter.execute('CREATE DATABASE api_db');
  await adapter.execute('CREATE TABLE api_db.people (id Int32, name Nullable(String), score Float64) ENGINE = MergeTree ORDER BY id');
  await adapter.execute("INSERT INTO api_db.people VALUES (1, 'ada', 1.5), (2, 'bob', 2)");
  await adapter.execute('CREATE TABLE api_db.narrow (id Int32) ENGINE = MergeTree ORDER BY id');
  await adapter.execute('CREATE VIEW api_db.people_v AS SELECT id FROM api_db.people');
});

const render = (text: string, macros: Record<string, string> = {}) => {
  const { engine } = templateEngine(macros);
  return renderOnAdapter(engine, adapter, text);
};
const REL = "api.Relation.create(schema='api_db', identifier='people')";

async function tableNames(database: string): Promise<string[]> {
  const rows = await adapter.query<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${database}' ORDER BY name`);
  return rows.map((row) => row.name);
}

describe('adapter relation methods on chDB', () => {
  it('get_columns_in_relation gives api.Column objects with name, data_type and type tests', async () => {
    const out = await render(
      `{% for c in adapter.get_columns_in_relation(${REL}) %}{{ c.name }}:{{ c.data_type }}:{{ c.is_string() }}:{{ c.is_number() }}:{{ c.quoted }};{% endfor %}`,
    );
    expect(out).toBe('id:Int32:False:True:`id`;name:Nullable(String):True:False:`name`;score:Float64:False:True:`score`;');
  });

  it('get_relation finds a table or a view (with its type) and gives None for a missing one', async () => {
    const out = await render(
      "{% set t = adapter.get_relation(database='api_db', schema='api_db', identifier='people') %}{% set v = adapter.get_relation('api_db', 'api_db', 'people_v') %}" +
        "{{ t }} {{ t.is_table }} {{ v.is_view }} {{ v.type }} {{ adapter.get_relation('api_db', 'api_db', 'nope') is none }}",
    );
    expect(out).toBe('`api_db`.`people` True True view True');
  });

  it('load_relation and list_relations_without_caching', async () => {
    const out = await render(
      `{{ adapter.load_relation(${REL}).identifier }}|{{ adapter.load_relation(api.Relation.create(schema='api_db', identifier='gone')) }}|` +
        "{% for r in adapter.list_relations_without_caching(api.Relation.create(schema='api_db')) %}{{ r.identifier }}:{{ r.type }} {% endfor %}",
    );
    expect(out).toBe('people|None|narrow:table people:table people_v:view ');
  });

  it('get_missing_columns lists the columns of the first relation the second lacks', async () => {
    const out = await render(
      `{{ adapter.get_missing_columns(${REL}, api.Relation.create(schema='api_db', identifier='narrow')) | map(attribute='name') | join(',') }}`,
    );
    expect(out).toBe('name,score');
  });

  it('truncate_relation, rename_relation and drop_relation change the database', async () => {
    await render(`{% do adapter.truncate_relation(${REL}) %}`);
    expect(await adapter.query('SELECT count() AS n FROM api_db.people')).toEqual([{ n: 0 }]);
    await render(`{% do adapter.rename_relation(${REL}, api.Relation.create(schema='api_db', identifier='folks')) %}`);
    expect(await tableNames('api_db')).toEqual(['folks', 'narrow', 'people_v']);
    await render(
      "{% do adapter.drop_relation(api.Relation.create(schema='api_db', identifier='people_v', type='view')) %}{% do adapter.drop_relation(api.Relation.create(schema='api_db', identifier='narrow')) %}",
    );
    expect(await tableNames('api_db')).toEqual(['folks']);
  });

  it('create_schema and drop_schema', async () => {
    await render("{% do adapter.create_schema(api.Relation.create(schema='api_other')) %}");
    expect(await adapter.query("SELECT name FROM system.databases WHERE name = 'api_other'")).toEqual([{ name: 'api_other' }]);
    await render("{% do adapter.drop_schema(api.Relation.create(schema='api_other')) %}");
    expect(await adapter.query("SELECT name FROM system.databases WHERE name = 'api_other'")).toEqual([]);
  });

  it('quote, expand_target_column_types (nothing to do on ClickHouse) and adapter.type()', async () => {
    expect(await render(`{{ adapter.quote('a b') }}|{{ adapter.expand_target_column_types(${REL}, ${REL}) }}|{{ adapter.type() }}`)).toBe('`a b`||clickhouse');
  });

  it('runs nothing while parsing: lookups find nothing', () => {
    const { render: parseRender } = templateEngine();
    expect(
      parseRender(`{{ adapter.get_columns_in_relation(${REL}) | length }} {{ adapter.get_relation('api_db', 'api_db', 'people') }}`, {
        execute: false,
        run_query: () => null,
      }),
    ).toBe('0 None');
  });
});

describe("dbt's global relation macros on chDB (bare names and dbt.x)", () => {
  it('load_relation and load_cached_relation find a relation or give None', async () => {
    const out = await render(
      `{{ load_relation(${REL}).type }} {{ dbt.load_cached_relation(${REL}) }} {{ load_relation(api.Relation.create(schema='api_db', identifier='gone')) }}`,
    );
    expect(out).toBe('table `api_db`.`people` None');
  });

  it('get_columns_in_relation and get_columns_in_query', async () => {
    const out = await render(
      `{{ get_columns_in_relation(${REL}) | map(attribute='name') | join(',') }}|{{ get_columns_in_query('select id, name as label, 1 as one from api_db.people') | join(',') }}`,
    );
    expect(out).toBe('id,name,score|id,label,one');
  });

  it('make_temp_relation, list_relations_without_caching', async () => {
    const out = await render(
      `{{ make_temp_relation(${REL}) }} {{ make_temp_relation(${REL}, '__x').identifier }} {{ list_relations_without_caching(api.Relation.create(schema='api_db')) | map(attribute='identifier') | join(',') }}`,
    );
    expect(out).toBe('`api_db`.`people__dbt_tmp` people__x narrow,people,people_v');
  });

  it('truncate_relation, rename_relation, drop_relation, drop_relation_if_exists, create_schema, drop_schema', async () => {
    await render(`{% do truncate_relation(${REL}) %}`);
    expect(await adapter.query('SELECT count() AS n FROM api_db.people')).toEqual([{ n: 0 }]);
    await render(`{% do rename_relation(${REL}, api.Relation.create(schema='api_db', identifier='folks')) %}`);
    await render(
      "{% do drop_relation(api.Relation.create(schema='api_db', identifier='people_v', type='view')) %}{% do drop_relation_if_exists(load_relation(api.Relation.create(schema='api_db', identifier='narrow'))) %}{% do drop_relation_if_exists(none) %}",
    );
    expect(await tableNames('api_db')).toEqual(['folks']);
    await render("{% do create_schema(api.Relation.create(schema='api_other')) %}");
    expect(await adapter.query("SELECT count() AS n FROM system.databases WHERE name = 'api_other'")).toEqual([{ n: 1 }]);
    await render("{% do drop_schema(api.Relation.create(schema='api_other')) %}");
    expect(await adapter.query("SELECT count() AS n FROM system.databases WHERE name = 'api_other'")).toEqual([{ n: 0 }]);
  });

  it('lets the project override one through dispatch', async () => {
    const out = await render(`{{ make_temp_relation(${REL}).identifier }}`, {
      'macros/t.sql':
        "{% macro clickhouse__make_temp_relation(base_relation, suffix) %}{{ return(base_relation.incorporate(path={'identifier': 'tmp_' ~ base_relation.identifier})) }}{% endmacro %}",
    });
    expect(out).toBe('tmp_people');
  });
});

describe('relations and columns', () => {
  it('api.Relation.create, incorporate(type=…), incorporate(path=…) and the relation parts', async () => {
    const out = await render(
      "{% set r = api.Relation.create(database='d', schema='s', identifier='t', type='table') %}{% set v = r.incorporate(type='view') %}{% set o = r.incorporate(path={'identifier': 't__tmp'}) %}" +
        '{{ r.database }}.{{ r.schema }}.{{ r.identifier }} {{ r.is_table }} {{ r.is_view }} {{ v.is_view }} {{ v.type }} {{ o }}',
    );
    expect(out).toBe('s.s.t True False True view `s`.`t__tmp`');
    expect(await render("{{ api.Relation.add_ephemeral_prefix('orders') }}")).toBe(`${CTE_PREFIX}orders`);
  });

  it("passes dbt-utils' relation check (a mapping whose metadata type ends in Relation)", async () => {
    const out = await render(
      "{% set r = api.Relation.create(schema='s', identifier='t') %}{{ r is mapping and r.get('metadata', {}).get('type', '').endswith('Relation') }} {{ r.get('identifier') }} {{ r.get('nope', 'd') }}",
    );
    expect(out).toBe('True t d');
  });

  it('api.Column(...) and its class methods', async () => {
    const out = await render(
      "{% set c = api.Column('amount', 'Nullable(Decimal(10, 2))') %}{{ c.name }} {{ c.is_numeric() }} {{ c.is_number() }} {{ api.Column.translate_type('string') }} {{ api.Column.numeric_type('numeric', 12, 3) }}",
    );
    expect(out).toBe('amount True True String Decimal(12, 3)');
  });
});

describe('query results', () => {
  it('run_query gives a table: rows, column_names, columns[i].values()', async () => {
    const out = await render(
      "{% set t = run_query('select id, name from api_db.people order by id') %}{{ t.column_names | join(',') }}|{{ t.columns[1].values() | join(',') }}|{{ t.rows | length }}|{{ t.rows[1][1] }}|{% for row in t %}{{ row['id'] }}{% endfor %}",
    );
    expect(out).toBe('id,name|ada,bob|2|bob|12');
  });

  it("rows and columns are mappings like agate's: items(), keys(), values(), get(), dict() (dbt-utils' get_query_results_as_dict)", async () => {
    const out = await render(
      "{% set t = run_query('select id, name from api_db.people order by id') %}{% set d = {} %}{% for name, column in t.columns.items() %}{% do d.update({name: column.values()}) %}{% endfor %}{{ d }}|" +
        "{{ t.rows[0].keys() }} {{ t.rows[0].values() }} {{ t.rows[1].get('name') }} {{ t.rows[1].get('nope', 'x') }} {{ t.rows[0].dict() }} {{ t.columns.keys() }}",
    );
    expect(out).toBe("{'id': [1, 2], 'name': ['ada', 'bob']}|['id', 'name'] [1, 'ada'] bob x {'id': 1, 'name': 'ada'} ['id', 'name']");
  });

  it('print_table and print_json write through the project logger', async () => {
    const { engine, logger } = templateEngine();
    await renderOnAdapter(
      engine,
      adapter,
      "{% set t = run_query('select id, name from api_db.people order by id') %}{% do t.print_table() %}{% do t.print_json() %}",
    );
    const printed = logger.events.filter((event) => event.event === 'template_print').map((event) => event.message);
    expect(printed[0]).toBe('| id | name |\n| -- | ---- |\n| 1  | ada  |\n| 2  | bob  |');
    expect(JSON.parse(printed[1]!)).toEqual([
      { id: 1, name: 'ada' },
      { id: 2, name: 'bob' },
    ]);
  });

  it("run_query reads a Float32 as the double it holds, as dbt-clickhouse's driver does, so the value written back into SQL equals the column", async () => {
    const out = await render(
      "{% set row = run_query('select toFloat32(3.3) as f, toNullable(toFloat32(0.1)) as n, 3.3 as d, CAST(NULL AS Nullable(Float32)) as z').rows[0] %}{{ row[0] }} {{ row[1] }} {{ row[2] }} {{ row[3] }}",
    );
    expect(out).toBe('3.299999952316284 0.10000000149011612 3.3 None');
    // dbt_utils.get_single_value pastes the value into a model that compares it with the seed's Float32 column.
    const [check] = await adapter.query<{ same: number }>(`select toFloat32(3.3) = ${out.split(' ')[0]} as same`);
    expect(check!.same).toBe(1);
  });

  it('a query that returns no rows still names its columns, as an agate table does', async () => {
    const out = await render(
      "{% set t = run_query('select id, name from api_db.people where id < 0') %}{{ t.column_names | join(',') }}|{{ t.columns[0].values() | length }}|{{ t.rows | length }}",
    );
    expect(out).toBe('id,name|0|0');
  });

  it('statement blocks with fetch_result, read back with load_result', async () => {
    const out = await render(
      "{% call statement('n', fetch_result=True) %}select count() as n from api_db.people{% endcall %}{% set r = load_result('n') %}{{ r['data'][0][0] }} {{ r['table'].column_names[0] }} {{ r.response.rows_affected }}",
    );
    expect(out).toBe('2 n 1');
  });
});

describe('context globals', () => {
  it("exceptions.raise_compiler_error stops with the project's message; warn logs", async () => {
    const error = await render("{{ exceptions.raise_compiler_error('bad input: ' ~ 3) }}").then(
      () => catchError(() => undefined),
      (thrown: unknown) =>
        catchError(() => {
          throw thrown;
        }),
    );
    expect(error.code).toBe(ErrorCodes.COMPILER_ERROR_RAISED);
    expect(error.message).toContain('bad input: 3');
    const { engine, logger } = templateEngine();
    await renderOnAdapter(engine, adapter, "{% do exceptions.warn('careful') %}");
    expect(logger.events).toContainEqual(expect.objectContaining({ level: 'warn', message: 'careful' }));
  });

  it('modules.datetime, modules.re, modules.itertools, modules.pytz', async () => {
    const out = await render(
      "{{ modules.datetime.datetime(2024, 2, 28, 13, 5).strftime('%Y-%m-%d %H:%M') }}|{{ modules.datetime.date(2024, 1, 5).isoformat() }}|" +
        "{{ modules.datetime.timedelta(days=2, hours=12).total_seconds() }}|{{ modules.datetime.datetime.strptime('2024-03-01', '%Y-%m-%d').day }}|" +
        "{{ modules.re.search('b+', 'abbbc').group(0) }}|{{ modules.re.sub('[0-9]', '#', 'a1b22') }}|{{ modules.re.match('x', 'abc') is none }}|{{ modules.re.findall('[a-z]\\\\d', 'a1 b2 c') | join(',') }}|" +
        "{{ modules.itertools.product([1, 2], ['a']) | map('join', '') | join(',') }}|{{ modules.itertools.chain([1], [2, 3]) | join(',') }}|{{ modules.pytz.timezone('UTC') }}",
    );
    expect(out).toBe('2024-02-28 13:05|2024-01-05|216000|1|bbb|a#b##|True|a1,b2|1a,2a|1,2,3|UTC');
  });

  it("set() compares as Python's sets do: by content, in any order (dbt-utils' test_equality)", async () => {
    expect(await render("{{ set(['a', 'b', 'a']) == set(['b', 'a']) }} {{ set(['a']) != set(['b']) }} {{ set(['a', 'b', 'a']) | length }}")).toBe(
      'True True 2',
    );
  });

  it('fromjson/tojson, fromyaml/toyaml, zip, set, local_md5', async () => {
    const out = await render(
      "{{ fromjson('{\"a\": [1, 2]}').a[1] }}|{{ tojson({'b': 1, 'a': [True, None]}) }}|{{ fromyaml('k: [x, y]').k[1] }}|{{ toyaml({'k': 1}) | trim }}|" +
        "{% for a, b in zip([1, 2], ['x', 'y']) %}{{ a }}{{ b }}{% endfor %}|{{ set([1, 1, 2]) | length }}|{{ local_md5('abc') }}",
    );
    expect(out).toBe('2|{"b": 1, "a": [true, null]}|y|k: 1|1x2y|2|900150983cd24fb0d6963f7d28e17f72');
  });

  it('return, namespace, caller() and varargs', async () => {
    const macros = {
      'macros/m.sql':
        '{% macro twice(x) %}{{ return(x * 2) }}{% endmacro %}{% macro wrap() %}<{{ caller() }}>{% endmacro %}{% macro count_args() %}{{ varargs | length }}{% endmacro %}',
    };
    const out = await render(
      '{{ twice(21) }}|{% call wrap() %}in{% endcall %}|{% set ns = namespace(total=0) %}{% for i in [1, 2, 3] %}{% set ns.total = ns.total + i %}{% endfor %}{{ ns.total }}|{{ count_args(1, 2, 3) }}',
      macros,
    );
    expect(out).toBe('42|<in>|6|3');
  });

  it('graph.nodes and graph.sources hold the project, and execute is true at run time', async () => {
    const project = load({
      'project.yml': projectYml(),
      'profiles.yml': 'demo:\n  target: dev\n  outputs:\n    dev:\n      type: chdb\n      path: .tsdbt/data\n',
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: events\n',
      'models/a.sql': 'select 1 as id',
      'models/b.sql':
        "{% for id, node in graph.nodes.items() %}{% if node.resource_type == 'model' %}{{ node.name }}({{ node.depends_on.nodes | length }}) {% endif %}{% endfor %}{% for s in graph.sources.values() %}{{ s.source_name }}.{{ s.name }}{% endfor %} {{ execute }}\n-- {{ ref('a') }}",
    });
    const b = [...project.models.values()].find((node) => node.name === 'b')!;
    expect(renderModel(project, b).split('\n')[0]).toBe('a(0) b(1) raw.events True');
  });
});
