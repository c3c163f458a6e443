-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 3. build the new table under a temporary name
CREATE TABLE `astro`.`crew__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY id
AS
select id, craft, name, seen_at
from `astro`.`crew_events`;

-- 4. drop the old materialized view crew_mv
DROP TABLE IF EXISTS `astro`.`crew_mv`;

-- 5. drop a backup left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_backup`;

-- 6. swap in the new crew
RENAME TABLE `astro`.`crew` TO `astro`.`crew__tsdbt_backup`, `astro`.`crew__tsdbt_tmp` TO `astro`.`crew`;

-- 7. drop the previous crew
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_backup`;

-- 8. create the materialized view (new rows of its source flow into the table from now on)
CREATE MATERIALIZED VIEW `astro`.`crew_mv`
TO `astro`.`crew`
AS
select id, craft, name, seen_at
from `astro`.`crew_events`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
