//go:build duckdb_arrow

package duck

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/kq-sql/kq/lang"
)

// DisabledOptimizers is what every DuckDB connection of a DB sets as
// disabled_optimizers. duckdb-go v2.10503.1 registers Arrow views through
// DuckDB's C API arrow_scan, whose stream producer ignores the projection
// and the filters DuckDB pushes into the scan: with unused_columns on, a
// query reading some columns of a view reads the wrong ones (garbage or
// SIGSEGV; duckdb-go issues #24, #28); with filter_pushdown on, a WHERE
// pushed into the scan is silently dropped (every row passes). Both off,
// DuckDB reads whole batches and filters them itself. The regression test
// is TestArrowViewRegression; the measurements are in ARCHITECTURE.md.
const DisabledOptimizers = "unused_columns,filter_pushdown"

// DB is a session's DuckDB database: in-memory, or a file. Statements run
// on their own connection, so a DB is safe for concurrent use. Close it
// when done.
type DB struct {
	connector   *duckdb.Connector
	db          *sql.DB
	views       atomic.Int64 // names registered views uniquely
	tempDir     string       // where DuckDB spills; removed by Close
	memoryLimit string       // DuckDB's memory_limit in force, as DuckDB prints it
}

// Open opens the DuckDB database at path, creating the file if needed;
// path "" opens a private in-memory database. DuckDB spills to a private
// temporary directory (TempDir) that Close removes; WithMemoryLimit sets
// how much memory it holds before spilling.
func Open(path string, opts ...Option) (*DB, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("duckdb: database path %q must not contain '?' or '#'", path)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	dir, err := newTempDir()
	if err != nil {
		return nil, err
	}
	c, err := duckdb.NewConnector(path, func(ex driver.ExecerContext) error {
		_, err := ex.ExecContext(context.Background(), "SET disabled_optimizers = '"+DisabledOptimizers+"'", nil)
		if err != nil {
			return err
		}
		// Timestamps without a zone mean UTC, as kq's timestamp column and
		// plan's pushdown of timestamp predicates read them, whatever the
		// machine's zone.
		_, err = ex.ExecContext(context.Background(), "SET TimeZone = 'UTC'", nil)
		return err
	})
	if err != nil {
		_ = os.RemoveAll(dir)
		if path == "" {
			return nil, fmt.Errorf("duckdb: open in-memory database: %w", err)
		}
		return nil, fmt.Errorf("duckdb: open %s: %w", path, err)
	}
	d := &DB{connector: c, db: sql.OpenDB(c), tempDir: dir}
	if d.memoryLimit, err = o.settings(context.Background(), d.db, dir); err == nil {
		err = registerText(context.Background(), d.db)
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("duckdb: %w", err), d.Close())
	}
	return d, nil
}

// SQL returns the database/sql handle of the database, for statements
// that read no Kafka source. The DB keeps ownership.
func (d *DB) SQL() *sql.DB { return d.db }

// Close closes the database (with a file, everything committed is on
// disk) and removes its temporary directory.
func (d *DB) Close() error {
	err := d.db.Close()
	err = errors.Join(err, d.connector.Close())
	if rerr := os.RemoveAll(d.tempDir); rerr != nil {
		err = errors.Join(err, fmt.Errorf("duckdb: remove temporary directory: %w", rerr))
	}
	return err
}

// Source is an Arrow stream a statement reads as a view: a running scan,
// typically. The statement names it by Name (quote it with
// lang.QuoteIdent when rendering the SQL).
type Source struct {
	// Name is the view's name; unique within one statement.
	Name string
	// Reader is the stream. The DB takes ownership: it is Released when
	// the statement has read it, or on error.
	Reader array.RecordReader
}

// ViewName returns a fresh view name for a source, unique within this DB.
func (d *DB) ViewName() string { return fmt.Sprintf("kq_scan_%d", d.views.Add(1)) }

// session is one statement's connection with its sources registered.
type session struct {
	db      *DB
	conn    *sql.Conn
	dc      *duckdb.Conn // conn's driver connection
	arrow   *duckdb.Arrow
	srcs    []Source // our references, released by dropViews
	release []func()
	names   []string
	srcErr  error // the first source error, once dropViews has run
	watched []*watched
}

