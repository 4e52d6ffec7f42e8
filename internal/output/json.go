package output

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow/array"
)

// writeJSON writes one array of objects, or one object per line (ndjson).
// Keys keep the column order. The rows of a batch are rendered by
// jsonOf's appenders straight into a textBuffer and written a chunk at a
// time; what a batch completed is written before the next batch is
// waited for.
func writeJSON(w io.Writer, rr array.RecordReader, lines bool) (int64, error) {
	tb := newTextBuffer(w)
	names := header(rr)
	// keys[c] is what comes before column c's value: "{" or ",", then
	// the key and ":".
	keys := make([][]byte, len(names))
	for i, n := range names {
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		keys[i] = append(appendJSONString([]byte{sep}, n), ':')
	}
	var rows int64
	if !lines {
		tb.buf = append(tb.buf, '[')
	}
	var cols []jsonFunc
	for rr.Next() {
		rec := rr.RecordBatch()
		cols = cols[:0]
		for _, a := range rec.Columns() {
			cols = append(cols, jsonOf(a))
		}
		for i := range int(rec.NumRows()) {
			buf := tb.buf
			if !lines {
				if rows > 0 {
					buf = append(buf, ',')
				}
				buf = append(buf, "\n  "...)
			}
			for c, value := range cols {
				buf = append(buf, keys[c]...)
				buf = value(buf, i)
			}
			if len(cols) == 0 {
				buf = append(buf, '{')
			}
			buf = append(buf, '}')
			if lines {
				buf = append(buf, '\n')
			}
			tb.buf = buf
			rows++
			if err := tb.rowDone(); err != nil {
				return rows, err
			}
		}
		if err := tb.flush(); err != nil {
			return rows, err
		}
	}
	if err := rr.Err(); err != nil {
		return rows, err
	}
	if !lines {
		if rows > 0 {
			tb.buf = append(tb.buf, '\n')
		}
		tb.buf = append(tb.buf, "]\n"...)
	}
	return rows, tb.flush()
}
