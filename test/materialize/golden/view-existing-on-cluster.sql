-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro` ON CLUSTER `main` ENGINE = Replicated('/ch/{database}', '{shard}', '{replica}');

-- 2. create or replace the view
CREATE OR REPLACE VIEW `astro`.`people` ON CLUSTER `main`
AS
select JSONExtractString(payload, 'craft') as craft
from `astro`.`raw_astros`;
