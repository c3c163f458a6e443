-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro` ON CLUSTER `main` ENGINE = Replicated('/ch/{database}', '{shard}', '{replica}');

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_tmp` ON CLUSTER `main`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_backup` ON CLUSTER `main`;

-- 4. build the new table under a temporary name
CREATE TABLE `astro`.`people_per_craft__tsdbt_tmp` ON CLUSTER `main`
ENGINE = MergeTree() ORDER BY tuple()
AS
select craft, toUInt32(count()) as people
from `astro`.`people`
group by craft;

-- 5. publish the new table
RENAME TABLE `astro`.`people_per_craft__tsdbt_tmp` TO `astro`.`people_per_craft` ON CLUSTER `main`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `astro`.`people_per_craft__tsdbt_tmp` ON CLUSTER `main`;
