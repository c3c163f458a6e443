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

-- 3. analyze the model: names, types and functions, reading no rows
CREATE VIEW `analytics`.`stg_orders` AS
select id, amount
from `shop`.`orders` -- the raw orders
;

-- 4. read the model's output columns
DESCRIBE TABLE `analytics`.`stg_orders`;

-- 5. read the analyzer's resolved query tree for column lineage
EXPLAIN QUERY TREE passes = 1
select id, amount
from `shop`.`orders` -- the raw orders
;
