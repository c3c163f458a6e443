import { dispatcher } from './dispatcher.js';

/**
 * Date functions of dbt's cross-database set. `datepart` is a bare unit name (`day`, `month`…),
 * as dbt callers pass it; ClickHouse takes it as a keyword in dateAdd/dateDiff and as a string
 * in date_trunc.
 */
export const dateMacros = `
${dispatcher('current_timestamp')}
{% macro default__current_timestamp() -%}current_timestamp(){%- endmacro %}
{% macro clickhouse__current_timestamp() -%}now(){%- endmacro %}
${dispatcher('current_timestamp_backcompat')}
{% macro default__current_timestamp_backcompat() -%}{{ dbt.current_timestamp() }}{%- endmacro %}
${dispatcher('current_timestamp_in_utc_backcompat')}
{% macro default__current_timestamp_in_utc_backcompat() -%}{{ dbt.current_timestamp() }}{%- endmacro %}
{% macro clickhouse__current_timestamp_in_utc_backcompat() -%}now('UTC'){%- endmacro %}
${dispatcher('date', 'year, month, day')}
{% macro default__date(year, month, day) -%}cast('{{ '%04d-%02d-%02d' | format(year, month, day) }}' as date){%- endmacro %}
{% macro clickhouse__date(year, month, day) -%}toDate('{{ '%04d-%02d-%02d' | format(year, month, day) }}'){%- endmacro %}
${dispatcher('date_trunc', 'datepart, date')}
{% macro default__date_trunc(datepart, date) -%}date_trunc('{{ datepart }}', {{ date }}){%- endmacro %}
${dispatcher('dateadd', 'datepart, interval, from_date_or_timestamp')}
{% macro default__dateadd(datepart, interval, from_date_or_timestamp) -%}dateadd({{ datepart }}, {{ interval }}, {{ from_date_or_timestamp }}){%- endmacro %}
{% macro clickhouse__dateadd(datepart, interval, from_date_or_timestamp) -%}dateAdd({{ datepart }}, {{ interval }}, {{ _tsdbt_date_operand(from_date_or_timestamp) }}){%- endmacro %}
{#- ClickHouse's dateAdd/dateDiff refuse a String: a quoted literal ('2018-01-01', as callers such as date_spine pass) is read as a timestamp. -#}
{% macro _tsdbt_date_operand(value) -%}
{%- if value is string and value.strip().startswith("'") and value.strip().endswith("'") -%}toDateTime64({{ value }}, 6){%- else -%}{{ value }}{%- endif -%}
{%- endmacro %}
${dispatcher('datediff', 'first_date, second_date, datepart')}
{% macro default__datediff(first_date, second_date, datepart) -%}datediff({{ datepart }}, {{ first_date }}, {{ second_date }}){%- endmacro %}
{# Counts unit boundaries crossed, as dbt's datediff does elsewhere. #}
{% macro clickhouse__datediff(first_date, second_date, datepart) -%}dateDiff('{{ datepart }}', {{ _tsdbt_date_operand(first_date) }}, {{ _tsdbt_date_operand(second_date) }}){%- endmacro %}
${dispatcher('last_day', 'date, datepart')}
{% macro default__last_day(date, datepart) -%}
cast({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }} as date)
{%- endmacro %}
{% macro clickhouse__last_day(date, datepart) -%}
toDate({{ dbt.dateadd('day', '-1', dbt.dateadd(datepart, '1', dbt.date_trunc(datepart, date))) }})
{%- endmacro %}
${dispatcher('get_intervals_between', 'start_date, end_date, datepart')}
{#- Runs a query at run time; 1 while parsing (execute is false), as in dbt. -#}
{% macro default__get_intervals_between(start_date, end_date, datepart) -%}
  {%- call statement('get_intervals_between', fetch_result=True) -%}
    select {{ dbt.datediff(start_date, end_date, datepart) }}
  {%- endcall -%}
  {%- set result = load_result('get_intervals_between') -%}
  {%- if result and result['data'] -%}
    {{ return(result['data'][0][0]) }}
  {%- else -%}
    {{ return(1) }}
  {%- endif -%}
{%- endmacro %}
${dispatcher('date_spine', 'datepart, start_date, end_date')}
{% macro default__date_spine(datepart, start_date, end_date) %}
with rawdata as (
    {{ dbt.generate_series(dbt.get_intervals_between(start_date, end_date, datepart)) }}
),
all_periods as (
    select ({{ dbt.dateadd(datepart, 'generated_number - 1', start_date) }}) as date_{{ datepart }}
    from rawdata
),
filtered as (
    select * from all_periods where date_{{ datepart }} <= {{ end_date }}
)
select * from filtered
{% endmacro %}
`;
