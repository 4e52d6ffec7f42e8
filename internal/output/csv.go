package output

import (
	"bytes"
	"io"
	"slices"
	"unicode"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// writeCSV writes a header row and a row per result row, as encoding/csv
// writes records (comma-separated, a field quoted when it holds a comma,
// a quote, CR or LF, starts with a space, or is \.; "\n" line ends);
// NULL is an empty field. The rows of a batch are rendered by csvOf's
// appenders straight into a textBuffer and written a chunk at a time;
// what a batch completed is written before the next batch is waited for.
func writeCSV(w io.Writer, rr array.RecordReader) (int64, error) {
	tb := newTextBuffer(w)
	for c, name := range header(rr) {
		if c > 0 {
			tb.buf = append(tb.buf, ',')
		}
		tb.buf = appendCSVField(tb.buf, []byte(name))
	}
	tb.buf = append(tb.buf, '\n')
	if err := tb.flush(); err != nil {
		return 0, err
	}
	var rows int64
	var cols []textFunc
	for rr.Next() {
		rec := rr.RecordBatch()
		cols = cols[:0]
		for _, a := range rec.Columns() {
			cols = append(cols, csvOf(a))
		}
		for i := range int(rec.NumRows()) {
			buf := tb.buf
			for c, field := range cols {
				if c > 0 {
					buf = append(buf, ',')
				}
				buf, _ = field(buf, i)
			}
			tb.buf = append(buf, '\n')
			rows++
			if err := tb.rowDone(); err != nil {
				return rows, err
			}
		}
		if err := tb.flush(); err != nil {
			return rows, err
		}
	}
	return rows, rr.Err()
}

// csvOf returns the CSV appender of column a: its text (textOf), quoted
// when encoding/csv would quote it; NULL appends nothing. Strings and
// BLOBs are checked as they are copied; the types whose text never needs
// quotes (numbers, booleans, times, intervals) are not checked at all.
func csvOf(a arrow.Array) textFunc {
	switch a := a.(type) {
	case *array.String:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) ([]byte, bool) {
			if nulls && a.IsNull(i) {
				return dst, false
			}
			return appendCSVString(dst, a.Value(i)), true
		}
	case *array.LargeString:
		return csvText(a, func(i int) string { return a.Value(i) })
	case *array.StringView:
		return csvText(a, func(i int) string { return a.Value(i) })
	case *array.Binary:
		nulls := a.NullN() > 0
		return func(dst []byte, i int) ([]byte, bool) {
			if nulls && a.IsNull(i) {
				return dst, false
			}
			return appendCSVBlob(dst, a.Value(i)), true
		}
	case *array.LargeBinary:
		return csvBytes(a, a.Value)
	case *array.BinaryView:
		return csvBytes(a, a.Value)
	case *array.FixedSizeBinary:
		return csvBytes(a, a.Value)
	}
	if plainText(a.DataType()) {
		return textOf(a)
	}
	return quotedCSV(textOf(a))
}

func csvText(a arrow.Array, v func(int) string) textFunc {
	return func(dst []byte, i int) ([]byte, bool) {
		if a.IsNull(i) {
			return dst, false
		}
		return appendCSVString(dst, v(i)), true
	}
}

func csvBytes(a arrow.Array, v func(int) []byte) textFunc {
	return func(dst []byte, i int) ([]byte, bool) {
		if a.IsNull(i) {
			return dst, false
		}
		return appendCSVBlob(dst, v(i)), true
	}
}

// quotedCSV checks the text of a type that may need quotes after it is
// rendered: the field goes straight into dst, and the few that need
// quotes are copied out and back in quoted.
func quotedCSV(text textFunc) textFunc {
	var cell []byte
	return func(dst []byte, i int) ([]byte, bool) {
		start := len(dst)
		dst, ok := text(dst, i)
		if csvNeedsQuotes(dst[start:]) {
			cell = append(cell[:0], dst[start:]...)
			dst = appendCSVQuoted(dst[:start], cell)
		}
		return dst, ok
	}
}

