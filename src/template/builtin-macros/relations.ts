import { dispatcher } from './dispatcher.js';

/**
 * dbt's global macros over relations that packages call by their bare names (`load_relation(…)`,
 * `get_columns_in_query(…)`, `make_temp_relation(…)`), on top of the `adapter` methods
 * (template/adapter-api.ts). Those dbt dispatches are dispatched here too, so a project can
 * override them.
 */
export const relationMacros = `
{% macro load_cached_relation(relation) -%}
  {{ return(adapter.get_relation(database=relation.database, schema=relation.schema, identifier=relation.identifier)) }}
{%- endmacro %}
{% macro load_relation(relation) -%}{{ return(load_cached_relation(relation)) }}{%- endmacro %}
${dispatcher('get_columns_in_relation', 'relation')}
{% macro default__get_columns_in_relation(relation) -%}{{ return(adapter.get_columns_in_relation(relation)) }}{%- endmacro %}
${dispatcher('get_columns_in_query', 'select_sql')}
{#- The column names of a query, read from a run that returns no rows; [] while parsing. -#}
{% macro default__get_columns_in_query(select_sql) -%}
  {%- call statement('get_columns_in_query', fetch_result=True, auto_begin=False) -%}
    select * from ({{ select_sql }}) as __dbt_sbq where false limit 0
  {%- endcall -%}
  {%- set result = load_result('get_columns_in_query') -%}
  {{ return(result['table'].column_names if result and result['table'] else []) }}
{%- endmacro %}
{#- ClickHouse describes a query without running it (an empty result carries no column names here). -#}
{% macro clickhouse__get_columns_in_query(select_sql) -%}
  {%- call statement('get_columns_in_query', fetch_result=True, auto_begin=False) -%}
    describe ({{ select_sql }})
  {%- endcall -%}
  {%- set result = load_result('get_columns_in_query') -%}
  {{ return(result['table'].columns['name'].values() if result and result['table'] else []) }}
{%- endmacro %}
${dispatcher('make_temp_relation', "base_relation, suffix='__dbt_tmp'")}
{% macro default__make_temp_relation(base_relation, suffix) -%}
  {{ return(base_relation.incorporate(path={'identifier': base_relation.identifier ~ suffix})) }}
{%- endmacro %}
{% macro drop_relation_if_exists(relation) -%}
  {%- if relation is not none -%}{% do adapter.drop_relation(relation) %}{%- endif -%}
{%- endmacro %}
${dispatcher('drop_relation', 'relation')}
{% macro default__drop_relation(relation) -%}{% do adapter.drop_relation(relation) %}{%- endmacro %}
${dispatcher('truncate_relation', 'relation')}
{% macro default__truncate_relation(relation) -%}{% do adapter.truncate_relation(relation) %}{%- endmacro %}
${dispatcher('rename_relation', 'from_relation, to_relation')}
{% macro default__rename_relation(from_relation, to_relation) -%}{% do adapter.rename_relation(from_relation, to_relation) %}{%- endmacro %}
${dispatcher('create_schema', 'relation')}
{% macro default__create_schema(relation) -%}{% do adapter.create_schema(relation) %}{%- endmacro %}
${dispatcher('drop_schema', 'relation')}
{% macro default__drop_schema(relation) -%}{% do adapter.drop_schema(relation) %}{%- endmacro %}
${dispatcher('list_relations_without_caching', 'schema_relation')}
{% macro default__list_relations_without_caching(schema_relation) -%}
  {{ return(adapter.list_relations_without_caching(schema_relation)) }}
{%- endmacro %}
`;
