package output

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
	"unicode"
	"unicode/utf8"

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

// writeCSV writes a header row and a row per result row, as encoding/csv
// writes records (comma-separated, a field quoted when it holds a comma,
// a quote, CR or LF, starts with a space, or is \.; "\n" line ends);
// NULL is an empty field.
func writeCSV(w io.Writer, rr array.RecordReader) (int64, error) {
	bw := bufio.NewWriterSize(w, writeBufferSize)
	var line, cell []byte
	for c, name := range header(rr) {
		if c > 0 {
			line = append(line, ',')
		}
		line = appendCSVField(line, []byte(name))
	}
	line = append(line, '\n')
	if _, err := bw.Write(line); err != nil {
		return 0, err
	}
	var rows int64
	var cols []textFunc
	for rr.Next() {
		rec := rr.RecordBatch()
		cols = cols[:0]
		for _, a := range rec.Columns() {
			cols = append(cols, textOf(a))
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			line = line[:0]
			for c, text := range cols {
				if c > 0 {
					line = append(line, ',')
				}
				// The field goes straight into the line; the few that
				// need quotes are copied out and back in quoted.
				start := len(line)
				line, _ = text(line, i)
				if csvNeedsQuotes(line[start:]) {
					cell = append(cell[:0], line[start:]...)
					line = appendCSVQuoted(line[:start], cell)
				}
			}
			line = append(line, '\n')
			if _, err := bw.Write(line); err != nil {
				return rows, err
			}
			rows++
		}
		// Each batch is on its way before the next is waited for.
		if err := bw.Flush(); err != nil {
			return rows, err
		}
	}
	if err := bw.Flush(); err != nil {
		return rows, err
	}
	return rows, rr.Err()
}

// appendCSVField appends field, quoted when encoding/csv would quote it.
func appendCSVField(dst, field []byte) []byte {
	if !csvNeedsQuotes(field) {
		return append(dst, field...)
	}
	return appendCSVQuoted(dst, field)
}

// appendCSVQuoted appends field in quotes, its quotes doubled.
func appendCSVQuoted(dst, field []byte) []byte {
	quotes := bytes.Count(field, []byte{'"'})
	dst = slices.Grow(dst, len(field)+quotes+2)
	n := len(dst)
	dst = dst[:n+len(field)+quotes+2]
	dst[n] = '"'
	n++
	for _, c := range field {
		dst[n] = c
		n++
		if c == '"' {
			dst[n] = '"'
			n++
		}
	}
	dst[n] = '"'
	return dst
}

// csvSpecial marks the bytes that make a field need quotes.
var csvSpecial = [256]bool{'\n': true, '\r': true, '"': true, ',': true}

// csvNeedsQuotes is encoding/csv's rule for a comma-separated field.
func csvNeedsQuotes(field []byte) bool {
	if len(field) == 0 {
		return false
	}
	if len(field) == 2 && field[0] == '\\' && field[1] == '.' {
		return true
	}
	for _, c := range field {
		if csvSpecial[c] {
			return true
		}
	}
	if field[0] < utf8.RuneSelf {
		return field[0] == ' ' || field[0] == '\t' || field[0] == '\v' || field[0] == '\f'
	}
	r, _ := utf8.DecodeRune(field)
	return unicode.IsSpace(r)
}

// writeJSON writes one array of objects, or one object per line (ndjson).
// Keys keep the column order.
func writeJSON(w io.Writer, rr array.RecordReader, lines bool) (int64, error) {
	bw := bufio.NewWriterSize(w, writeBufferSize)
	names := header(rr)
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
		bw.WriteString("[")
	}
	var line []byte
	var cols []jsonFunc
	for rr.Next() {
		rec := rr.RecordBatch()
		cols = cols[:0]
		for _, a := range rec.Columns() {
			cols = append(cols, jsonOf(a))
		}
		for i := 0; i < int(rec.NumRows()); i++ {
			line = line[:0]
			if !lines {
				if rows > 0 {
					line = append(line, ',')
				}
				line = append(line, "\n  "...)
			}
			for c, js := range cols {
				line = append(line, keys[c]...)
				line = js(line, i)
			}
			if len(cols) == 0 {
				line = append(line, '{')
			}
			line = append(line, '}')
			if lines {
				line = append(line, '\n')
			}
			if _, err := bw.Write(line); err != nil {
				return rows, err
			}
			rows++
		}
		if err := bw.Flush(); err != nil {
			return rows, err
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
