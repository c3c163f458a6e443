-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop the previous dictionary
DROP DICTIONARY IF EXISTS `astro`.`crafts`;

-- 3. create the dictionary
CREATE DICTIONARY `astro`.`crafts`
(
    `id` UInt64,
    `craft` String
)
PRIMARY KEY id
SOURCE(CLICKHOUSE(QUERY 'select id, craft from `astro`.`crew`'))
LAYOUT(HASHED())
LIFETIME(MIN 0 MAX 300);
