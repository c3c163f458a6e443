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

-- 5. swap in the new table
EXCHANGE TABLES `astro`.`crew__tsdbt_tmp` AND `astro`.`crew`;

-- 6. drop the previous crew
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- on failure: remove the staging table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
