-- 1. list clusters
SELECT cluster, count() AS hosts FROM system.clusters GROUP BY cluster ORDER BY cluster;
