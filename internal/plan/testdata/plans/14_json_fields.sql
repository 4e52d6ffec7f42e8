SELECT customer, SUM(amount) FROM kafka('orders') WITH (valueSchema='customer VARCHAR, amount DOUBLE') WHERE value.status = 'paid' GROUP BY customer
