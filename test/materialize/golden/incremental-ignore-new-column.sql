-- 1. drop a staging table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 2. append the new rows
INSERT INTO `astro`.`crew` (`id`, `craft`, `name`, `seen_at`)
SELECT `id`, `craft`, `name`, `seen_at`
FROM (
select id, craft, name, seen_at
from `astro`.`crew_events`
);
