EXPLAIN SELECT COUNT(*) FROM kafka('orders','payments') WITH (minPartitions=8)
