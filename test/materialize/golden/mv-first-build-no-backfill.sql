-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 3. create the table, empty (backfill: false)
CREATE TABLE `astro`.`crew__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY id
AS
SELECT * FROM (
select id, craft, name, seen_at
from `astro`.`crew_events`
) LIMIT 0;

-- 4. publish crew
RENAME TABLE `astro`.`crew__tsdbt_tmp` TO `astro`.`crew`;

-- 5. create the materialized view (new rows of its source flow into the table from now on)
CREATE MATERIALIZED VIEW `astro`.`crew_mv`
TO `astro`.`crew`
AS
select id, craft, name, seen_at
from `astro`.`crew_events`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
