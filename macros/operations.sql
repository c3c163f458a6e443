{#- Operations for `tsdbt run-operation`. -#}

{#- Back up a model (or any relation) to a Parquet file:
      tsdbt run-operation backup_to_parquet --args '{model: people_history}'
      tsdbt run-operation backup_to_parquet --args '{model: people_history, path: backups/history.parquet}'
    The path is relative to the working directory with chDB, to the server's user_files_path on a
    server; an existing file is overwritten. -#}
{% macro backup_to_parquet(model, path=none) %}
  {%- set relation = ref(model) -%}
  {%- set file = path or ('backups/' ~ model ~ '.parquet') -%}
  {% call statement('backup') %}
    INSERT INTO FUNCTION file({{ string_literal(file) }}, 'Parquet')
    SELECT * FROM {{ relation }}
    SETTINGS engine_file_truncate_on_insert = 1
  {% endcall %}
  {%- set rows = run_query('SELECT count() FROM file(' ~ string_literal(file) ~ ", 'Parquet')")[0][0] -%}
  {{ log('Backed up ' ~ relation ~ ' to ' ~ file ~ ' (' ~ rows ~ ' rows)', info=True) }}
{% endmacro %}

{#- Delete the rows of a model older than `days` days, by a time column:
      tsdbt run-operation purge_older_than --args '{model: people_history, column: snapshot_at, days: 90}'
    A lightweight DELETE where the server has one (23.3+), else an ALTER TABLE … DELETE mutation,
    waited for where the server can (20.1+). A `ttl` config does the same continuously: ttl='snapshot_at + INTERVAL 90 DAY'. -#}
{% macro purge_older_than(model, column, days) %}
  {%- set relation = ref(model) -%}
  {%- set condition = column ~ ' < now() - INTERVAL ' ~ (days | int) ~ ' DAY' -%}
  {%- set before = run_query('SELECT count() FROM ' ~ relation ~ ' WHERE ' ~ condition)[0][0] -%}
  {% if before > 0 %}
    {% if adapter.supports('lightweight_delete') %}
      {% do run_query('DELETE FROM ' ~ relation ~ ' WHERE ' ~ condition) %}
    {% elif adapter.supports('mutations_sync') %}
      {% do run_query('ALTER TABLE ' ~ relation ~ ' DELETE WHERE ' ~ condition ~ ' SETTINGS mutations_sync = 2') %}
    {% else %}
      {#- Servers before 20.1 finish the mutation in the background. -#}
      {% do run_query('ALTER TABLE ' ~ relation ~ ' DELETE WHERE ' ~ condition) %}
    {% endif %}
  {% endif %}
  {{ log('Purged ' ~ before ~ ' rows older than ' ~ (days | int) ~ ' days from ' ~ relation, info=True) }}
{% endmacro %}
