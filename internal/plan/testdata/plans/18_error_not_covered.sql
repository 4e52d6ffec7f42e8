SELECT COUNT(*) FROM kafka('orders') WITH (startingOffsets='{"orders":{"0":5}}')
