-- 1. create the database of the shadow project
CREATE DATABASE IF NOT EXISTS `shop` ENGINE = Memory;

-- 2. an empty table with the columns of a source, seed or checked model
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

-- 4. an empty table with the columns of a source, seed or checked model
CREATE TABLE `analytics`.`stg_orders`
(
    `id` UInt64,
    `amount` Nullable(Float64)
)
ENGINE = Memory;

-- 5. analyze several models at once, each a subquery: the same resolution as alone, one statement
EXPLAIN QUERY TREE passes = 1
SELECT 1 FROM
(
select id, amount
from `shop`.`orders` -- the raw orders
) AS `__tsdbt_model_0`,
(
select 1 as one
) AS `__tsdbt_model_1`
;

-- 6. several shadow tables in one call
CREATE TABLE `analytics`.`stg_orders`
(
    `id` UInt64
)
ENGINE = Memory;
CREATE TABLE `analytics`.`one`
(
    `one` UInt8
)
ENGINE = Memory;

-- 7. an empty table with the columns of a source, seed or checked model
CREATE TABLE IF NOT EXISTS `analytics`.`one`
(
    `one` UInt8
)
ENGINE = Memory;

-- 8. analyze and plan the model as a view, where its query tree alone does not decide (reading no rows)
CREATE VIEW `analytics`.`stg_orders` AS
select id, amount
from `shop`.`orders` -- the raw orders
;

-- 9. read the model's output columns
DESCRIBE TABLE `analytics`.`stg_orders`;
