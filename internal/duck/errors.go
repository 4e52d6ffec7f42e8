//go:build duckdb_arrow

package duck

import "strings"

// SQLError is an error DuckDB reported for a statement kq rendered. Its
// message is DuckDB's without the excerpt of the rendered SQL (which
// shows kq's internal view names, not the query as written), on one line.
// Unwrap gives duckdb-go's error.
type SQLError struct {
	Msg string
	Err error
}

// Error implements error.
func (e *SQLError) Error() string { return "duckdb: " + e.Msg }

// Unwrap returns duckdb-go's error.
func (e *SQLError) Unwrap() error { return e.Err }

func sqlError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "\n\nLINE "); i >= 0 {
		msg = msg[:i]
	}
	msg = strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ")), " ")
	return &SQLError{Msg: msg, Err: err}
}
