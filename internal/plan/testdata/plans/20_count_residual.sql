SELECT COUNT(*) FROM kafka('orders') WHERE offset > 5 AND value IS NOT NULL
