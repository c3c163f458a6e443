{#- JSON helpers, so models read the same on servers with and without JSONExtract*.
    adapter.supports('json_extract') is the connected server's answer at run time (chDB and
    ClickHouse 19.x+ have JSONExtract*); old servers (Debian's 18.16) get visitParamExtract*. -#}

{% macro json_string(json, key) -%}
    {%- if adapter.supports('json_extract') -%}
        JSONExtractString({{ json }}, '{{ key }}')
    {%- else -%}
        visitParamExtractString({{ json }}, '{{ key }}')
    {%- endif -%}
{%- endmacro %}

{#- The elements of a JSON array, as raw JSON texts (Array(String)). Without JSONExtract*, the
    array's text is split into its objects with a regular expression: enough for an array of
    flat objects (like the astros API's people), not for nested objects or arrays of scalars. -#}
{% macro json_array(json, key) -%}
    {%- if adapter.supports('json_extract') -%}
        JSONExtractArrayRaw({{ json }}, '{{ key }}')
    {%- else -%}
        extractAll(visitParamExtractRaw({{ json }}, '{{ key }}'), '\\{[^{}]*\\}')
    {%- endif -%}
{%- endmacro %}
