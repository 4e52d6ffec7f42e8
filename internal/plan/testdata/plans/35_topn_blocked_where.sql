SELECT * FROM kafka('orders') WITH (valueFormat='json') WHERE status = 'paid' ORDER BY offset DESC LIMIT 3
