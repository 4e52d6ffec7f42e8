SELECT offset, timestamp FROM kafka('events') WHERE timestamp >= TIMESTAMP '1970-01-01 00:00:06' AND timestamp < '1970-01-01T00:00:09Z'
