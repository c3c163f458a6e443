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
SELECT *, id AS __tsdbt_key_1, updated_at AS __tsdbt_updated_at
FROM (
select id, name, city, updated_at from `shop`.`people`
) AS __tsdbt_source
) LIMIT 0;

-- 5. fill the staged source rows
INSERT INTO `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`
SELECT * FROM (
SELECT *, id AS __tsdbt_key_1, updated_at AS __tsdbt_updated_at
FROM (
select id, name, city, updated_at from `shop`.`people`
) AS __tsdbt_source
);

-- on failure: drop the staged source rows
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;

-- then read: count the changes since the last snapshot (params: {}; rows: [{"duplicate_keys":0,"duplicate_examples":[],"null_keys":0,"new_versions":0,"deletions":0}])
SELECT
  (SELECT count() FROM (SELECT __tsdbt_key_1 FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` GROUP BY __tsdbt_key_1 HAVING count() > 1)) AS duplicate_keys,
  (SELECT groupArray(3)(toString(__tsdbt_key_1)) FROM (SELECT __tsdbt_key_1 FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` GROUP BY __tsdbt_key_1 HAVING count() > 1)) AS duplicate_examples,
  (SELECT countIf(isNull(__tsdbt_key_1)) FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`) AS null_keys,
  (SELECT count() FROM (
SELECT s.`id`,
  s.`name`,
  s.`city`,
  s.`updated_at`,
  lower(hex(MD5(concat(ifNull(toString(s.__tsdbt_key_1), ''), '|', ifNull(toString(CAST(s.__tsdbt_updated_at AS DateTime)), ''))))),
  CAST(s.__tsdbt_updated_at AS DateTime),
  CAST(s.__tsdbt_updated_at AS DateTime),
  CAST(NULL AS Nullable(DateTime))
FROM `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp` AS s
LEFT ANY JOIN (SELECT *, id AS __tsdbt_key_1, 1 AS __tsdbt_in_target FROM `snapshots`.`people_snapshot` WHERE isNull(`dbt_valid_to`)) AS c ON c.__tsdbt_key_1 = s.__tsdbt_key_1
WHERE c.__tsdbt_in_target = 0 OR (c.`dbt_valid_from` < s.__tsdbt_updated_at)
)) AS new_versions,
  0 AS deletions
SETTINGS join_use_nulls = 0;

-- 6. drop the staged source rows (nothing changed)
DROP TABLE IF EXISTS `snapshots`.`people_snapshot__tsdbt_staged__tsdbt_tmp`;
