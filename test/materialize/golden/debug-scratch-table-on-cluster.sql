-- 1. create a scratch table
CREATE TABLE `shop`.`__tsdbt_debug_1` ON CLUSTER `main` (x UInt8) ENGINE = Memory;

-- 2. drop the scratch table
DROP TABLE IF EXISTS `shop`.`__tsdbt_debug_1` ON CLUSTER `main`;
