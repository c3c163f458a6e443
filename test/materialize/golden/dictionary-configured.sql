-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. create or replace the dictionary
CREATE OR REPLACE DICTIONARY `astro`.`crafts`
(
    `id` UInt64,
    `craft` LowCardinality(String)
)
PRIMARY KEY id
SOURCE(CLICKHOUSE(TABLE 'crew' DB 'astro'))
LAYOUT(FLAT())
LIFETIME(MIN 60 MAX 120);
