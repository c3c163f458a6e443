-- 1. dict rows
SELECT CAST(1 AS UInt32) AS `id`, CAST(10 AS Nullable(Int64)) AS `amount`, CAST('2024-01-02' AS Date) AS `day`
UNION ALL
SELECT CAST(2 AS UInt32) AS `id`, CAST(NULL AS Nullable(Int64)) AS `amount`, assumeNotNull(CAST(NULL AS Nullable(Date))) AS `day`
UNION ALL
SELECT CAST(3 AS UInt32) AS `id`, CAST(NULL AS Nullable(Int64)) AS `amount`, CAST('2024-03-04' AS Date) AS `day`;

-- 2. no rows
SELECT assumeNotNull(CAST(NULL AS Nullable(UInt32))) AS `id`, CAST(NULL AS Nullable(Int64)) AS `amount`, assumeNotNull(CAST(NULL AS Nullable(Date))) AS `day` LIMIT 0;

-- 3. format: sql
SELECT CAST(`id` AS UInt32) AS `id`, CAST(`amount` AS Nullable(Int64)) AS `amount`, CAST(`day` AS Date) AS `day`
FROM (
select 1 as id, 2 as amount, today() as day
);
