package driver

import (
	sqldriver "database/sql/driver"
	"io"
	"reflect"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq"
)

// rows streams a kq.Rows: one Arrow batch at a time, each value converted
// (and copied out of the batch) as database/sql asks for its row.
type rows struct {
	r      *kq.Rows
	fields []arrow.Field
	names  []string
	rec    arrow.RecordBatch // the current batch, owned by r
	i      int               // the next row of rec
	done   bool
}

func newRows(r *kq.Rows) *rows {
	fields := r.Schema().Fields()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return &rows{r: r, fields: fields, names: names}
}

func (r *rows) Columns() []string { return r.names }

// Close releases the result, which stops the scans if they still run.
func (r *rows) Close() error {
	if !r.done {
		r.done = true
		r.rec = nil
		r.r.Release()
	}
	return nil
}

// Next fills dest with the next row, reading the next batch when the
// current one is used up. A scan's error (data loss, cancellation) ends
// the rows with that error.
func (r *rows) Next(dest []sqldriver.Value) error {
	for {
		if r.done {
			return io.EOF
		}
		if r.rec != nil && int64(r.i) < r.rec.NumRows() {
			for c := range dest {
				dest[c] = value(r.rec.Column(c), r.i)
			}
			r.i++
			return nil
		}
		if !r.r.Next() {
			r.rec = nil
			if err := r.r.Err(); err != nil {
				return err
			}
			return io.EOF
		}
		r.rec, r.i = r.r.RecordBatch(), 0
	}
}

// ColumnTypeScanType is the Go type of the column's values (see value).
func (r *rows) ColumnTypeScanType(i int) reflect.Type { return scanType(r.fields[i].Type) }

// ColumnTypeDatabaseTypeName is the column's type as DuckDB names it:
// BIGINT, VARCHAR, BLOB, TIMESTAMP, DECIMAL(18,2), STRUCT(...)[], ...
func (r *rows) ColumnTypeDatabaseTypeName(i int) string { return typeName(r.fields[i].Type) }

// ColumnTypeNullable reports whether the column may hold NULL.
func (r *rows) ColumnTypeNullable(i int) (nullable, ok bool) { return r.fields[i].Nullable, true }

// ColumnTypePrecisionScale gives a DECIMAL column's precision and scale.
func (r *rows) ColumnTypePrecisionScale(i int) (precision, scale int64, ok bool) {
	if d, isDec := r.fields[i].Type.(arrow.DecimalType); isDec {
		return int64(d.GetPrecision()), int64(d.GetScale()), true
	}
	return 0, 0, false
}

var (
	_ sqldriver.Rows                           = (*rows)(nil)
	_ sqldriver.RowsColumnTypeScanType         = (*rows)(nil)
	_ sqldriver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ sqldriver.RowsColumnTypeNullable         = (*rows)(nil)
	_ sqldriver.RowsColumnTypePrecisionScale   = (*rows)(nil)
)
