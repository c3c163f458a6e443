-- 1. drop a staging table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 2. drop column seen_at, no longer selected
ALTER TABLE `astro`.`crew` DROP COLUMN `seen_at`;

-- 3. change the type of craft from String
ALTER TABLE `astro`.`crew` MODIFY COLUMN `craft` LowCardinality(String);

-- 4. add new column age
ALTER TABLE `astro`.`crew` ADD COLUMN `age` UInt8;

-- 5. create a staging table shaped like the table
CREATE TABLE `astro`.`crew__tsdbt_tmp` AS `astro`.`crew`;

-- 6. stage the new rows
INSERT INTO `astro`.`crew__tsdbt_tmp` (`id`, `craft`, `name`, `age`)
SELECT `id`, `craft`, `name`, `age`
FROM (
select id, craft, name, seen_at
from `astro`.`crew_events`
);

-- 7. delete the rows whose key comes again
DELETE FROM `astro`.`crew`
WHERE id IN (SELECT id FROM `astro`.`crew__tsdbt_tmp`);

-- 8. insert the new rows
INSERT INTO `astro`.`crew` (`id`, `craft`, `name`, `age`)
SELECT `id`, `craft`, `name`, `age`
FROM `astro`.`crew__tsdbt_tmp`;

-- 9. drop the staging table
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- on failure: remove the staging table after a failure
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;
