SELECT COUNT(*) FROM kafka('orders') WITH (startingOffsets='{"orders":{"0":100000,"1":-2,"2":-2}}', endingOffsets='{"orders":{"0":-1,"1":3000,"2":-1}}')
