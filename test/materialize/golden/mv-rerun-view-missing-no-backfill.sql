-- 1. create the materialized view (new rows of its source flow into the table from now on)
CREATE MATERIALIZED VIEW `astro`.`crew_mv`
TO `astro`.`crew`
AS
select id, craft, name, seen_at
from `astro`.`crew_events`;
