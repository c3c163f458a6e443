-- 1. create database
CREATE DATABASE IF NOT EXISTS `astro`;

-- 2. create or replace the dictionary
CREATE OR REPLACE DICTIONARY `astro`.`prices`
(
    `id` UInt64,
    `valid_from` Date,
    `valid_to` Date,
    `price` Decimal(10, 2)
)
PRIMARY KEY id
SOURCE(CLICKHOUSE(QUERY 'select * from `astro`.`price_history`'))
LAYOUT(RANGE_HASHED())
LIFETIME(MIN 0 MAX 300)
RANGE(min valid_from max valid_to);
