SELECT COUNT(*) FROM kafka('orders') WHERE partition < 2 AND partition >= 1
