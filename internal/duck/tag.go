//go:build !duckdb_arrow

package duck

// kq feeds Kafka scans to DuckDB through DuckDB's Arrow interface, which
// duckdb-go compiles only with the build tag duckdb_arrow. Without the tag
// the build stops here, with one line that says what to do.
var _ int = "kq: build with -tags duckdb_arrow (make adds it)"
