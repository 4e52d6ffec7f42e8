SELECT COUNT(*) FROM kafka('orders') WHERE partition IN (0, 2) AND offset BETWEEN 10000 AND 19999
