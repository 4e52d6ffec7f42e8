// Package kq runs SQL over Apache Kafka topics as bounded, parallel, exact
// batch scans.
//
// An Engine parses a query (package lang), plans it (package plan: options,
// offset ranges, splitting into tasks, pushdown) and runs it (package exec:
// parallel franz-go readers producing Arrow record batches):
//
//	eng, err := kq.Open(kq.WithBrokers("localhost:9092"))
//	if err != nil { ... }
//	defer eng.Close()
//	rr, err := eng.Query(ctx, "SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=8)")
//	if err != nil { ... }
//	defer rr.Release()
//	for rr.Next() { ... rr.RecordBatch() ... }
//
// Queries the scan cannot compute alone (filters, aggregates, joins with
// tables and files, ORDER BY, windows) run in an embedded DuckDB database
// fed with the scans' Arrow streams: in-memory, or the file given
// WithDB. Exec runs the statements that write: COPY to Parquet, CSV or
// JSON (PER_TASK true for one Parquet part per scan task), CREATE TABLE AS
// and INSERT INTO, each all or nothing.
//
// StartDemo starts an in-process Kafka broker seeded with demo data, for
// trying kq and for tests.
package kq
