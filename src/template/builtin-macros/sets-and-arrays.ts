import { dispatcher } from './dispatcher.js';

/** Aggregates, arrays, set operators and number series of dbt's cross-database set. */
export const setAndArrayMacros = `
${dispatcher('any_value', 'expression')}
{% macro default__any_value(expression) -%}any_value({{ expression }}){%- endmacro %}
{% macro clickhouse__any_value(expression) -%}any({{ expression }}){%- endmacro %}
${dispatcher('bool_or', 'expression')}
{% macro default__bool_or(expression) -%}bool_or({{ expression }}){%- endmacro %}
{% macro clickhouse__bool_or(expression) -%}max({{ expression }}) > 0{%- endmacro %}
${dispatcher('equals', 'expr1, expr2')}
{# Two NULLs are equal, as dbt's truthy-nulls behaviour has it. #}
{% macro default__equals(expr1, expr2) -%}
case when (({{ expr1 }} = {{ expr2 }}) or ({{ expr1 }} is null and {{ expr2 }} is null)) then 0 else 1 end = 0
{%- endmacro %}
${dispatcher('except')}
{% macro default__except() %}except{% endmacro %}
{# ClickHouse's bare EXCEPT keeps duplicates; dbt means the SQL-standard, distinct one. #}
{% macro clickhouse__except() %}except distinct{% endmacro %}
${dispatcher('intersect')}
{% macro default__intersect() %}intersect{% endmacro %}
{% macro clickhouse__intersect() %}intersect distinct{% endmacro %}
${dispatcher('array_construct', `inputs=[], data_type=api.Column.translate_type('integer')`)}
{% macro default__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}array[ {{ inputs | join(' , ') }} ]{%- else -%}array[]::{{ data_type }}[]{%- endif -%}
{%- endmacro %}
{% macro clickhouse__array_construct(inputs, data_type) -%}
{%- if inputs | length > 0 -%}[ {{ inputs | join(' , ') }} ]{%- else -%}CAST([] AS Array({{ data_type }})){%- endif -%}
{%- endmacro %}
${dispatcher('array_append', 'array, new_element')}
{% macro default__array_append(array, new_element) -%}array_append({{ array }}, {{ new_element }}){%- endmacro %}
{% macro clickhouse__array_append(array, new_element) -%}arrayPushBack({{ array }}, {{ new_element }}){%- endmacro %}
${dispatcher('array_concat', 'array_1, array_2')}
{% macro default__array_concat(array_1, array_2) -%}array_cat({{ array_1 }}, {{ array_2 }}){%- endmacro %}
{% macro clickhouse__array_concat(array_1, array_2) -%}arrayConcat({{ array_1 }}, {{ array_2 }}){%- endmacro %}
${dispatcher('get_powers_of_two', 'upper_bound')}
{#- The smallest n with 2**n >= upper_bound. -#}
{% macro default__get_powers_of_two(upper_bound) -%}
  {%- if upper_bound <= 0 -%}{{ exceptions.raise_compiler_error('upper bound must be positive') }}{%- endif -%}
  {%- for _ in range(1, 100) -%}
    {%- if upper_bound <= 2 ** loop.index -%}{{ return(loop.index) }}{%- endif -%}
  {%- endfor -%}
{%- endmacro %}
${dispatcher('generate_series', 'upper_bound')}
{% macro default__generate_series(upper_bound) %}
{%- set n = dbt.get_powers_of_two(upper_bound) -%}
with p as (select 0 as generated_number union all select 1),
unioned as (
    select {% for i in range(n) %}p{{ i }}.generated_number * power(2, {{ i }}) + {% endfor %}1 as generated_number
    from {% for i in range(n) %}p as p{{ i }}{% if not loop.last %} cross join {% endif %}{% endfor %}
)
select * from unioned where generated_number <= {{ upper_bound }} order by generated_number
{% endmacro %}
{# numbers() is ClickHouse's series: 1..upper_bound, one column named as dbt names it. #}
{% macro clickhouse__generate_series(upper_bound) -%}
select toInt64(number + 1) as generated_number from numbers({{ upper_bound }})
{%- endmacro %}
`;
