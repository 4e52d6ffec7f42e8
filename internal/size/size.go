// Package size reads sizes as DuckDB writes them: a number of bytes, or a
// number and a unit, decimal (B, KB, MB, GB, TB: powers of 1000) or binary
// (KiB, MiB, GiB, TiB: powers of 1024), case-insensitive, with optional
// space between: "209715200", "200MB", "1.5GiB", "10 bytes". Both the
// CLI's --memory-limit and COPY's FILE_SIZE_BYTES read them here.
package size

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// ErrNumber and ErrUnit are what Parse returns for a size without a
// number (or one too large for an int64) and for an unknown unit.
var (
	ErrNumber = errors.New("not a size")
	ErrUnit   = errors.New("unknown unit")
)

// units are the units Parse accepts, by lower-case name.
var units = map[string]float64{
	"": 1, "b": 1, "bytes": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// Units lists the units for messages.
const Units = "B, KB, MB, GB, TB, KiB, MiB, GiB, TiB"

// Parse returns the number of bytes s names; callers put their own
// bounds on it (a limit may be 0, a file size not).
func Parse(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	n, err := strconv.ParseFloat(t[:i], 64)
	if err != nil {
		return 0, ErrNumber
	}
	unit, ok := units[strings.ToLower(strings.TrimSpace(t[i:]))]
	if !ok {
		return 0, ErrUnit
	}
	if n*unit >= math.MaxInt64 {
		return 0, ErrNumber
	}
	return int64(n * unit), nil
}
