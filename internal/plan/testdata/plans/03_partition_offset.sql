SELECT key, value FROM kafka('orders') WHERE partition = 1 AND offset >= 50000
