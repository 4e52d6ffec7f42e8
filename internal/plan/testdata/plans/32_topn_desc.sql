SELECT * FROM kafka('orders') ORDER BY offset DESC LIMIT 3
