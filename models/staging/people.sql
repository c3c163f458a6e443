{#- One row per person in space, from the latest landed snapshot(s) of the astros API. -#}
with snapshots as (
    select payload, _inserted_at
    from {{ source('astro', 'raw_astros') }} final
    order by _inserted_at desc
    limit {{ var('snapshots_to_keep') }}
)
select
    {{ json_string('person', 'craft') }} as craft,
    {{ json_string('person', 'name') }} as name,
    _inserted_at as snapshot_at
from snapshots
array join {{ json_array('payload', 'people') }} as person
