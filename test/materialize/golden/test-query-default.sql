-- 1. count failing rows
select
    count(*) as failures,
    (count(*)) != 0 as should_warn,
    (count(*)) != 0 as should_error
from (
select * from `shop`.`orders` where id is null -- a trailing comment
) as dbt_internal_test;
