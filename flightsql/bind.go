package flightsql

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/flight"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/lang"
)

// This file is the one place where parameters meet the Engine: query and
// exec pass bound values, bindParameters turns the Arrow batch a client
// binds into them.

// query runs a query with args bound to its placeholders (? or $n) as
// values, never spliced into the SQL: the Engine binds them.
func (s *Server) query(ctx context.Context, sql string, args []any) (*kq.Rows, error) {
	return s.eng.Query(ctx, sql, args...)
}

// exec runs a writing statement with args bound to its placeholders.
func (s *Server) exec(ctx context.Context, sql string, args []any) (*kq.Result, error) {
	return s.eng.Exec(ctx, sql, args...)
}

// shape tells what a statement is without running it: whether it writes
// (COPY, CREATE TABLE AS, INSERT: no result set) and how many parameter
// values it takes. A statement that does not parse is a query with none
// (running it reports the error with its position).
func shape(sql string) (writes bool, params int) {
	stmt, err := lang.Parse(sql)
	if err != nil {
		return false, 0
	}
	switch stmt.(type) {
	case *lang.Copy, *lang.CreateTable, *lang.Insert:
		writes = true
	}
	return writes, lang.NumParams(stmt)
}

// bindParameters reads the parameter batches a client sends with
// DoPut and returns the values of their one row, in column order, as Go
// values (int64, uint64, float64, string, []byte, bool, time.Time, nil;
// other types as arrow-go's GetOneForMarshal gives them). No rows: nil.
// Several rows (a batch of executions) are refused with InvalidArgument.
func bindParameters(rdr flight.MessageReader) ([]any, error) {
	var args []any
	rows := int64(0)
	for rdr.Next() {
		rec := rdr.RecordBatch()
		for i := int64(0); i < rec.NumRows(); i++ {
			if rows++; rows > 1 {
				return nil, status.Error(codes.InvalidArgument, "kq serve: bind one row of parameters per execution")
			}
			args = make([]any, rec.NumCols())
			for c := range args {
				args[c] = value(rec.Column(c), int(i))
			}
		}
	}
	if err := rdr.Err(); err != nil {
		return nil, status.Errorf(codes.InvalidArgument, "kq serve: reading parameters: %v", err)
	}
	return args, nil
}

// value is the Go value of a[i].
func value(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Int8:
		return int64(a.Value(i))
	case *array.Int16:
		return int64(a.Value(i))
	case *array.Int32:
		return int64(a.Value(i))
	case *array.Int64:
		return a.Value(i)
	case *array.Uint8:
		return uint64(a.Value(i))
	case *array.Uint16:
		return uint64(a.Value(i))
	case *array.Uint32:
		return uint64(a.Value(i))
	case *array.Uint64:
		return a.Value(i)
	case *array.Float32:
		return float64(a.Value(i))
	case *array.Float64:
		return a.Value(i)
	case *array.String:
		return a.Value(i)
	case *array.LargeString:
		return a.Value(i)
	case *array.Binary:
		return append([]byte(nil), a.Value(i)...)
	case *array.Boolean:
		return a.Value(i)
	case *array.Timestamp:
		unit := a.DataType().(*arrow.TimestampType).Unit
		return a.Value(i).ToTime(unit).UTC()
	case *array.Date32:
		return a.Value(i).ToTime().UTC()
	case *array.DenseUnion:
		return value(a.Field(a.ChildID(i)), int(a.ValueOffset(i)))
	case *array.SparseUnion:
		return value(a.Field(a.ChildID(i)), i)
	}
	return a.GetOneForMarshal(i)
}
