SELECT o.key, p.value FROM kafka('orders') AS o JOIN kafka('payments') AS p ON o.key = p.key WHERE o.partition = 2 AND p.offset < 1000
