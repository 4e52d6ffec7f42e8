SELECT COUNT(*) FROM kafka('shuffled') WHERE timestamp >= 5000
