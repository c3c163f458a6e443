-- 1. create database
CREATE DATABASE IF NOT EXISTS `shop`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `shop`.`orders__tsdbt_tmp`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `shop`.`orders__tsdbt_backup`;

-- 4. create the new table, empty, with the contract's columns, under a temporary name
CREATE TABLE `shop`.`orders__tsdbt_tmp` (
  `id` Int32,
  `amount` Int64,
  `status` Nullable(String),
  CONSTRAINT `amount_check_1` CHECK amount >= 0
)
ENGINE = MergeTree() ORDER BY id;

-- 5. fill the new table
INSERT INTO `shop`.`orders__tsdbt_tmp` (`id`, `amount`, `status`)
SELECT CAST(`id` AS Int32) AS `id`, `amount`, `status`
FROM (
select id, amount, status from `shop`.`raw`
);

-- 6. publish the new table
RENAME TABLE `shop`.`orders__tsdbt_tmp` TO `shop`.`orders`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `shop`.`orders__tsdbt_tmp`;
