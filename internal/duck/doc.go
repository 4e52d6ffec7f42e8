// Package duck is kq's DuckDB: a session's database (in-memory or a file)
// where statements the scan cannot compute alone run, with each kafka()
// source registered as an Arrow view over its scan's stream.
//
// DB.Query and DB.Exec run a statement on its own connection with every
// Source registered as a view (duckdb-go's Arrow.RegisterView: the C
// stream interface, zero-copy), with DisabledOptimizers set so that DuckDB
// reads such views correctly. DB.Query streams its result: DuckDB runs
// the query as the reader fetches chunks (a streaming result, stream.go),
// so the first batch arrives while the sources are still read and memory
// does not grow with the result; cancelling the context or releasing the
// reader early interrupts DuckDB and releases the sources. DB.Exec commits
// in one transaction or not at all. WithMemoryLimit bounds DuckDB's
// memory; beyond it DuckDB spills into the DB's private temporary
// directory (TempDir), which Close removes. A source's own error (data loss, a decode error, cancellation)
// reaches the caller as itself; DuckDB's errors are *SQLError.
//
// The package needs the build tag duckdb_arrow; without it the build stops
// with one line that says so (tag.go).
package duck
