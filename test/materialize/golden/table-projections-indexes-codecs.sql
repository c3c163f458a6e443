-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 3. drop a backup table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_backup`;

-- 4. create the new table, empty, under a temporary name
CREATE TABLE `astro`.`crew__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY id
AS
SELECT * FROM (
select id, craft, seen_at
from `astro`.`crew_events`
) LIMIT 0;

-- 5. add projections, indexes and column codecs/TTLs to the new table
ALTER TABLE `astro`.`crew__tsdbt_tmp`
ADD INDEX `idx_craft` craft TYPE bloom_filter GRANULARITY 1,
ADD PROJECTION `by_craft` (select craft, count() group by craft),
MODIFY COLUMN `craft` CODEC(ZSTD(3)),
MODIFY COLUMN `seen_at` CODEC(Delta, LZ4),
MODIFY COLUMN `seen_at` TTL seen_at + INTERVAL 1 YEAR;

-- 6. fill the new table
INSERT INTO `astro`.`crew__tsdbt_tmp`
SELECT * FROM (
select id, craft, seen_at
from `astro`.`crew_events`
);

-- 7. swap in the new table
EXCHANGE TABLES `astro`.`crew__tsdbt_tmp` AND `astro`.`crew`;

-- 8. drop the previous table
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
