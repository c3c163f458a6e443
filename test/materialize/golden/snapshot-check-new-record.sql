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
  CAST(NULL AS Nullable(DateTime64(6, 'UTC'))),
  'False'
FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` AS s
LEFT ANY JOIN (SELECT *, id AS __tsdbt_key_1, 1 AS __tsdbt_in_target FROM `snapshots`.`people_snapshot` WHERE isNull(`dbt_valid_to`)) AS c ON c.__tsdbt_key_1 = s.__tsdbt_key_1
WHERE c.__tsdbt_in_target = 0 OR (ifNull((c.`name` != s.`name` OR (isNull(c.`name`) AND isNotNull(s.`name`)) OR (isNotNull(c.`name`) AND isNull(s.`name`))) OR (c.`city` != s.`city` OR (isNull(c.`city`) AND isNotNull(s.`city`)) OR (isNotNull(c.`city`) AND isNull(s.`city`))), 0) OR ifNull(c.`dbt_is_deleted`, '') = 'True')
)) AS new_versions,
  (SELECT count() FROM (SELECT 1 FROM (SELECT *, id AS __tsdbt_key_1 FROM `snapshots`.`people_snapshot` WHERE isNull(`dbt_valid_to`)) AS c
LEFT ANY JOIN (SELECT __tsdbt_key_1, 1 AS __tsdbt_in_source FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`) AS s ON c.__tsdbt_key_1 = s.__tsdbt_key_1
WHERE s.__tsdbt_in_source = 0 AND NOT (ifNull(c.`dbt_is_deleted`, '') = 'True'))) AS deletions
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
  `dbt_valid_to` Nullable(DateTime64(6, 'UTC')),
  `dbt_is_deleted` Nullable(String)
)
ENGINE = MergeTree() ORDER BY tuple();

-- 7. copy the history, closing the rows that changed
INSERT INTO `snapshots`.`people_snapshot__tsdbt_tmp` (`id`, `name`, `city`, `updated_at`, `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to`, `dbt_is_deleted`)
SELECT t.`id`,
  t.`name`,
  t.`city`,
  t.`updated_at`,
  t.`dbt_scd_id`,
  t.`dbt_updated_at`,
  t.`dbt_valid_from`,
  multiIf(
    isNull(t.`dbt_valid_to`) AND s.__tsdbt_in_source = 1 AND (ifNull((t.`name` != s.`name` OR (isNull(t.`name`) AND isNotNull(s.`name`)) OR (isNotNull(t.`name`) AND isNull(s.`name`))) OR (t.`city` != s.`city` OR (isNull(t.`city`) AND isNotNull(s.`city`)) OR (isNotNull(t.`city`) AND isNull(s.`city`))), 0) OR ifNull(t.`dbt_is_deleted`, '') = 'True'), CAST(s.__tsdbt_updated_at AS Nullable(DateTime64(6, 'UTC'))),
    isNull(t.`dbt_valid_to`) AND s.__tsdbt_in_source = 0 AND NOT (ifNull(t.`dbt_is_deleted`, '') = 'True'), CAST(toDateTime64('2026-01-02 03:04:05.678000', 6, 'UTC') AS Nullable(DateTime64(6, 'UTC'))),
    t.`dbt_valid_to`
  ),
  t.`dbt_is_deleted`
FROM (SELECT *, id AS __tsdbt_key_1 FROM `snapshots`.`people_snapshot`) AS t
LEFT ANY JOIN (SELECT *, 1 AS __tsdbt_in_source FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`) AS s ON t.__tsdbt_key_1 = s.__tsdbt_key_1
SETTINGS join_use_nulls = 0;

-- 8. add the new versions
INSERT INTO `snapshots`.`people_snapshot__tsdbt_tmp` (`id`, `name`, `city`, `updated_at`, `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to`, `dbt_is_deleted`)
SELECT s.`id`,
  s.`name`,
  s.`city`,
  s.`updated_at`,
  lower(hex(MD5(concat(ifNull(toString(s.__tsdbt_key_1), ''), '|', ifNull(toString(CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC'))), ''))))),
  CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC')),
  CAST(s.__tsdbt_updated_at AS DateTime64(6, 'UTC')),
  CAST(NULL AS Nullable(DateTime64(6, 'UTC'))),
  'False'
FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` AS s
LEFT ANY JOIN (SELECT *, id AS __tsdbt_key_1, 1 AS __tsdbt_in_target FROM `snapshots`.`people_snapshot` WHERE isNull(`dbt_valid_to`)) AS c ON c.__tsdbt_key_1 = s.__tsdbt_key_1
WHERE c.__tsdbt_in_target = 0 OR (ifNull((c.`name` != s.`name` OR (isNull(c.`name`) AND isNotNull(s.`name`)) OR (isNotNull(c.`name`) AND isNull(s.`name`))) OR (c.`city` != s.`city` OR (isNull(c.`city`) AND isNotNull(s.`city`)) OR (isNotNull(c.`city`) AND isNull(s.`city`))), 0) OR ifNull(c.`dbt_is_deleted`, '') = 'True')
SETTINGS join_use_nulls = 0;

-- 9. add a record for each deleted row
INSERT INTO `snapshots`.`people_snapshot__tsdbt_tmp` (`id`, `name`, `city`, `updated_at`, `dbt_scd_id`, `dbt_updated_at`, `dbt_valid_from`, `dbt_valid_to`, `dbt_is_deleted`)
SELECT c.`id`,
  c.`name`,
  c.`city`,
  c.`updated_at`,
  lower(hex(MD5(concat(ifNull(toString(c.`dbt_scd_id`), ''), '|', ifNull(toString(toDateTime64('2026-01-02 03:04:05.678000', 6, 'UTC')), ''))))),
  CAST(toDateTime64('2026-01-02 03:04:05.678000', 6, 'UTC') AS DateTime64(6, 'UTC')),
  CAST(toDateTime64('2026-01-02 03:04:05.678000', 6, 'UTC') AS DateTime64(6, 'UTC')),
  c.`dbt_valid_to`,
  'True'
FROM (SELECT *, id AS __tsdbt_key_1 FROM `snapshots`.`people_snapshot` WHERE isNull(`dbt_valid_to`)) AS c
LEFT ANY JOIN (SELECT __tsdbt_key_1, 1 AS __tsdbt_in_source FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`) AS s ON c.__tsdbt_key_1 = s.__tsdbt_key_1
WHERE s.__tsdbt_in_source = 0 AND NOT (ifNull(c.`dbt_is_deleted`, '') = 'True')
SETTINGS join_use_nulls = 0;

-- 10. swap in the new table
EXCHANGE TABLES `snapshots`.`people_snapshot__tsdbt_tmp` AND `snapshots`.`people_snapshot`;

-- 11. drop the previous people_snapshot
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_tmp`;

-- 12. drop the staged source rows
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;

-- on failure: remove the temporary table after a failure
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_tmp`;

-- on failure: drop the staged source rows
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;
