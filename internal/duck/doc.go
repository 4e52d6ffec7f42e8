// Package duck is kq's DuckDB: a session's database (in-memory or a file)
// where statements the scan cannot compute alone run, with each kafka()
// source registered as an Arrow view over its scan's stream.
//
// DB.Query and DB.Exec run a statement on its own connection with every
// Source registered as a view (duckdb-go's Arrow.RegisterView: the C
// stream interface, zero-copy), with DisabledOptimizers set so that DuckDB
// reads such views correctly. DB.Exec commits in one transaction or not at
// all. A source's own error (data loss, a decode error, cancellation)
// reaches the caller as itself; DuckDB's errors are *SQLError.
//
// The package needs the build tag duckdb_arrow; without it the build stops
// with one line that says so (tag.go).
package duck
