-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. create the view
CREATE VIEW `astro`.`people`
AS
select JSONExtractString(payload, 'craft') as craft
from `astro`.`raw_astros`;
