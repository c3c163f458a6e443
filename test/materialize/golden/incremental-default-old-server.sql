-- 1. drop a staging table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 2. create a staging table shaped like the table
CREATE TABLE `astro`.`crew__tsdbt_tmp` AS `astro`.`crew`;

-- 3. stage the new rows
INSERT INTO `astro`.`crew__tsdbt_tmp` (`id`, `craft`, `name`, `seen_at`)
SELECT `id`, `craft`, `name`, `seen_at`
FROM (
select id, craft, name, seen_at
from `astro`.`crew_events`
);

-- 4. copy the old rows whose key does not come again
INSERT INTO `astro`.`crew__tsdbt_tmp` (`id`, `craft`, `name`, `seen_at`)
SELECT `id`, `craft`, `name`, `seen_at`
FROM `astro`.`crew`
WHERE NOT (id IN (SELECT id FROM `astro`.`crew__tsdbt_tmp`));

-- 5. drop a backup left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_backup`;

-- 6. swap in the new crew
RENAME TABLE `astro`.`crew` TO `astro`.`crew__tsdbt_backup`, `astro`.`crew__tsdbt_tmp` TO `astro`.`crew`;

-- 7. drop the previous crew
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_backup`;

-- on failure: remove the staging table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
