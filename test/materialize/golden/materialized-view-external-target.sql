-- 1. create database
CREATE DATABASE IF NOT EXISTS `shop`;

-- 2. create the materialized view (new rows of its source flow into the table from now on)
CREATE MATERIALIZED VIEW `shop`.`into_sink`
TO `shop`.`sink`
AS
-- materialization_target_table: `shop`.`sink`
select n from `shop`.`events`;

-- 3. catch up: insert the rows the source already has
INSERT INTO `shop`.`sink` (`n`)
SELECT `n`
FROM (
-- materialization_target_table: `shop`.`sink`
select n from `shop`.`events`
);
