-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_backup`;

-- 4. create the new table, empty, under a temporary name
CREATE TABLE `astro`.`crew__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY tuple()
AS
SELECT * FROM (
select id, craft, seen_at
from `astro`.`crew_events`
) LIMIT 0;

-- 5. add projections, indexes and column codecs/TTLs to the new table
ALTER TABLE `astro`.`crew__tsdbt_tmp`
MODIFY COLUMN `craft` CODEC(LZ4);

-- 6. fill the new table
INSERT INTO `astro`.`crew__tsdbt_tmp`
SELECT * FROM (
select id, craft, seen_at
from `astro`.`crew_events`
);

-- 7. publish the new table
RENAME TABLE `astro`.`crew__tsdbt_tmp` TO `astro`.`crew`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
