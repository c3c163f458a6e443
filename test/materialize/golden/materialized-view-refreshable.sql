-- 1. create database
CREATE DATABASE IF NOT EXISTS `shop`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `shop`.`totals__tsdbt_tmp`;

-- 3. create the table, empty (backfill: false)
CREATE TABLE `shop`.`totals__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY tuple()
AS
SELECT * FROM (
select count() as n from `shop`.`events`
) LIMIT 0;

-- 4. publish totals
RENAME TABLE `shop`.`totals__tsdbt_tmp` TO `shop`.`totals`;

-- 5. create the refreshable materialized view (it runs its SELECT into the table on its schedule)
CREATE MATERIALIZED VIEW `shop`.`totals_mv`
REFRESH EVERY 1 HOUR RANDOMIZE FOR 10 MINUTE DEPENDS ON shop.daily_mv APPEND
TO `shop`.`totals`
AS
select count() as n from `shop`.`events`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `shop`.`totals__tsdbt_tmp`;
