SELECT partition AS offset, value FROM kafka('orders') ORDER BY offset DESC LIMIT 3
