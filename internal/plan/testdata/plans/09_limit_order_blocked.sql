SELECT key FROM kafka('payments') ORDER BY offset DESC LIMIT 10
