-- 1. drop the staging table
DROP TABLE IF EXISTS `astro`.`raw_astros__tsdbt_landing` SYNC;

-- 2. create the staging table of a spooled reply
CREATE TABLE `astro`.`raw_astros__tsdbt_landing` AS `astro`.`raw_astros` ENGINE = MergeTree ORDER BY _hash SETTINGS index_granularity_bytes = 262144 COMMENT 'tsdbt: a reply being landed; dropped once landed, or by the next landing if its process died';

-- 3. keep the staged parts as they are (they only move)
SYSTEM STOP MERGES `astro`.`raw_astros__tsdbt_landing`;

-- 4. add every staged part to the landing table in one step
ALTER TABLE `astro`.`raw_astros` ATTACH PARTITION tuple() FROM `astro`.`raw_astros__tsdbt_landing`;

-- 5. drop the staging table
DROP TABLE IF EXISTS `astro`.`raw_astros__tsdbt_landing` SYNC;
