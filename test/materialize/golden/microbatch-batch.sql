-- 1. drop a staging table left by an earlier run
DROP TABLE IF EXISTS `shop`.`daily__tsdbt_tmp`;

-- 2. create a staging table shaped like the table
CREATE TABLE `shop`.`daily__tsdbt_tmp` AS `shop`.`daily`;

-- 3. stage the batch from 2026-01-03 00:00:00
INSERT INTO `shop`.`daily__tsdbt_tmp` (`id`, `event_at`)
SELECT `id`, `event_at`
FROM (
SELECT * FROM (
select id, event_at from (select * from `shop`.`events` where event_at >= toDateTime('2026-01-03 00:00:00', 'UTC') and event_at < toDateTime('2026-01-04 00:00:00', 'UTC'))
)
WHERE event_at >= toDateTime('2026-01-03 00:00:00', 'UTC') AND event_at < toDateTime('2026-01-04 00:00:00', 'UTC')
);

-- on failure: remove the staging table after a failure
DROP TABLE IF EXISTS `shop`.`daily__tsdbt_tmp`;

-- then read: list the partitions of the new rows (params: {"database":"shop","table":"daily__tsdbt_tmp"}; rows: [{"partition_id":"20260103"}])
SELECT DISTINCT partition_id FROM system.parts WHERE active AND database = {database:String} AND table = {table:String} ORDER BY partition_id;

-- 4. replace the batch's partition 20260103
ALTER TABLE `shop`.`daily`
REPLACE PARTITION ID '20260103' FROM `shop`.`daily__tsdbt_tmp`;

-- 5. drop the staging table
DROP TABLE IF EXISTS `shop`.`daily__tsdbt_tmp`;

-- on failure: remove the staging table after a failure
DROP TABLE IF EXISTS `shop`.`daily__tsdbt_tmp`;
