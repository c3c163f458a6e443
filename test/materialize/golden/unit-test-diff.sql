-- 1. compare
SELECT `id`, `amount`, sum(__tsdbt_side) AS `__tsdbt_diff`
FROM (
  SELECT `id`, `amount`, toInt64(1) AS __tsdbt_side FROM (
SELECT 1 AS `id`, 10 AS `amount`
  )
  UNION ALL
  SELECT `id`, `amount`, toInt64(-1) AS __tsdbt_side FROM (
select id, amount from x
  )
)
GROUP BY `id`, `amount`
HAVING `__tsdbt_diff` != 0
ORDER BY `__tsdbt_diff` DESC, `id`, `amount`;
