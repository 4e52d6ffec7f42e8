SELECT key FROM kafka('payments') ORDER BY timestamp DESC LIMIT 10
