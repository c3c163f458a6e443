-- 1. create the database of the shadow project
CREATE DATABASE IF NOT EXISTS `shop` ENGINE = Memory;

-- 2. shadow of a source
CREATE TABLE `shop`.`orders`
(
    `id` UInt64,
    `amount` Nullable(Float64),
    `odd name` String
)
ENGINE = Memory;

-- 3. analyze the model: names, functions and types resolved, its output columns and their lineage, reading no rows
EXPLAIN QUERY TREE passes = 1
select id, amount
from `shop`.`orders` -- the raw orders
;

-- 4. shadow of a checked model: its output columns, as the analyzer gave them
CREATE TABLE `analytics`.`stg_orders`
(
    `id` UInt64,
    `amount` Nullable(Float64)
)
ENGINE = Memory;

-- 5. analyze and plan the model as a view, where its query tree alone does not decide (reading no rows)
CREATE VIEW `analytics`.`stg_orders` AS
select id, amount
from `shop`.`orders` -- the raw orders
;

-- 6. read the model's output columns
DESCRIBE TABLE `analytics`.`stg_orders`;
