-- 1. create database
CREATE DATABASE IF NOT EXISTS `snapshots`;

-- 2. drop a staging table left by an earlier run
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;

-- 3. drop a temporary table left by an earlier run
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_tmp`;

-- 4. create the staged source rows, empty, under a temporary name
CREATE TABLE `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`
ENGINE = MergeTree() ORDER BY tuple()
AS
SELECT * FROM (
SELECT *, id AS __tsdbt_key_1, toDateTime64('2026-01-02 03:04:05.678000', 6, 'UTC') AS __tsdbt_updated_at
FROM (
select id, name, city, updated_at from `shop`.`people`
) AS __tsdbt_source
) LIMIT 0;

-- 5. fill the staged source rows
INSERT INTO `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`
SELECT * FROM (
SELECT *, id AS __tsdbt_key_1, toDateTime64('2026-01-02 03:04:05.678000', 6, 'UTC') AS __tsdbt_updated_at
FROM (
select id, name, city, updated_at from `shop`.`people`
) AS __tsdbt_source
);

-- on failure: drop the staged source rows
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;

-- then read: count the changes since the last snapshot (params: {}; rows: [{"duplicate_keys":0,"duplicate_examples":[],"null_keys":0,"new_versions":2,"deletions":1}])
SELECT
  (SELECT count() FROM (SELECT __tsdbt_key_1 FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` GROUP BY __tsdbt_key_1 HAVING count() > 1)) AS duplicate_keys,
  (SELECT groupArray(3)(toString(__tsdbt_key_1)) FROM (SELECT __tsdbt_key_1 FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` GROUP BY __tsdbt_key_1 HAVING count() > 1)) AS duplicate_examples,
  (SELECT countIf(isNull(__tsdbt_key_1)) FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`) AS null_keys,
  (SELECT count() FROM (
SELECT s.`id`,
  s.`name`,
  s.`city`,
  s.`updated_at`,
  lower(hex(MD5(concat(ifNull(toString(s.__tsdbt_key_1), ''), '|', ifNull(toString(CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC'))), ''))))),
  CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC')),
  CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC')),
  CAST(NULL AS Nullable(DateTime64(6, 'UTC')))
FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` AS s
)) AS new_versions,
  0 AS deletions
SETTINGS join_use_nulls = 0;

-- 6. create the new snapshot table, empty, under a temporary name
CREATE TABLE `snapshots`.`people_snapshot__tsdbt_tmp`
(
  `id` UInt64,
  `name` String,
  `city` Nullable(String),
  `updated_at` DateTime,
  `dbt_scd_id` String,
  `dbt_updated_at` DateTime64(6, 'UTC'),
  `dbt_valid_from` DateTime64(6, 'UTC'),
  `dbt_valid_to` Nullable(DateTime64(6, 'UTC'))
)
ENGINE = MergeTree() ORDER BY tuple();

-- 7. add the new versions
INSERT INTO `snapshots`.`people_snapshot__tsdbt_tmp` (`id`, `name`, `city`, `updated_at`, `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to`)
SELECT s.`id`,
  s.`name`,
  s.`city`,
  s.`updated_at`,
  lower(hex(MD5(concat(ifNull(toString(s.__tsdbt_key_1), ''), '|', ifNull(toString(CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC'))), ''))))),
  CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC')),
  CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC')),
  CAST(NULL AS Nullable(DateTime64(6, 'UTC')))
FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` AS s
SETTINGS join_use_nulls = 0;

-- 8. publish people_snapshot
RENAME TABLE `snapshots`.`people_snapshot__tsdbt_tmp` TO `snapshots`.`people_snapshot`;

-- 9. drop the staged source rows
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_tmp`;

-- on failure: drop the staged source rows
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;
