-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. drop the table that holds the name
DROP TABLE IF EXISTS `astro`.`crafts`;

-- 3. create or replace the dictionary
CREATE OR REPLACE DICTIONARY `astro`.`crafts`
(
    `id` UInt64,
    `craft` String
)
PRIMARY KEY craft
SOURCE(CLICKHOUSE(QUERY 'select id, craft from `astro`.`crew`'))
LAYOUT(COMPLEX_KEY_HASHED())
LIFETIME(MIN 0 MAX 300);
