SELECT offset, value FROM kafka('orders') WITH (minPartitions=8) WHERE partition IN (0, 2) ORDER BY partition, offset LIMIT 5 OFFSET 2
