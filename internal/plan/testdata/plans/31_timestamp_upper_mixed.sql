SELECT COUNT(*) FROM kafka('events', 'appended') WHERE timestamp <= TIMESTAMP '1970-01-01 00:00:06'
