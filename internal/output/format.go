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
)

// Formats lists every result format.
var Formats = []Format{Table, CSV, JSON, NDJSON, Arrow}

// ParseFormat returns the format named s (case-insensitive).
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if strings.EqualFold(s, string(f)) {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", fmt.Errorf("unknown format %q (allowed: %s)", s, strings.Join(names, ", "))
}

// FormatForPath picks a format from a file name's extension: .csv, .json,
// .ndjson/.jsonl, .arrow/.arrows/.ipc, .txt (table). ok is false for any
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
	case ".txt":
		return Table, true
	}
	return "", false
}
