-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. create or replace the view
CREATE OR REPLACE VIEW `astro`.`people`
AS
select JSONExtractString(payload, 'craft') as craft
from `astro`.`raw_astros`;
