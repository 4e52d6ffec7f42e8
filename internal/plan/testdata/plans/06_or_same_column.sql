SELECT COUNT(*) FROM kafka('orders') WHERE partition = 0 OR partition = 2
