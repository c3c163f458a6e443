-- 1. create database
CREATE DATABASE IF NOT EXISTS `shop` ON CLUSTER `main`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `shop`.`orders__tsdbt_tmp` ON CLUSTER `main`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `shop`.`orders__tsdbt_backup` ON CLUSTER `main`;

-- 4. build the new table under a temporary name, with the contract's columns
CREATE TABLE `shop`.`orders__tsdbt_tmp` ON CLUSTER `main` (
  `id` Int32,
  `amount` Int64,
  `status` Nullable(String),
  CONSTRAINT `amount_check_1` CHECK amount >= 0
)
ENGINE = MergeTree() ORDER BY id
AS
SELECT CAST(`id` AS Int32) AS `id`, `amount`, `status`
FROM (
select id, amount, status from `shop`.`raw`
);

-- 5. publish the new table
RENAME TABLE `shop`.`orders__tsdbt_tmp` TO `shop`.`orders` ON CLUSTER `main`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `shop`.`orders__tsdbt_tmp` ON CLUSTER `main`;
