COPY (SELECT offset FROM kafka('payments') WHERE offset < 200) TO 'out.parquet' (FORMAT parquet)
