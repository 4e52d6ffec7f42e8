SELECT partition, COUNT(*) AS n FROM kafka('orders') WITH (valueFormat='json') GROUP BY partition HAVING COUNT(*) > 1 ORDER BY n
