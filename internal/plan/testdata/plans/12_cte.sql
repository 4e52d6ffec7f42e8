WITH recent AS (SELECT * FROM kafka('orders') WHERE offset >= 150000) SELECT COUNT(*) FROM recent
