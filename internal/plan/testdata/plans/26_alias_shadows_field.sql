SELECT status, ROUND(SUM(amount), 2) AS amount
FROM kafka('orders') WITH (valueFormat='json')
GROUP BY status ORDER BY amount DESC