// plainText reports whether the text of every value of type t is
// printable ASCII other than the quote, the backslash and the comma, and
// starts with no space, so that no format needs to quote or escape it:
// numbers (NaN and Infinity included), booleans, decimals, timestamps,
// dates, times and intervals. Durations are not: time.Duration writes µs.
func plainText(t arrow.DataType) bool {
	switch t.ID() {
	case arrow.NULL, arrow.BOOL,
		arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64,
		arrow.FLOAT16, arrow.FLOAT32, arrow.FLOAT64,
		arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256,
		arrow.TIMESTAMP, arrow.DATE32, arrow.DATE64, arrow.TIME32, arrow.TIME64,
		arrow.INTERVAL_MONTHS, arrow.INTERVAL_DAY_TIME, arrow.INTERVAL_MONTH_DAY_NANO:
		return true
	}
	return false
}

// The classes of bytes in CSV fields, ORed over a field: csvQuote for a
// byte that makes encoding/csv quote the field, csvHigh for a byte of a
// multi-byte UTF-8 sequence (or of invalid UTF-8).
const (
	csvQuote = 1 << iota
	csvHigh
)

var csvClass = func() (c [256]byte) {
	c['\n'], c['\r'], c['"'], c[','] = csvQuote, csvQuote, csvQuote, csvQuote
	for b := utf8.RuneSelf; b < 256; b++ {
		c[b] = csvHigh
	}
	return c
}()

// appendCSVString appends s as a CSV field.
func appendCSVString(dst []byte, s string) []byte {
	var m byte
	for j := 0; j < len(s); j++ {
		m |= csvClass[s[j]]
	}
	if m&csvQuote != 0 || len(s) > 0 && csvQuotedStart(s) {
		return appendCSVQuoted(dst, s)
	}
	return append(dst, s...)
}

// appendCSVBlob appends a BLOB as a CSV field: its text is b when b is
// valid UTF-8, else "\x" and hex (which never needs quotes).
func appendCSVBlob(dst, b []byte) []byte {
	var m byte
	for _, c := range b {
		m |= csvClass[c]
	}
	if m&csvHigh != 0 && !utf8.Valid(b) {
		return appendBytesText(dst, b)
	}
	if m&csvQuote != 0 || len(b) > 0 && csvQuotedStart(b) {
		return appendCSVQuoted(dst, b)
	}
	return append(dst, b...)
}

// csvQuotedStart reports whether non-empty s, which holds no byte of
// csvQuote, needs quotes for how it starts: with a space (encoding/csv
// reads fields with leading space as if trimmed) or as the line \.
func csvQuotedStart[S []byte | string](s S) bool {
	switch c := s[0]; {
	case c == ' ' || c == '\t' || c == '\v' || c == '\f':
		return true
	case c == '\\':
		return len(s) == 2 && s[1] == '.'
	case c >= utf8.RuneSelf:
		r, _ := utf8.DecodeRune([]byte(s[:min(len(s), utf8.UTFMax)]))
		return unicode.IsSpace(r)
	}
	return false
}

// appendCSVField appends field, quoted when encoding/csv would quote it.
func appendCSVField(dst, field []byte) []byte {
	if !csvNeedsQuotes(field) {
		return append(dst, field...)
	}
	return appendCSVQuoted(dst, field)
}

// appendCSVQuoted appends field in quotes, its quotes doubled.
func appendCSVQuoted[S []byte | string](dst []byte, field S) []byte {
	quotes := 0
	for j := 0; j < len(field); j++ {
		if field[j] == '"' {
			quotes++
		}
	}
	dst = slices.Grow(dst, len(field)+quotes+2)
	n := len(dst)
	dst = dst[:n+len(field)+quotes+2]
	dst[n] = '"'
	n++
	for j := 0; j < len(field); j++ {
		c := field[j]
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

// csvNeedsQuotes is encoding/csv's rule for a comma-separated field.
func csvNeedsQuotes(field []byte) bool {
	if len(field) == 0 {
		return false
	}
	if len(field) == 2 && field[0] == '\\' && field[1] == '.' {
		return true
	}
	if bytes.ContainsAny(field, "\n\r\",") {
		return true
	}
	if field[0] < utf8.RuneSelf {
		return field[0] == ' ' || field[0] == '\t' || field[0] == '\v' || field[0] == '\f'
	}
	r, _ := utf8.DecodeRune(field)
	return unicode.IsSpace(r)
}
