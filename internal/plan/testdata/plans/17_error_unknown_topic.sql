SELECT COUNT(*) FROM kafka('nope')