// watched is a source as DuckDB reads it: it records the error that ended
// the stream, when one did, for the goroutine that runs the statement
// (DuckDB calls Next on its own threads).
type watched struct {
	array.RecordReader
	err atomic.Pointer[error]
}

// Next implements array.RecordReader.
func (w *watched) Next() bool {
	if w.RecordReader.Next() {
		return true
	}
	if err := w.RecordReader.Err(); err != nil {
		w.err.Store(&err)
	}
	return false
}

// open takes a connection from the pool and registers srcs as views on it.
// On error every source is released.
func (d *DB) open(ctx context.Context, srcs []Source) (*session, error) {
	// The session owns the caller's reference of every source from here
	// on; RegisterView's export holds one more until its release.
	s := &session{db: d, srcs: srcs}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		s.close()
		return nil, fmt.Errorf("duckdb: connection: %w", err)
	}
	s.conn = conn
	if err := conn.Raw(func(dc any) error {
		var err error
		s.dc, _ = dc.(*duckdb.Conn)
		s.arrow, err = duckdb.NewArrowFromConn(dc.(driver.Conn))
		return err
	}); err != nil {
		s.close()
		return nil, fmt.Errorf("duckdb: arrow interface: %w", err)
	}
	for _, src := range srcs {
		w := &watched{RecordReader: src.Reader}
		s.watched = append(s.watched, w)
		rel, err := s.arrow.RegisterView(w, src.Name)
		if err != nil {
			s.close()
			return nil, fmt.Errorf("duckdb: register source %s: %w", src.Name, err)
		}
		s.release = append(s.release, rel)
		s.names = append(s.names, src.Name)
	}
	return s, nil
}

// dropViews drops the views, releases DuckDB's end of every stream (which
// stops a scan DuckDB did not read to its end) and then our own, keeping
// the first source error.
func (s *session) dropViews() {
	if s.conn != nil {
		for _, n := range s.names {
			// The view refers to a stream that is about to be released; it
			// must not outlive it on this pooled connection.
			_, _ = s.conn.ExecContext(context.Background(), "DROP VIEW IF EXISTS "+lang.QuoteName(n))
		}
	}
	s.names = nil
	for _, rel := range s.release {
		rel()
	}
	s.release = nil
	for _, w := range s.watched {
		// Only an error that ended the stream while DuckDB read it counts:
		// a stream stopped by the releases here ends with context.Canceled.
		if err := w.err.Load(); err != nil && s.srcErr == nil {
			s.srcErr = *err
		}
	}
	for _, src := range s.srcs {
		src.Reader.Release()
	}
	s.srcs = nil
}

