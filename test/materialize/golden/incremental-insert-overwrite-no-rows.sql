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

-- on failure: remove the staging table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- then read: list the partitions of the new rows (params: {"database":"astro","table":"crew__tsdbt_tmp"}; rows: [])
SELECT DISTINCT partition_id FROM system.parts WHERE active AND database = {database:String} AND table = {table:String} ORDER BY partition_id;

-- 4. drop the staging table
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- on failure: remove the staging table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
