package kq

import (
	"io"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq/lang"
	"github.com/kq-sql/kq/sink"
)

// Format is a result format: "table", "csv", "json", "ndjson" or "arrow".
type Format = sink.Format

// ParseFormat returns the result format named s (case-insensitive).
func ParseFormat(s string) (Format, error) { return sink.ParseFormat(s) }

// FormatForPath picks a result format from a file name's extension.
func FormatForPath(path string) (Format, bool) { return sink.FormatForPath(path) }

// WriteResult streams every batch of rr to w in format f and returns the
// number of rows written. It does not release rr.
func WriteResult(w io.Writer, f Format, rr array.RecordReader) (int64, error) {
	return sink.Write(w, f, rr)
}

// Caret renders the query line an error points at with a caret under its
// column, or "" when err carries no position (see lang.Caret).
func Caret(query string, err error) string { return lang.Caret(query, err) }
