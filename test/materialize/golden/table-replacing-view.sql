-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_tmp`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_backup`;

-- 4. build the new table under a temporary name
CREATE TABLE `astro`.`people_per_craft__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY tuple()
AS
select craft, toUInt32(count()) as people
from `astro`.`people`
group by craft;

-- 5. swap in the new table
RENAME TABLE `astro`.`people_per_craft` TO `astro`.`people_per_craft__tsdbt_backup`, `astro`.`people_per_craft__tsdbt_tmp` TO `astro`.`people_per_craft`;

-- 6. drop the previous relation
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_backup`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_tmp`;
