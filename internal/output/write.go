package output

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
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
func Write(w io.Writer, f Format, rr array.RecordReader) (int64, error) {
	switch f {
	case Table:
		return writeTable(w, rr)
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

func header(rr array.RecordReader) []string {
	fields := rr.Schema().Fields()
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.Name
	}
	return names
}

func writeCSV(w io.Writer, rr array.RecordReader) (int64, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(header(rr)); err != nil {
		return 0, err
	}
	var rows int64
	for rr.Next() {
		rec := rr.RecordBatch()
		row := make([]string, rec.NumCols())
		for i := 0; i < int(rec.NumRows()); i++ {
			for c := range row {
				row[c], _ = Text(rec.Column(c), i)
			}
			if err := cw.Write(row); err != nil {
				return rows, err
			}
			rows++
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return rows, err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return rows, err
	}
	return rows, rr.Err()
}

// writeJSON writes one array of objects, or one object per line (ndjson).
// Keys keep the column order.
func writeJSON(w io.Writer, rr array.RecordReader, lines bool) (int64, error) {
	bw := bufio.NewWriter(w)
	names := header(rr)
	keys := make([][]byte, len(names))
	for i, n := range names {
		keys[i], _ = json.Marshal(n)
	}
	var rows int64
	if !lines {
		bw.WriteString("[")
	}
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := 0; i < int(rec.NumRows()); i++ {
			if !lines && rows > 0 {
				bw.WriteString(",")
			}
			if !lines {
				bw.WriteString("\n  ")
			}
			bw.WriteByte('{')
			for c := range names {
				if c > 0 {
					bw.WriteByte(',')
				}
				bw.Write(keys[c])
				bw.WriteByte(':')
				v, err := json.Marshal(jsonValue(rec.Column(c), i))
				if err != nil {
					return rows, fmt.Errorf("column %s: %w", names[c], err)
				}
				bw.Write(v)
			}
			bw.WriteByte('}')
			if lines {
				bw.WriteByte('\n')
			}
			rows++
		}
	}
	if err := rr.Err(); err != nil {
		return rows, err
	}
	if !lines {
		if rows > 0 {
			bw.WriteString("\n")
		}
		bw.WriteString("]\n")
	}
	return rows, bw.Flush()
}

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
