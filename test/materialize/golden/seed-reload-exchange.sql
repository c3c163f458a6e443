-- 1. create database
CREATE DATABASE IF NOT EXISTS `shop`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_backup`;

-- 4. create an empty copy of the seed table
CREATE TABLE `shop`.`raw_orders__tsdbt_tmp` AS `shop`.`raw_orders`;

-- 5. load the rows
INSERT INTO `shop`.`raw_orders__tsdbt_tmp` FORMAT JSONEachRow;

-- 6. swap in the new table
EXCHANGE TABLES `shop`.`raw_orders__tsdbt_tmp` AND `shop`.`raw_orders`;

-- 7. drop the previous seed table
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `shop`.`raw_orders__tsdbt_tmp`;
