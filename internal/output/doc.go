// Package output writes query results as text, Arrow or Parquet: table
// (for a terminal), csv (with a header row), json (one array of objects),
// ndjson, arrow (the IPC stream format) and parquet (kq's writer).
//
// Values render the same in every text format: BLOBs as UTF-8 text when
// valid (else hex, prefixed "\x"), timestamps as ISO-8601 in UTC, NULL as
// an empty cell in csv, "NULL" in the table and null in JSON; nested values
// as JSON; NaN and infinities as the strings NaN, Infinity and -Infinity
// in JSON. Every format streams; the table holds TableBlockRows rows at a
// time (and WithMaxRows caps what it shows).
//
// The text writers render each row with one appender per column, chosen
// once per batch by the column's type (append.go; csvOf in csv.go adds
// CSV's quoting, checked as strings are copied and skipped for types that
// never need it), straight into a textBuffer (buffer.go) that goes to the
// writer 64 KiB at a time: no reflection, fmt or encoding/json per value,
// no allocation per row. Timestamps are written from a cached second
// (timestamp.go), floats that are short decimals from integers
// (appendShortDecimal, checked against strconv). reference_test.go keeps
// the writers they replaced, and the differential tests require the same
// bytes from both.
package output
