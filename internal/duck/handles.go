//go:build duckdb_arrow

package duck

import (
	"errors"
	"reflect"
	"sync"
	"unsafe"

	duckdb "github.com/duckdb/duckdb-go/v2"
	"github.com/duckdb/duckdb-go/v2/mapping"
)

// duckdb-go v2.10503.1 runs every query, its Arrow QueryContext included,
// through duckdb_pending_prepared, which materializes the whole result
// before the first chunk is returned (229 MB for a filter over 3M records,
// 764 MB for an ORDER BY, growing with the topic). DuckDB's streaming
// execution (duckdb_pending_prepared_streaming, in duckdb-go's bindings)
// needs the C handles of the connection and of the prepared statement,
// which duckdb-go keeps in unexported fields. Upstream, streaming Arrow
// results were proposed in marcboeker/go-duckdb PR #317 and never merged.
//
// handles reads those two fields at offsets reflection reports, after
// checking each field's name and type, so a duckdb-go whose layout differs
// makes handleLayout fail (and Query fall back to duckdb-go's materialized
// reader) instead of reading the wrong memory. TestQueryStreams and
// TestHandleLayout fail when that happens.

// handleOffsets are where the handles sit inside duckdb-go's structs.
type handleOffsets struct {
	conn, stmt uintptr
}

// handleLayout checks duckdb-go's Conn and Stmt once.
var handleLayout = sync.OnceValues(func() (handleOffsets, error) {
	conn, ok := reflect.TypeFor[duckdb.Conn]().FieldByName("conn")
	if !ok || len(conn.Index) != 1 || conn.Type != reflect.TypeFor[mapping.Connection]() {
		return handleOffsets{}, errors.New("duckdb-go's Conn has no field conn of type mapping.Connection")
	}
	stmt, ok := reflect.TypeFor[duckdb.Stmt]().FieldByName("preparedStmt")
	if !ok || len(stmt.Index) != 1 || stmt.Type != reflect.TypeFor[*mapping.PreparedStatement]() {
		return handleOffsets{}, errors.New("duckdb-go's Stmt has no field preparedStmt of type *mapping.PreparedStatement")
	}
	return handleOffsets{conn: conn.Offset, stmt: stmt.Offset}, nil
})

// connHandle returns c's DuckDB connection. c must stay open while the
// handle is used.
func connHandle(c *duckdb.Conn) (mapping.Connection, error) {
	off, err := handleLayout()
	if err != nil {
		return mapping.Connection{}, err
	}
	return *(*mapping.Connection)(unsafe.Add(unsafe.Pointer(c), off.conn)), nil
}

// stmtHandle returns s's DuckDB prepared statement. s must stay open while
// the handle is used.
func stmtHandle(s *duckdb.Stmt) (mapping.PreparedStatement, error) {
	off, err := handleLayout()
	if err != nil {
		return mapping.PreparedStatement{}, err
	}
	p := *(**mapping.PreparedStatement)(unsafe.Add(unsafe.Pointer(s), off.stmt))
	if p == nil || p.Ptr == nil {
		return mapping.PreparedStatement{}, errors.New("duckdb-go's statement is not prepared")
	}
	return *p, nil
}
