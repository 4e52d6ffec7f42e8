package output

import (
	"fmt"
	"io"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/parquet"
)

// Write streams every batch of rr to w in format f and returns the number
// of rows written. It does not release rr. Every format streams; the
// table format holds at most TableBlockRows rows at a time, Parquet a few
// row groups (internal/parquet). Write is not atomic: to write a file
// whole or not at all, give it an atomicfile.File.
func Write(w io.Writer, f Format, rr array.RecordReader, opts ...Option) (int64, error) {
	var cfg writeConfig
	for _, o := range opts {
		o(&cfg)
	}
	switch f {
	case Table:
		return writeTable(w, rr, cfg.maxRows)
	case CSV:
		return writeCSV(w, rr)
	case JSON:
		return writeJSON(w, rr, false)
	case NDJSON:
		return writeJSON(w, rr, true)
	case Arrow:
		return writeArrow(w, rr)
	case Parquet:
		return writeParquet(w, rr)
	}
	return 0, fmt.Errorf("unknown format %q", f)
}

// Option configures Write.
type Option func(*writeConfig)

type writeConfig struct {
	maxRows int
}

// WithMaxRows makes the table format show at most n rows, as DuckDB's
// CLI does: when the result has more, the first (n+1)/2 and the last n/2
// with a row of dots between them, and a line counting the rows under the
// table. The rows shown are held (at most n) and written when the result
// ends, as one table; the rows left out are read and counted, never held.
// 0, the default, shows every row, block by block as they come. The other
// formats write every row.
func WithMaxRows(n int) Option {
	return func(c *writeConfig) { c.maxRows = max(n, 0) }
}

func header(rr array.RecordReader) []string {
	fields := rr.Schema().Fields()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

// writeBufferSize is the size of the writers' buffer.
const writeBufferSize = 64 << 10

func writeArrow(w io.Writer, rr array.RecordReader) (int64, error) {
	iw := ipc.NewWriter(w, ipc.WithSchema(rr.Schema()), ipc.WithAllocator(memory.DefaultAllocator))
	var rows int64
	for rr.Next() {
		rec := rr.RecordBatch()
		if err := iw.Write(rec); err != nil {
			return rows, err
		}
		rows += rec.NumRows()
	}
	if err := rr.Err(); err != nil {
		iw.Close()
		return rows, err
	}
	return rows, iw.Close()
}

// writeParquet writes rr as one Parquet file with kq's writer (zstd, row
// groups encoded in parallel) as a stream on w.
func writeParquet(w io.Writer, rr array.RecordReader) (int64, error) {
	pw, err := parquet.NewWriter(w, rr.Schema())
	if err != nil {
		return 0, err
	}
	for rr.Next() {
		if err := pw.Write(rr.RecordBatch()); err != nil {
			pw.Abort()
			return pw.Rows(), err
		}
	}
	if err := rr.Err(); err != nil {
		pw.Abort()
		return pw.Rows(), err
	}
	return pw.Rows(), pw.Commit()
}