// fail turns DuckDB's error into the one the caller should see: the
// source's own error (a *DataLossError, say) or the context's when either
// caused it.
func (s *session) fail(ctx context.Context, err error) error {
	s.dropViews()
	if s.srcErr != nil {
		return s.srcErr
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return sqlError(s.db.outOfMemory(err))
}

func (s *session) close() {
	s.dropViews()
	if s.conn != nil {
		_ = s.conn.Close()
		s.conn = nil
	}
}

// Query runs query, which may read srcs as views, with args bound to its
// parameters, and returns its rows, streamed: DuckDB runs the query as
// the reader asks for batches, so the first batch arrives as soon as
// DuckDB has produced it and DuckDB holds no more of the result than its
// streaming buffer (a sort or an aggregate still holds its state, within
// the memory limit, spilling beyond it). The sources are read while the
// result is. The caller must Release the reader; releasing it before its
// end, or cancelling ctx, stops DuckDB and releases the sources (which
// stops a scan). When the result ends its sources have been released,
// and Err holds a source's own error when one ended it. The batches are
// allocated by DuckDB, not by an allocator of ours.
//
// Should duckdb-go's internals not be those this package reads (see
// handles.go), Query falls back to duckdb-go's Arrow reader, which
// materializes the result first.
func (d *DB) Query(ctx context.Context, query string, srcs []Source, args ...any) (array.RecordReader, error) {
	s, err := d.open(ctx, srcs)
	if err != nil {
		return nil, err
	}
	r, ok, err := s.stream(ctx, query, args)
	if err != nil {
		err = s.fail(ctx, err)
		s.close()
		return nil, err
	}
	if ok {
		return r, nil
	}
	return s.materialized(ctx, query, args)
}

// materialized runs query through duckdb-go's Arrow reader, which
// materializes the result before returning: the sources are read (or
// stopped) when it returns.
func (s *session) materialized(ctx context.Context, query string, args []any) (array.RecordReader, error) {
	rr, err := s.arrow.QueryContext(ctx, query, args...)
	if err != nil {
		err = s.fail(ctx, err)
		s.close()
		return nil, err
	}
	// The result is materialized: the streams are no longer needed, and
	// releasing them now gives the scan's workers back.
	s.dropViews()
	if s.srcErr != nil {
		rr.Release()
		s.close()
		return nil, s.srcErr
	}
	r := &result{rr: rr, s: s}
	r.refs.Store(1)
	return r, nil
}

// Exec runs stmt (CREATE TABLE AS, INSERT INTO, COPY ...), which may read
// srcs as views, in one transaction: when it fails — a source's error,
// cancellation — nothing it wrote is committed. It returns the number of
// rows DuckDB reports as changed. args are the values of stmt's
// parameters, as for Query.
func (d *DB) Exec(ctx context.Context, stmt string, srcs []Source, args ...any) (int64, error) {
	s, err := d.open(ctx, srcs)
	if err != nil {
		return 0, err
	}
	defer s.close()
	if _, err := s.conn.ExecContext(ctx, "BEGIN TRANSACTION"); err != nil {
		// A cancellation can fail BEGIN after DuckDB ran it: the pooled
		// connection would stay in the transaction and refuse the next
		// BEGIN (TestFailedInsertLeavesTableUnchanged, under load).
		_, _ = s.conn.ExecContext(context.Background(), "ROLLBACK")
		return 0, s.fail(ctx, err)
	}
	n, err := count(ctx, s.conn, stmt, args)
	if err == nil {
		s.dropViews()
		if err = s.srcErr; err == nil {
			err = ctx.Err()
		}
	}
	if err != nil {
		_, _ = s.conn.ExecContext(context.Background(), "ROLLBACK")
		return 0, s.fail(ctx, err)
	}
	if _, err := s.conn.ExecContext(ctx, "COMMIT"); err != nil {
		_, _ = s.conn.ExecContext(context.Background(), "ROLLBACK")
		return 0, s.fail(ctx, err)
	}
	return n, nil
}

// count runs stmt and returns the row count DuckDB reports for it (its
// one-row "Count" result; database/sql's RowsAffected is 0 for CREATE
// TABLE AS and COPY), or 0 for statements without one.
func count(ctx context.Context, conn *sql.Conn, stmt string, args []any) (int64, error) {
	rows, err := conn.QueryContext(ctx, stmt, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int64
	if cols, _ := rows.Columns(); len(cols) == 1 && cols[0] == "Count" && rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return 0, err
		}
	}
	for rows.Next() {
	}
	return n, rows.Err()
}

// result is duckdb-go's materialized record reader plus the connection it
// holds.
type result struct {
	rr   array.RecordReader
	s    *session
	refs atomic.Int64
}

func (r *result) Schema() *arrow.Schema          { return r.rr.Schema() }
func (r *result) Next() bool                     { return r.rr.Next() }
func (r *result) RecordBatch() arrow.RecordBatch { return r.rr.RecordBatch() }
func (r *result) Record() arrow.RecordBatch      { return r.rr.RecordBatch() }
func (r *result) Err() error                     { return r.rr.Err() }
func (r *result) Retain()                        { r.refs.Add(1) }

// Release releases DuckDB's result and gives the connection back to the
// pool once the last reference is gone.
func (r *result) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.rr.Release()
	r.s.close()
}
