-- 1. add new column age
ALTER TABLE `astro`.`crew` ADD COLUMN `age` UInt8;

-- 2. update the materialized view's SELECT in place
ALTER TABLE `astro`.`crew_mv`
MODIFY QUERY
select id, craft, name, seen_at
from `astro`.`crew_events`;
