SELECT * FROM kafka('orders') WITH (includeHeaders=true, "kafka.sasl.password"='hunter2', kafka.client.id='kq') WHERE offset >= 150990 LIMIT 3
