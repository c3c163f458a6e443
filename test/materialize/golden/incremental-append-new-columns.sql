-- 1. drop a staging table left by an earlier run
DROP TABLE IF EXISTS `astro`.`crew__tsdbt_tmp`;

-- 2. add new column age
ALTER TABLE `astro`.`crew` ADD COLUMN `age` UInt8;

-- 3. append the new rows
INSERT INTO `astro`.`crew` (`id`, `craft`, `name`, `age`)
SELECT `id`, `craft`, `name`, `age`
FROM (
select id, craft, name, seen_at
from `astro`.`crew_events`
);
