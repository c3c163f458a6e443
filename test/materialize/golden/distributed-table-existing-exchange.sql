-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro` ON CLUSTER `tsdbt_cluster`;

-- 2. drop a loading table left by an earlier run
DROP TABLE IF EXISTS `astro`.`events__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`;

-- 3. drop new local tables left by an earlier run
DROP TABLE IF EXISTS `astro`.`events_local__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`;

-- 4. create the new local table on every host
CREATE TABLE `astro`.`events_local__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`
(
  `id` UInt64,
  `label` String,
  `day` Date
)
ENGINE = MergeTree() ORDER BY id;

-- 5. create a Distributed table to load the new local tables
CREATE TABLE `astro`.`events__tsdbt_tmp` ON CLUSTER `tsdbt_cluster` AS `astro`.`events_local__tsdbt_tmp`
ENGINE = Distributed('tsdbt_cluster', 'astro', 'events_local__tsdbt_tmp', cityHash64(id));

-- 6. write the rows to their shards (settings: insert_distributed_sync=1)
INSERT INTO `astro`.`events__tsdbt_tmp`
SELECT * FROM (
select id, toString(id) as label, toDate('2024-01-01') as day from `src`.`events`
);

-- 7. drop the loading table
DROP TABLE IF EXISTS `astro`.`events__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`;

-- 8. make sure a local table exists to swap with
CREATE TABLE IF NOT EXISTS `astro`.`events_local` ON CLUSTER `tsdbt_cluster` AS `astro`.`events_local__tsdbt_tmp`;

-- 9. swap in the new table
EXCHANGE TABLES `astro`.`events_local__tsdbt_tmp` AND `astro`.`events_local` ON CLUSTER `tsdbt_cluster`;

-- 10. drop the previous events_local
DROP TABLE IF EXISTS `astro`.`events_local__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`;

-- 11. create the new Distributed table over the local tables
CREATE TABLE `astro`.`events__tsdbt_tmp` ON CLUSTER `tsdbt_cluster` AS `astro`.`events_local`
ENGINE = Distributed('tsdbt_cluster', 'astro', 'events_local', cityHash64(id));

-- 12. swap in the new table
EXCHANGE TABLES `astro`.`events__tsdbt_tmp` AND `astro`.`events` ON CLUSTER `tsdbt_cluster`;

-- 13. drop the previous events
DROP TABLE IF EXISTS `astro`.`events__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`;

-- on failure: remove the new Distributed table after a failure
DROP TABLE IF EXISTS `astro`.`events__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`;

-- on failure: remove the new local tables after a failure
DROP TABLE IF EXISTS `astro`.`events_local__tsdbt_tmp` ON CLUSTER `tsdbt_cluster`;
