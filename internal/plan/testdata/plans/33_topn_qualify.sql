SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3
