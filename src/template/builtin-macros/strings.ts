import { dispatcher } from './dispatcher.js';

/** String functions of dbt's cross-database set, in ClickHouse's spelling where the default's does not exist there. */
export const stringMacros = `
${dispatcher('concat', 'fields')}
{% macro default__concat(fields) -%}{{ fields | join(' || ') }}{%- endmacro %}
${dispatcher('hash', 'field')}
{% macro default__hash(field) -%}md5(cast({{ field }} as {{ api.Column.translate_type('string') }})){%- endmacro %}
{# ClickHouse's MD5 gives 16 bytes: as hex text, like md5() elsewhere. #}
{% macro clickhouse__hash(field) -%}lower(hex(MD5(toString({{ field }})))){%- endmacro %}
${dispatcher('length', 'expression')}
{% macro default__length(expression) %}length({{ expression }}){% endmacro %}
{# length() counts bytes in ClickHouse; other databases count characters. #}
{% macro clickhouse__length(expression) %}lengthUTF8({{ expression }}){% endmacro %}
${dispatcher('position', 'substring_text, string_text')}
{% macro default__position(substring_text, string_text) %}position({{ substring_text }} in {{ string_text }}){% endmacro %}
{% macro clickhouse__position(substring_text, string_text) %}positionUTF8({{ string_text }}, {{ substring_text }}){% endmacro %}
${dispatcher('replace', 'field, old_chars, new_chars')}
{% macro default__replace(field, old_chars, new_chars) %}replace({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}
{% macro clickhouse__replace(field, old_chars, new_chars) %}replaceAll({{ field }}, {{ old_chars }}, {{ new_chars }}){% endmacro %}
${dispatcher('right', 'string_text, length_expression')}
{% macro default__right(string_text, length_expression) %}right({{ string_text }}, {{ length_expression }}){% endmacro %}
{% macro clickhouse__right(string_text, length_expression) %}rightUTF8({{ string_text }}, {{ length_expression }}){% endmacro %}
${dispatcher('split_part', 'string_text, delimiter_text, part_number')}
{% macro default__split_part(string_text, delimiter_text, part_number) %}split_part({{ string_text }}, {{ delimiter_text }}, {{ part_number }}){% endmacro %}
{# Arrays count from 1, and from the end with negative numbers, as split_part does; a part past the end is ''. #}
{% macro clickhouse__split_part(string_text, delimiter_text, part_number) %}splitByString({{ delimiter_text }}, {{ string_text }})[{{ part_number }}]{% endmacro %}
${dispatcher('escape_single_quotes', 'expression')}
{% macro default__escape_single_quotes(expression) -%}{{ expression | replace("'", "''") }}{%- endmacro %}
{# ClickHouse also reads backslash escapes inside quotes: a backslash is doubled too. #}
{% macro clickhouse__escape_single_quotes(expression) -%}{{ expression | replace("\\\\", "\\\\\\\\") | replace("'", "\\\\'") }}{%- endmacro %}
${dispatcher('string_literal', 'value')}
{% macro default__string_literal(value) -%}'{{ value }}'{%- endmacro %}
{% macro clickhouse__string_literal(value) -%}'{{ dbt.escape_single_quotes(value) }}'{%- endmacro %}
${dispatcher('listagg', `measure, delimiter_text="','", order_by_clause=none, limit_num=none`)}
{% macro default__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
listagg({{ measure }}, {{ delimiter_text }}){% if order_by_clause %} within group ({{ order_by_clause }}){% endif %}
{%- endmacro %}
{#- ClickHouse has no ordered aggregate: collect (value, key) pairs, sort by key, keep the values. -#}
{% macro clickhouse__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
  {%- if order_by_clause -%}
    {%- set order = tsdbt_order_by(order_by_clause) -%}
    {%- set values = 'arrayMap(x -> x.1, array' ~ ('ReverseSort' if order.descending else 'Sort') ~ '(x -> x.2, groupArray((' ~ measure ~ ', ' ~ order.expression ~ '))))' -%}
  {%- else -%}
    {%- set values = 'groupArray(' ~ measure ~ ')' -%}
  {%- endif -%}
  {%- if limit_num -%}
    arrayStringConcat(arraySlice({{ values }}, 1, {{ limit_num }}), {{ delimiter_text }})
  {%- else -%}
    arrayStringConcat({{ values }}, {{ delimiter_text }})
  {%- endif -%}
{%- endmacro %}
`;
