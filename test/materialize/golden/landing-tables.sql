-- 1. create the landing database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. create the landing table
CREATE TABLE IF NOT EXISTS `astro`.`raw_astros` (
  payload String,
  _hash String COMMENT 'sha256 (hex) of payload',
  _source_url String COMMENT 'where the payload came from, credentials redacted',
  _inserted_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree(_inserted_at)
ORDER BY _hash
SETTINGS index_granularity_bytes = 262144, max_parts_to_merge_at_once = 4;

-- 3. create the quarantine table
CREATE TABLE IF NOT EXISTS `astro`.`raw_astros__rejected` (
  payload String,
  reason String,
  _source_url String,
  _inserted_at DateTime64(3, 'UTC')
)
ENGINE = MergeTree
ORDER BY _inserted_at;
