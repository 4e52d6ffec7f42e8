//go:build duckdb_arrow

package duck

import (
	"context"
	"database/sql/driver"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	bindings "github.com/duckdb/duckdb-go-bindings"
	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/arrowmapping"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// interruptEvery is how often a cancelled statement interrupts DuckDB
// until the call in flight returns: DuckDB clears an interrupt when it
// starts a new task, so duckdb-go repeats it too.
const interruptEvery = 50 * time.Millisecond

// streamed is a query's result read from DuckDB chunk by chunk as its
// execution produces them (a DuckDB streaming result): the first batch is
// there as soon as DuckDB has one, and DuckDB holds no more of the result
// than its streaming buffer (about 1 MB). Its batches are converted by
// DuckDB's Arrow export and owned by the reader (see RecordBatch).
//
// When the result ends — read to its end, failed, or released — the
// DuckDB result, the statement and the session (views, sources,
// connection) are closed at once, so a source's statistics are final by
// the time Next returns false.
type streamed struct {
	s      *session
	schema *arrow.Schema
	cancel context.CancelFunc // interrupts DuckDB
	stopIn func()             // stops the interrupter

	mu     sync.Mutex // serializes Next and the end of the result
	stmt   *duckdb.Stmt
	res    mapping.Result
	hasRes bool
	opts   arrowmapping.ArrowOptions
	cur    arrow.RecordBatch
	ended  bool

	errMu sync.Mutex
	err   error

	// ctxErr is the statement's context's Err: a cancellation ends the
	// result with it rather than DuckDB's "Interrupted".
	ctxErr func() error

	refs atomic.Int64
}

// stream runs query on the session's connection as a DuckDB streaming
// result, with args bound to its parameters. ok is false when duckdb-go's
// internals are not those handles expects; nothing has run then.
func (s *session) stream(ctx context.Context, query string, args []any) (r *streamed, ok bool, err error) {
	conn, err := connHandle(s.dc)
	if err != nil {
		return nil, false, nil
	}
	ds, err := s.dc.PrepareContext(ctx, query)
	if err != nil {
		return nil, true, err
	}
	stmt := ds.(*duckdb.Stmt)
	ps, err := stmtHandle(stmt)
	if err != nil {
		_ = stmt.Close()
		return nil, false, nil
	}
	if len(args) > 0 {
		named := make([]driver.NamedValue, len(args))
		for i, a := range args {
			named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
		}
		if err := stmt.BindWithCtx(ctx, named); err != nil {
			_ = stmt.Close()
			return nil, true, err
		}
	}
	var pending mapping.PendingResult
	if bindings.PendingPreparedStreaming(ps, &pending) == mapping.StateError {
		msg := mapping.PendingError(pending)
		mapping.DestroyPending(&pending)
		_ = stmt.Close()
		return nil, true, duckError(msg, duckdb.ErrorTypeInvalid)
	}
	ictx, cancel := context.WithCancel(ctx)
	r = &streamed{s: s, stmt: stmt, cancel: cancel, stopIn: interrupter(ictx, conn), ctxErr: ctx.Err}
	r.refs.Store(1)
	// Executing a streaming result runs what must finish before the first
	// row (a sort's input, a hash join's build side); the rest runs as
	// chunks are fetched.
	state := mapping.ExecutePending(pending, &r.res)
	mapping.DestroyPending(&pending)
	r.hasRes = true
	if state == mapping.StateError {
		err := r.resultError()
		r.closeResult()
		return nil, true, err
	}
	if r.schema, err = r.arrowSchema(); err != nil {
		r.closeResult()
		return nil, true, err
	}
	return r, true, nil
}

// interrupter interrupts conn every interruptEvery once ctx is done, until
// the returned function is called; that function returns when the
// interrupter has stopped, so the connection can go back to the pool.
func interrupter(ctx context.Context, conn mapping.Connection) func() {
	stop, exited := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(exited)
		select {
		case <-stop:
			return
		case <-ctx.Done():
		}
		t := time.NewTicker(interruptEvery)
		defer t.Stop()
		for {
			mapping.Interrupt(conn)
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return sync.OnceFunc(func() {
		close(stop)
		<-exited
	})
}

// arrowSchema is the result's schema as DuckDB's Arrow export gives it.
func (r *streamed) arrowSchema() (*arrow.Schema, error) {
	r.opts = arrowmapping.ResultGetArrowOptions(&r.res)
	n := mapping.ColumnCount(&r.res)
	names := make([]string, n)
	types := make([]mapping.LogicalType, n)
	for i := range n {
		names[i] = mapping.ColumnName(&r.res, i)
		types[i] = mapping.ColumnLogicalType(&r.res, i)
	}
	defer func() {
		for i := range types {
			mapping.DestroyLogicalType(&types[i])
		}
	}()
	schema, ed := arrowmapping.NewArrowSchema(r.opts, types, names)
	if err := errorData(ed); err != nil {
		return nil, fmt.Errorf("arrow schema of the result: %w", err)
	}
	return schema, nil
}

// resultError is the error of the DuckDB result.
func (r *streamed) resultError() error {
	return duckError(mapping.ResultError(&r.res), duckdb.ErrorType(mapping.ResultErrorType(&r.res)))
}

// duckError is duckdb-go's error for a DuckDB message.
func duckError(msg string, t duckdb.ErrorType) error {
	if msg == "" {
		msg = "unknown error"
	}
	return &duckdb.Error{Type: t, Msg: msg}
}

// errorData turns DuckDB's error data into an error (nil when it holds
// none) and destroys it.
func errorData(ed mapping.ErrorData) error {
	defer mapping.DestroyErrorData(&ed)
	if !mapping.ErrorDataHasError(ed) {
		return nil
	}
	return &duckdb.Error{Type: duckdb.ErrorType(mapping.ErrorDataErrorType(ed)), Msg: mapping.ErrorDataMessage(ed)}
}

// Schema implements array.RecordReader.
func (r *streamed) Schema() *arrow.Schema { return r.schema }

// Next implements array.RecordReader: it fetches DuckDB's next chunk,
// running the query as far as that needs. The previous batch is released.
func (r *streamed) Next() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if r.ended {
		return false
	}
	for {
		chunk := mapping.FetchChunk(r.res)
		if chunk.Ptr == nil {
			var err error
			if msg := mapping.ResultError(&r.res); msg != "" {
				err = r.resultError()
			}
			r.finish(err)
			return false
		}
		if mapping.DataChunkGetSize(chunk) == 0 {
			mapping.DestroyDataChunk(&chunk)
			continue
		}
		rec, ed := arrowmapping.DataChunkToArrowArray(r.opts, r.schema, chunk)
		mapping.DestroyDataChunk(&chunk)
		if err := errorData(ed); err != nil {
			r.finish(fmt.Errorf("arrow batch of the result: %w", err))
			return false
		}
		r.cur = rec
		return true
	}
}

// finish ends the result with err (nil at its end): everything DuckDB and
// the session hold is closed, and a source's error (a *DataLossError,
// say) or the context's replaces DuckDB's report of it. r.mu is held.
func (r *streamed) finish(err error) {
	if r.ended {
		return
	}
	r.end()
	switch {
	case r.s.srcErr != nil:
		err = r.s.srcErr
	case err == nil:
	case r.ctxErr() != nil:
		err = r.ctxErr()
	default:
		err = sqlError(r.s.db.outOfMemory(err))
	}
	r.errMu.Lock()
	r.err = err
	r.errMu.Unlock()
}

// end closes the DuckDB result, its statement and the session (views,
// sources, connection).
func (r *streamed) end() {
	r.ended = true
	r.closeResult()
	r.s.close()
}

// closeResult closes the DuckDB result and its statement. The interrupter
// is stopped first: it must not interrupt the connection once another
// statement may use it.
func (r *streamed) closeResult() {
	r.stopIn()
	r.cancel()
	if r.hasRes {
		mapping.DestroyResult(&r.res)
		r.hasRes = false
	}
	if r.opts.Ptr != nil {
		arrowmapping.DestroyArrowOptions(&r.opts)
	}
	if r.stmt != nil {
		_ = r.stmt.Close()
		r.stmt = nil
	}
}

// RecordBatch implements array.RecordReader. The batch is valid until
// the next call to Next; Retain it to keep it longer.
func (r *streamed) RecordBatch() arrow.RecordBatch { return r.cur }

// Record implements array.RecordReader.
//
// Deprecated: use RecordBatch.
func (r *streamed) Record() arrow.RecordBatch { return r.cur }

// Err returns the error that ended the result early; safe from any
// goroutine.
func (r *streamed) Err() error {
	r.errMu.Lock()
	defer r.errMu.Unlock()
	return r.err
}

// Retain implements array.RecordReader.
func (r *streamed) Retain() { r.refs.Add(1) }

// Release implements array.RecordReader. The last Release interrupts
// DuckDB when it still runs (a Next in flight on another goroutine
// returns), closes the result and stops its sources.
func (r *streamed) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.cancel()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	if !r.ended {
		r.end()
	}
}
