-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop a temporary view left by an earlier run
DROP TABLE IF EXISTS `astro`.`people__tsdbt_tmp`;

-- 3. drop a backup left by an earlier run
DROP TABLE IF EXISTS `astro`.`people__tsdbt_backup`;

-- 4. create the view
CREATE VIEW `astro`.`people__tsdbt_tmp`
AS
select JSONExtractString(payload, 'craft') as craft
from `astro`.`raw_astros`;

-- 5. swap in the new view
RENAME TABLE `astro`.`people` TO `astro`.`people__tsdbt_backup`, `astro`.`people__tsdbt_tmp` TO `astro`.`people`;

-- 6. drop the previous relation
DROP TABLE IF EXISTS `astro`.`people__tsdbt_backup`;

-- on failure: remove the temporary view after a failure
DROP TABLE IF EXISTS `astro`.`people__tsdbt_tmp`;
