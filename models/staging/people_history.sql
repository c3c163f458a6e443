{#- Every person of every landed reply, parsed on insert: a materialized view on the landing table
    writes (craft, name, snapshot_at) into this table as each reply is landed, so the raw JSON is
    parsed once. The first build backfills the replies landed before it. -#}
{{ config(
    materialized='materialized_view',
    engine='ReplacingMergeTree',
    order_by='(snapshot_at, craft, name)',
    partition_by='toYYYYMM(snapshot_at)'
) }}
{{ astros_people(source('astro', 'raw_astros')) }}
