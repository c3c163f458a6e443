import { dispatcher } from './dispatcher.js';

/**
 * `dbt.type_string()` and friends: ClickHouse's names for dbt's portable types, through
 * `api.Column.translate_type` (see template/api-global.ts), as dbt-core's defaults do.
 */
export const dataTypeMacros = `
${dispatcher('type_string')}
{% macro default__type_string() %}{{ return(api.Column.translate_type('string')) }}{% endmacro %}
${dispatcher('type_timestamp')}
{% macro default__type_timestamp() %}{{ return(api.Column.translate_type('timestamp')) }}{% endmacro %}
${dispatcher('type_float')}
{% macro default__type_float() %}{{ return(api.Column.translate_type('float')) }}{% endmacro %}
${dispatcher('type_numeric')}
{% macro default__type_numeric() %}{{ return(api.Column.numeric_type('numeric', 28, 6)) }}{% endmacro %}
${dispatcher('type_bigint')}
{% macro default__type_bigint() %}{{ return(api.Column.translate_type('bigint')) }}{% endmacro %}
${dispatcher('type_int')}
{% macro default__type_int() %}{{ return(api.Column.translate_type('integer')) }}{% endmacro %}
${dispatcher('type_boolean')}
{% macro default__type_boolean() %}{{ return(api.Column.translate_type('boolean')) }}{% endmacro %}

${dispatcher('cast', 'field, type')}
{% macro default__cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
${dispatcher('safe_cast', 'field, type')}
{# ClickHouse's CAST fails on a bad value; accurateCastOrNull gives NULL, which is what safe_cast means. #}
{% macro default__safe_cast(field, type) %}cast({{ field }} as {{ type }}){% endmacro %}
{% macro clickhouse__safe_cast(field, type) %}accurateCastOrNull({{ field }}, '{{ type | replace("\\\\", "\\\\\\\\") | replace("'", "\\\\'") }}'){% endmacro %}
${dispatcher('cast_bool_to_text', 'field')}
{% macro default__cast_bool_to_text(field) %}cast({{ field }} as {{ api.Column.translate_type('string') }}){% endmacro %}
{# ClickHouse casts true to '1': say 'true'/'false' as other databases do. #}
{% macro clickhouse__cast_bool_to_text(field) %}multiIf({{ field }} IS NULL, NULL, {{ field }} != 0, 'true', 'false'){% endmacro %}
`;
