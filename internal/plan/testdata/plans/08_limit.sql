SELECT * FROM kafka('payments') LIMIT 10
