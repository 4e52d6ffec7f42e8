//go:build duckdb_arrow

package duck

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/kq-sql/kq/lang"
)

// Option configures a DB; see Open.
type Option func(*options)

type options struct {
	memoryLimit int64
}

// WithMemoryLimit sets DuckDB's memory_limit to bytes: the most memory
// DuckDB's buffer manager holds for all statements of the DB together
// (sorts, hash tables of aggregates and joins, tables of an in-memory
// database). Sorts, aggregates and joins spill to the DB's temporary
// directory beyond it; a statement whose state cannot spill fails with an
// error that names the limit. Default (0 or less): DuckDB's own, 80% of
// the machine's memory (or of a cgroup's limit).
func WithMemoryLimit(bytes int64) Option {
	return func(o *options) { o.memoryLimit = bytes }
}

// settings applies o and the temporary directory dir to the database db
// opened: both are global settings of the database, set once. It returns
// the memory limit in force as DuckDB spells it ("200.0 MiB").
func (o *options) settings(ctx context.Context, db *sql.DB, dir string) (string, error) {
	// temp_directory defaults to ".tmp" in the working directory for an
	// in-memory database (<file>.tmp beside a file): kq spills into a
	// directory of its own instead, removed at Close.
	if _, err := db.ExecContext(ctx, "SET temp_directory = "+lang.QuoteString(dir)); err != nil {
		return "", fmt.Errorf("set temp_directory: %w", err)
	}
	if o.memoryLimit > 0 {
		if _, err := db.ExecContext(ctx, fmt.Sprintf("SET memory_limit = '%dB'", o.memoryLimit)); err != nil {
			return "", fmt.Errorf("set memory_limit to %d bytes: %w", o.memoryLimit, sqlError(err))
		}
	}
	var limit string
	if err := db.QueryRowContext(ctx, "SELECT current_setting('memory_limit')").Scan(&limit); err != nil {
		return "", fmt.Errorf("read memory_limit: %w", err)
	}
	return limit, nil
}

// newTempDir makes the DB's private temporary directory.
func newTempDir() (string, error) {
	dir, err := os.MkdirTemp("", "kq-duckdb-")
	if err != nil {
		return "", fmt.Errorf("duckdb: temporary directory: %w", err)
	}
	return dir, nil
}

// TempDir returns the directory where DuckDB spills what exceeds the
// memory limit: made by Open in the system's temporary directory, private
// to the DB, removed with everything in it by Close.
func (d *DB) TempDir() string { return d.tempDir }

// MemoryLimit returns DuckDB's memory limit in force, as DuckDB spells it
// ("200.0 MiB").
func (d *DB) MemoryLimit() string { return d.memoryLimit }

// outOfMemory gives DuckDB's out-of-memory error kq's advice instead of
// DuckDB's (which names its SQL settings), and the limit in force.
func (d *DB) outOfMemory(err error) error {
	var de *duckdb.Error
	if d == nil || !errors.As(err, &de) || de.Type != duckdb.ErrorTypeOutOfMemory {
		return err
	}
	msg, _, _ := strings.Cut(de.Msg, "\n\nPossible solutions")
	return &duckdb.Error{Type: de.Type, Msg: fmt.Sprintf("%s; the query needs more memory than DuckDB's limit of %s and cannot spill it to disk: raise the limit (--memory-limit, kq.WithMemoryLimit)", msg, d.memoryLimit)}
}
