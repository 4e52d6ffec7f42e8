SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=0)
