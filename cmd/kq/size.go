package main

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/alecthomas/kong"
)

// byteSize is a flag holding a number of bytes, written as DuckDB writes
// sizes: a number and a unit, decimal (B, KB, MB, GB, TB: powers of 1000)
// or binary (KiB, MiB, GiB, TiB: powers of 1024), case-insensitive;
// "200MB", "1.5GiB", "209715200". 0 means the default.
type byteSize int64

// sizeUnits are the units byteSize accepts, by lower-case name.
var sizeUnits = map[string]float64{
	"": 1, "b": 1, "bytes": 1,
	"kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
	"kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30, "tib": 1 << 40,
}

// parseSize parses a byteSize.
func parseSize(s string) (byteSize, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	n, err := strconv.ParseFloat(t[:i], 64)
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	if err != nil || !ok || n*unit >= math.MaxInt64 {
		return 0, fmt.Errorf("%q is not a size (a number of bytes, or a number and a unit: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB; say 200MB or 1.5GiB)", s)
	}
	return byteSize(n * unit), nil
}

// Decode implements kong.MapperValue.
func (b *byteSize) Decode(ctx *kong.DecodeContext) error {
	var s string
	if err := ctx.Scan.PopValueInto("size", &s); err != nil {
		return err
	}
	v, err := parseSize(s)
	if err != nil {
		return err
	}
	*b = v
	return nil
}
