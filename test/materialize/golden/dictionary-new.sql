-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. create or replace the dictionary
CREATE OR REPLACE DICTIONARY `astro`.`crafts`
(
    `id` UInt64,
    `craft` String
)
PRIMARY KEY id
SOURCE(CLICKHOUSE(QUERY 'select id, craft from `astro`.`crew`'))
LAYOUT(HASHED())
LIFETIME(MIN 0 MAX 300);
