SELECT COUNT(*) FROM kafka('orders') WHERE partition = 1 AND partition = 2
