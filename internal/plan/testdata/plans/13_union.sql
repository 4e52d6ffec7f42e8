SELECT key FROM kafka('orders') WHERE partition = 2 UNION ALL SELECT key FROM kafka('payments')
