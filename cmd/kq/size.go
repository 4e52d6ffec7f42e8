package main

import (
	"fmt"

	"github.com/alecthomas/kong"
	"github.com/kq-sql/kq/internal/size"
)

// byteSize is a flag holding a number of bytes, written as DuckDB writes
// sizes: a number and a unit, decimal (B, KB, MB, GB, TB: powers of 1000)
// or binary (KiB, MiB, GiB, TiB: powers of 1024), case-insensitive;
// "200MB", "1.5GiB", "209715200". 0 means the default.
type byteSize int64

// parseSize parses a byteSize (internal/size).
func parseSize(s string) (byteSize, error) {
	n, err := size.Parse(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a size (a number of bytes, or a number and a unit: "+size.Units+"; say 200MB or 1.5GiB)", s)
	}
	return byteSize(n), nil
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
