-- 1. read the latest batch
SELECT _hash, toString(toUnixTimestamp64Milli(_inserted_at)) AS inserted_at_ms FROM `astro`.`raw_astros` WHERE _inserted_at = (SELECT max(_inserted_at) FROM `astro`.`raw_astros`);
