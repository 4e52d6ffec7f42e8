-- DuckDB's forms: GROUP BY ALL groups by the items without aggregates;
-- a star with EXCLUDE/REPLACE stays for DuckDB to expand (every column
-- read); VALUES is a leaf of rows.
SELECT v.tier, COUNT(*) AS n FROM (SELECT * EXCLUDE (value) REPLACE (decode(key) AS key) FROM kafka('orders') WHERE partition = 1) AS o
JOIN (VALUES ('c-1', 'gold'), ('c-2', 'silver')) AS v(customer, tier) ON v.customer = o.key
GROUP BY ALL
