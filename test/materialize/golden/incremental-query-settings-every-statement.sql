-- 1. drop a staging table left by an earlier run (settings: max_threads=2)
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 2. create a staging table shaped like the table (settings: max_threads=2)
CREATE TABLE `astro`.`crew__tsdbt_tmp` AS `astro`.`crew`;

-- 3. stage the new rows (settings: max_threads=2)
INSERT INTO `astro`.`crew__tsdbt_tmp` (`id`)
SELECT `id`
FROM (
select id, craft, seen_at
from `astro`.`crew_events`
);

-- 4. delete the rows whose key comes again (settings: max_threads=2, mutations_sync=2)
ALTER TABLE `astro`.`crew`
DELETE WHERE id IN (SELECT id FROM `astro`.`crew__tsdbt_tmp`);

-- 5. insert the new rows (settings: max_threads=2)
INSERT INTO `astro`.`crew` (`id`)
SELECT `id`
FROM `astro`.`crew__tsdbt_tmp`;

-- 6. drop the staging table (settings: max_threads=2)
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- on failure: remove the staging table after a failure (settings: max_threads=2)
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
