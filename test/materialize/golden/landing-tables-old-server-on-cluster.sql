-- 1. create the landing database
CREATE DATABASE IF NOT EXISTS `astro` ON CLUSTER `main`;

-- 2. create the landing table
CREATE TABLE IF NOT EXISTS `astro`.`raw_astros` ON CLUSTER `main` (
  payload String,
  _hash String COMMENT 'sha256 (hex) of payload',
  _source_url String COMMENT 'where the payload came from, credentials redacted',
  _inserted_at DateTime('UTC')
)
ENGINE = ReplacingMergeTree(_inserted_at)
ORDER BY _hash;
