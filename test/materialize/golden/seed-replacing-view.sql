-- 1. create database
CREATE DATABASE IF NOT EXISTS `shop`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_backup`;

-- 4. create the seed table under a temporary name
CREATE TABLE `shop`.`raw_orders__tsdbt_tmp`
(
    `id` Int64,
    `status` Nullable(String)
)
ENGINE = MergeTree() ORDER BY id;

-- 5. load the rows
INSERT INTO `shop`.`raw_orders__tsdbt_tmp` FORMAT JSONEachRow;

-- 6. swap in the seed table
RENAME TABLE `shop`.`raw_orders` TO `shop`.`raw_orders__tsdbt_backup`, `shop`.`raw_orders__tsdbt_tmp` TO `shop`.`raw_orders`;

-- 7. drop the previous relation
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_backup`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp`;
