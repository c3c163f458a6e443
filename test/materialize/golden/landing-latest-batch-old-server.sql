-- 1. read the latest batch
SELECT _hash, toString(toUInt64(toUInt32(_inserted_at)) * 1000) AS inserted_at_ms FROM `astro`.`raw_astros` WHERE _inserted_at = (SELECT max(_inserted_at) FROM `astro`.`raw_astros`);
