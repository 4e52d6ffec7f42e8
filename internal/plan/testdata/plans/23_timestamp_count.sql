SELECT COUNT(*) FROM kafka('shuffled') WHERE timestamp >= TIMESTAMPTZ '1970-01-01 01:00:05+01'
