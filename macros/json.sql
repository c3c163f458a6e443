{#- JSON helpers, so models read the same on servers with and without JSONExtract*. -#}

{% macro json_string(json, key) -%}
    JSONExtractString({{ json }}, '{{ key }}')
{%- endmacro %}

{% macro json_array(json, key) -%}
    JSONExtractArrayRaw({{ json }}, '{{ key }}')
{%- endmacro %}
