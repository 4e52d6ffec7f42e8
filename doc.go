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
// StartDemo starts an in-process Kafka broker seeded with demo data, for
// trying kq and for tests.
package kq
