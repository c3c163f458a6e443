-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 3. create the new table, empty, under a temporary name
CREATE TABLE `astro`.`crew__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY id
AS
SELECT * FROM (
select id, craft, name, seen_at
from `astro`.`crew_events`
) LIMIT 0;

-- 4. fill the new table
INSERT INTO `astro`.`crew__tsdbt_tmp`
SELECT * FROM (
select id, craft, name, seen_at
from `astro`.`crew_events`
);

-- 5. drop the old materialized view crew_mv
DROP TABLE IF EXISTS `astro`.`crew_mv`;

-- 6. swap in the new table
EXCHANGE TABLES `astro`.`crew__tsdbt_tmp` AND `astro`.`crew`;

-- 7. drop the previous crew
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 8. create the materialized view (new rows of its source flow into the table from now on)
CREATE MATERIALIZED VIEW `astro`.`crew_mv`
TO `astro`.`crew`
AS
select id, craft, name, seen_at
from `astro`.`crew_events`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
