SELECT COUNT(*) FROM kafka('orders') WHERE partition = 0 OR offset > 100000
