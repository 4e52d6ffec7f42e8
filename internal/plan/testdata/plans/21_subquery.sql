SELECT offset FROM kafka('orders') o WHERE EXISTS (SELECT 1 FROM kafka('payments') p WHERE p.offset = o.offset) AND o.partition = 1
