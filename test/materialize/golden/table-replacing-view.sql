-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_tmp`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_backup`;

-- 4. create the new table, empty, under a temporary name
CREATE TABLE `astro`.`people_per_craft__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY tuple()
AS
SELECT * FROM (
select craft, toUInt32(count()) as people
from `astro`.`people`
group by craft
) LIMIT 0;

-- 5. fill the new table
INSERT INTO `astro`.`people_per_craft__tsdbt_tmp`
SELECT * FROM (
select craft, toUInt32(count()) as people
from `astro`.`people`
group by craft
);

-- 6. swap in the new table
RENAME TABLE `astro`.`people_per_craft` TO `astro`.`people_per_craft__tsdbt_backup`, `astro`.`people_per_craft__tsdbt_tmp` TO `astro`.`people_per_craft`;

-- 7. drop the previous relation
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_backup`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_tmp`;
