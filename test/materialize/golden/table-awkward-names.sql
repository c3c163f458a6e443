-- 1. create database
CREATE DATABASE IF NOT EXISTS `my db`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `my db`.`the\`table__tsdbt_tmp`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `my db`.`the\`table__tsdbt_backup`;

-- 4. build the new table under a temporary name
CREATE TABLE `my db`.`the\`table__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY tuple()
AS
select 1 as x;

-- 5. swap in the new table
RENAME TABLE `my db`.`the\`table` TO `my db`.`the\`table__tsdbt_backup`, `my db`.`the\`table__tsdbt_tmp` TO `my db`.`the\`table`;

-- 6. drop the previous relation
DROP TABLE IF EXISTS `my db`.`the\`table__tsdbt_backup`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `my db`.`the\`table__tsdbt_tmp`;
