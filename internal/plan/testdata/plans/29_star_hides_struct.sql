SELECT * FROM kafka('orders') WITH (valueFormat='json') LIMIT 5
