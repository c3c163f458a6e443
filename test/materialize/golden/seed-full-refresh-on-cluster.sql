-- 1. create database
CREATE DATABASE IF NOT EXISTS `shop` ON CLUSTER `main`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp` ON CLUSTER `main`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_backup` ON CLUSTER `main`;

-- 4. create the seed table under a temporary name
CREATE TABLE `shop`.`raw_orders__tsdbt_tmp` ON CLUSTER `main`
(
    `id` Int64,
    `status` Nullable(String)
)
ENGINE = MergeTree() ORDER BY id;

-- 5. load the rows
INSERT INTO `shop`.`raw_orders__tsdbt_tmp` FORMAT JSONEachRow;

-- 6. swap in the new table
EXCHANGE TABLES `shop`.`raw_orders__tsdbt_tmp` AND `shop`.`raw_orders` ON CLUSTER `main`;

-- 7. drop the previous seed table
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp` ON CLUSTER `main`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp` ON CLUSTER `main`;
