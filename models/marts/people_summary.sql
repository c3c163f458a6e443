{{ config(order_by='as_of') }}
select
    toUInt32(count()) as total_people,
    toUInt32(uniqExact(craft)) as crafts,
    max(snapshot_at) as as_of
from {{ ref('people') }}
