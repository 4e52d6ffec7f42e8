//go:build duckdb_arrow

package duck

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"

	"github.com/kq-sql/kq/internal/decode"
)

// TextFunction is the scalar function every DB registers for
// lang.RenderOptions.Text: kq_text(BLOB) VARCHAR, the bytes as UTF-8
// text with each invalid sequence replaced by U+FFFD (decode.AppendText).
// DuckDB 1.5 has no such conversion: decode(blob) fails on invalid UTF-8,
// and decode(blob, 'replace') writes '?' and drops the valid byte after a
// truncated sequence ('\xE2\x82z' gives '???'). Rendered casts call it only
// for values decode rejects: it runs row by row in Go, about 3 µs a value.
const TextFunction = "kq_text"

// registerText registers TextFunction in d's catalog of functions, which
// every connection of the database sees.
func registerText(ctx context.Context, db *sql.DB) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := duckdb.RegisterScalarUDF(conn, TextFunction, textFunc{}); err != nil {
		return fmt.Errorf("register %s: %w", TextFunction, err)
	}
	return nil
}

// textFunc is TextFunction.
type textFunc struct{}

func (textFunc) Config() duckdb.ScalarFuncConfig {
	blob, _ := duckdb.NewTypeInfo(duckdb.TYPE_BLOB)
	varchar, _ := duckdb.NewTypeInfo(duckdb.TYPE_VARCHAR)
	return duckdb.ScalarFuncConfig{InputTypeInfos: []duckdb.TypeInfo{blob}, ResultTypeInfo: varchar}
}

func (textFunc) Executor() duckdb.ScalarFuncExecutor {
	return duckdb.ScalarFuncExecutor{RowExecutor: func(args []driver.Value) (any, error) {
		b, ok := args[0].([]byte)
		if !ok {
			return nil, fmt.Errorf("%s: argument of type %T, want BLOB", TextFunction, args[0])
		}
		return string(decode.AppendText(nil, b)), nil
	}}
}
