select
    craft,
    toUInt32(count()) as people
from {{ ref('people') }}
group by craft
order by craft
