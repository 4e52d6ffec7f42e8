EXPLAIN SELECT COUNT(*) FROM kafka('orders','payments') WITH (minPartitions=8, maxRecordsPerPartition=50000, splitStrategy='spark')
