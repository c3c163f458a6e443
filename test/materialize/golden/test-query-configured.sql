-- 1. count failing rows
select
    sum(n) as failures,
    (sum(n)) > 10 as should_warn,
    (sum(n)) > 100 as should_error
from (
select * from `shop`.`orders`
limit 5
) as dbt_internal_test;
