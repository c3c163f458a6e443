-- 1. read the catalog of one database
SELECT table, name, type, comment, engine
FROM system.columns
ANY LEFT JOIN (SELECT name AS table, engine FROM system.tables WHERE database = {database:String}) AS tables USING (table)
WHERE database = {database:String};
