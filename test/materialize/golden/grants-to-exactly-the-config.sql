-- 1. revoke SELECT from intern (not in grants)
REVOKE SELECT ON `shop`.`orders` FROM `intern`;

-- 2. revoke ALTER UPDATE from ops (not in grants)
REVOKE ALTER UPDATE ON `shop`.`orders` FROM `ops`;

-- 3. grant SELECT to bi_role
GRANT SELECT ON `shop`.`orders` TO `bi_role`;

-- 4. grant INSERT to loader
GRANT INSERT ON `shop`.`orders` TO `loader`;
