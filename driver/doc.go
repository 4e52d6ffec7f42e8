// Package driver registers kq as a database/sql driver named "kq", so that
// programs and tools built on database/sql (sqlx, report generators,
// dashboards) run kq's SQL over Kafka topics without learning Arrow:
//
//	import _ "github.com/kq-sql/kq/driver"
//
//	db, err := sql.Open("kq", "kafka://localhost:9092?workers=4")
//	rows, err := db.QueryContext(ctx, "SELECT customer, amount FROM kafka('orders') WITH (valueFormat='json') WHERE status = ?", "paid")
//
// The data source name is kafka://host:port[,host:port...] with settings
// as query parameters (see ParseDSN): schemaRegistry, sasl.mechanism,
// sasl.username, tls, workers, timeout, db, ... Secrets never go in the
// DSN: the SASL password comes from the environment variable
// KQ_SASL_PASSWORD (or sasl.passwordFile), the Schema Registry password
// from KQ_SCHEMA_REGISTRY_PASSWORD (or schemaRegistry.passwordFile), and a
// DSN carrying a password is an error that does not repeat it. Programs
// that hold kq options use NewConnector and sql.OpenDB instead.
//
// All connections of one sql.DB share one kq.Engine (its Kafka clients and
// DuckDB database; tables made with CREATE TABLE AS are seen by every
// connection), closed by DB.Close. Rows stream from the engine's Arrow
// batches, one batch held at a time; values have the Go types duckdb-go's
// own driver gives: int8...int64, uint8...uint64, float32, float64,
// string, []byte, bool, time.Time (UTC), duckdb.Decimal, duckdb.Interval,
// *big.Int for HUGEINT, []any for lists, map[string]any for structs,
// duckdb.OrderedMap for maps, and nil for NULL. A query's context cancels
// its scans. Parameters are ? or $n, bound as values (kq.Engine.Query).
// Transactions are not supported: CREATE TABLE AS and INSERT are each
// atomic on their own.
//
// Registering at import is this package's purpose; the root package kq
// does not import it, so programs that do not use database/sql do not
// link it.
package driver
