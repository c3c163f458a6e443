-- 1. drop a staging table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 2. create a staging table shaped like the table
CREATE TABLE `astro`.`crew__tsdbt_tmp` AS `astro`.`crew`;

-- 3. stage the new rows
INSERT INTO `astro`.`crew__tsdbt_tmp` (`id`, `craft`, `seen_at`)
SELECT `id`, `craft`, `seen_at`
FROM (
select id, craft, seen_at
from `astro`.`crew_events`
);

-- 4. delete the rows whose key comes again
DELETE FROM `astro`.`crew`
WHERE (id, craft) IN (SELECT id, craft FROM `astro`.`crew__tsdbt_tmp`)
  AND (seen_at > now() - INTERVAL 7 DAY);

-- 5. insert the new rows
INSERT INTO `astro`.`crew` (`id`, `craft`, `seen_at`)
SELECT `id`, `craft`, `seen_at`
FROM `astro`.`crew__tsdbt_tmp`;

-- 6. drop the staging table
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- on failure: remove the staging table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
