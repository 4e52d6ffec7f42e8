package output

import (
	"fmt"
	"path/filepath"
	"strings"
)

// Format is a result format.
type Format string

// The result formats.
const (
	Table  Format = "table"
	CSV    Format = "csv"
	JSON   Format = "json"
	NDJSON Format = "ndjson"
	Arrow  Format = "arrow"
	// Parquet is a Parquet file (kq's writer, zstd); binary, like Arrow.
	Parquet Format = "parquet"
)

// Formats lists every result format.
var Formats = []Format{Table, CSV, JSON, NDJSON, Arrow, Parquet}

// Binary reports whether f writes bytes that are not text (Arrow IPC,
// Parquet), which a terminal should not be sent.
func (f Format) Binary() bool { return f == Arrow || f == Parquet }

// Names returns the names of every result format, comma-separated.
func Names() string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return strings.Join(names, ", ")
}

// ParseFormat returns the format named s (case-insensitive).
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	return "", fmt.Errorf("unknown format %q (allowed: %s)", s, Names())
}

// FormatForPath picks a format from a file name's extension: .csv, .json,
// .ndjson/.jsonl, .arrow/.arrows/.ipc, .parquet, .txt (table). ok is
// false for any
// other extension.
func FormatForPath(path string) (f Format, ok bool) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return CSV, true
	case ".json":
		return JSON, true
	case ".ndjson", ".jsonl":
		return NDJSON, true
	case ".arrow", ".arrows", ".ipc":
		return Arrow, true
	case ".parquet":
		return Parquet, true
	case ".txt":
		return Table, true
	}
	return "", false
}
