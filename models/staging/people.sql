{#- One row per person in space, from the latest landed reply of the astros API.
    tsdbt stamps every row of one landed reply with the same `_inserted_at` and skips a reply equal
    to the latest one, so the latest snapshot is exactly the rows with the newest stamp (no FINAL
    needed). `snapshots_to_keep` > 1 keeps that many of the newest replies. -#}
{%- set keep = var('snapshots_to_keep', 1) | int %}
{{ astros_people(source('astro', 'raw_astros')) }}
{%- if keep == 1 %}
where _inserted_at = (select max(_inserted_at) from {{ source('astro', 'raw_astros') }})
{%- else %}
where _inserted_at in (
    select _inserted_at from {{ source('astro', 'raw_astros') }}
    group by _inserted_at
    order by _inserted_at desc
    limit {{ keep }}
)
{%- endif %}
