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
LEFT ANY JOIN (SELECT *, id AS __tsdbt_key_1, 1 AS __tsdbt_in_target FROM `snapshots`.`people_snapshot` WHERE isNull(`dbt_valid_to`)) AS c ON c.__tsdbt_key_1 = s.__tsdbt_key_1
WHERE c.__tsdbt_in_target = 0 OR (1)
)) AS new_versions,
  0 AS deletions
SETTINGS join_use_nulls = 0;

-- 6. create the new snapshot table, empty, under a temporary name
CREATE TABLE `snapshots`.`people_snapshot__tsdbt_tmp`
(
  `id` UInt64,
  `name` String,
  `updated_at` DateTime,
  `dbt_scd_id` String,
  `dbt_updated_at` DateTime64(6, 'UTC'),
  `dbt_valid_from` DateTime64(6, 'UTC'),
  `dbt_valid_to` Nullable(DateTime64(6, 'UTC')),
  `city` Nullable(String)
)
ENGINE = MergeTree() ORDER BY tuple();

-- 7. copy the history, closing the rows that changed
INSERT INTO `snapshots`.`people_snapshot__tsdbt_tmp` (`id`, `name`, `updated_at`, `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to`)
SELECT t.`id`,
  t.`name`,
  t.`updated_at`,
  t.`dbt_scd_id`,
  t.`dbt_updated_at`,
  t.`dbt_valid_from`,
  multiIf(
    isNull(t.`dbt_valid_to`) AND s.__tsdbt_in_source = 1 AND (1), CAST(s.__tsdbt_updated_at AS Nullable(DateTime64(6, 'UTC'))),
    t.`dbt_valid_to`
  )
FROM (SELECT *, id AS __tsdbt_key_1 FROM `snapshots`.`people_snapshot`) AS t
LEFT ANY JOIN (SELECT *, 1 AS __tsdbt_in_source FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`) AS s ON t.__tsdbt_key_1 = s.__tsdbt_key_1
SETTINGS join_use_nulls = 0;

-- 8. add the new versions
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
LEFT ANY JOIN (SELECT *, id AS __tsdbt_key_1, 1 AS __tsdbt_in_target FROM `snapshots`.`people_snapshot` WHERE isNull(`dbt_valid_to`)) AS c ON c.__tsdbt_key_1 = s.__tsdbt_key_1
WHERE c.__tsdbt_in_target = 0 OR (1)
SETTINGS join_use_nulls = 0;

-- 9. swap in the new table
EXCHANGE TABLES `snapshots`.`people_snapshot__tsdbt_tmp` AND `snapshots`.`people_snapshot`;

-- 10. drop the previous people_snapshot
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_tmp`;

-- 11. drop the staged source rows
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_tmp`;

-- on failure: drop the staged source rows
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;
