-- 1. preview
SELECT * FROM (
select * from `shop`.`orders`
) LIMIT 5;
