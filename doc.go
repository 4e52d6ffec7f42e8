// Package kq runs SQL over Apache Kafka topics as bounded, parallel, exact
// batch scans.
//
// An Engine parses a statement, plans it (options, offset ranges resolved
// now, predicates and LIMIT pushed into the scan, tasks split as Spark's
// Kafka source does) and runs it: parallel franz-go readers produce Arrow
// record batches under read_committed, and what the scan cannot compute
// alone runs in an embedded DuckDB database fed with the scans' streams.
//
//	eng, err := kq.Open(kq.WithBrokers("localhost:9092"))
//	if err != nil { ... }
//	defer eng.Close()
//	rows, err := eng.Query(ctx, "SELECT status, COUNT(*) FROM kafka('orders') WITH (valueFormat='json') GROUP BY status")
//	if err != nil { ... }
//	defer rows.Release()
//	for rows.Next() { ... rows.RecordBatch() ... }
//	if err := rows.Err(); err != nil { ... }
//	st := rows.Stats() // this query's scans: rows, aborted records, data loss, per task
//
// Exec runs the statements that write: COPY to Parquet, CSV or JSON
// (PER_TASK true for one Parquet part per scan task and a manifest),
// CREATE TABLE AS and INSERT INTO, each all or nothing. Explain plans
// without reading. Errors are typed for errors.As: *QueryError and
// *UnknownTopicError point into the statement, *DataLossError and
// *DecodeError name the partition and offsets.
//
// # Parameters
//
// A statement's parameters are written ? (numbered in the order they
// appear) or $1, $2, ... (one statement uses one style), and stand for
// values given with it — in expressions (WHERE status = ?), for a topic
// name (kafka(?)) and for an option value (WITH (valueFormat = ?)):
//
//	rows, err := eng.Query(ctx, "SELECT * FROM kafka(?) WITH (valueFormat='json') WHERE status = ? AND timestamp >= ?", "orders", "paid", since)
//
// Values are bound, never spliced into SQL text: planning reads a
// parameter as the constant it stands for (partition, offset and
// timestamp comparisons push down into the scan), and DuckDB runs a
// prepared statement with its own parameters bound. A value is a string,
// []byte, an integer (int*, uint*), a float, bool, time.Time (an instant,
// compared with kq's UTC timestamps), nil (NULL), a pointer to one, or a
// driver.Valuer giving one; any other is a *QueryError naming the
// parameter, as is the wrong number of values ("query has 2 parameters,
// got 1"). Prepare parses a statement once; its Stmt plans again, with
// fresh offsets, at every run. Package driver registers kq with
// database/sql.
//
// Building kq needs the build tag duckdb_arrow (DuckDB's Arrow interface):
// go build -tags duckdb_arrow. Without it the build stops with one line
// that says so; every make target adds it.
//
// The dialect's parser is package lang; package demo starts a broker
// seeded with demo data, for trying kq and for tests.
package kq
