-- 1. create database
CREATE DATABASE IF NOT EXISTS `shop`;

-- 2. create the table the batches fill
CREATE TABLE `shop`.`daily`
ENGINE = MergeTree() ORDER BY id PARTITION BY toYYYYMMDD(event_at)
AS
SELECT * FROM (
select id, event_at from (select * from `shop`.`events` where event_at >= toDateTime('2026-01-03 00:00:00', 'UTC') and event_at < toDateTime('2026-01-04 00:00:00', 'UTC'))
) LIMIT 0;
