package avro

import (
	"math"
	"unicode/utf8"
)

// maxNesting bounds how deeply a payload nests records, arrays and maps
// (only recursive types nest without a bound), so that a hostile payload
// cannot exhaust the stack.
const maxNesting = 1000

// maxEmptyItems bounds, per payload, the array items encoded in zero
// bytes (nulls, empty records): their count is not bounded by the
// payload's size, so a few bytes could otherwise ask for billions.
const maxEmptyItems = 1 << 16

// check is the first pass: it walks the encoding of one value of n from
// pos, validating everything the second pass (put) relies on, and returns
// where the value ends. Skipped values are checked for their structure
// only (bounds, varints, lengths, indexes); decoded ones also for what
// their column needs (UTF-8, enum symbols, union branches that resolve,
// decimals that fit).
func (d *decoder) check(n *node, b []byte, pos, depth int) (int, error) {
	switch n.ck {
	case ckNull:
		return pos, nil
	case ckBool:
		if pos >= len(b) {
			return pos, truncated(pos, "boolean")
		}
		if b[pos] > 1 {
			return pos, payloadErr(pos, "boolean byte %d is neither 0 nor 1", b[pos])
		}
		return pos + 1, nil
	case ckInt:
		_, next, ok := readInt(b, pos)
		if !ok {
			return pos, varintErr(b, pos, "int")
		}
		return next, nil
	case ckLong:
		_, next, ok := readLong(b, pos)
		if !ok {
			return pos, varintErr(b, pos, "long")
		}
		return next, nil
	case ckFloat:
		if len(b)-pos < 4 {
			return pos, truncated(pos, "float")
		}
		return pos + 4, nil
	case ckDouble:
		if len(b)-pos < 8 {
			return pos, truncated(pos, "double")
		}
		return pos + 8, nil
	case ckBytes, ckUTF8, ckDecimal:
		start, end, err := checkLength(b, pos)
		if err != nil {
			return pos, err
		}
		switch {
		case n.ck == ckUTF8 && !utf8.Valid(b[start:end]):
			return pos, payloadErr(pos, "string is not UTF-8")
		case n.ck == ckDecimal && !n.fits(b[start:end]):
			return pos, payloadErr(pos, "decimal does not fit in precision %d", n.prec)
		}
		return end, nil
	case ckFixed, ckFixedDecimal:
		if len(b)-pos < n.size {
			return pos, truncated(pos, "fixed")
		}
		if n.ck == ckFixedDecimal && !n.fits(b[pos:pos+n.size]) {
			return pos, payloadErr(pos, "decimal does not fit in precision %d", n.prec)
		}
		return pos + n.size, nil
	case ckEnumIndex, ckEnum:
		i, next, ok := readInt(b, pos)
		if !ok {
			return pos, varintErr(b, pos, "enum index")
		}
		if i < 0 || i >= int64(n.count) {
			return pos, payloadErr(pos, "enum index %d is not in [0, %d)", i, n.count)
		}
		if n.ck == ckEnum && n.syms[i] == nil {
			return pos, payloadErr(pos, "enum symbol %d of the writer is not a reader symbol and the reader's enum has no default", i)
		}
		return next, nil
	case ckArray, ckMap:
		return d.checkBlocks(n, b, pos, depth)
	case ckRecord:
		if depth >= maxNesting {
			return pos, payloadErr(pos, "records, arrays and maps nest more than %d deep", maxNesting)
		}
		for i := range n.fields {
			var err error
			if pos, err = d.check(n.fields[i].node, b, pos, depth+1); err != nil {
				return pos, within(err, n.fields[i].name)
			}
		}
		return pos, nil
	case ckUnion:
		i, next, ok := readInt(b, pos)
		if !ok {
			return pos, varintErr(b, pos, "union index")
		}
		if i < 0 || i >= int64(len(n.branches)) {
			return pos, payloadErr(pos, "union index %d is not in [0, %d)", i, len(n.branches))
		}
		br := n.branches[i]
		if br == nil {
			return pos, payloadErr(pos, "union member %d does not resolve: %v", i, n.errs[i])
		}
		return d.check(br, b, next, depth)
	case ckCut:
		return d.check(n.json, b, pos, depth)
	}
	return pos, payloadErr(pos, "unknown check %d", n.ck)
}

// checkBlocks checks an array or a map: blocks of items, each a count
// (negative: followed by the block's size in bytes), up to a count of 0.
func (d *decoder) checkBlocks(n *node, b []byte, pos, depth int) (int, error) {
	if depth >= maxNesting {
		return pos, payloadErr(pos, "records, arrays and maps nest more than %d deep", maxNesting)
	}
	seg := "[]"
	if n.kind == kMap {
		seg = "{}"
	}
	for {
		count, next, ok := readLong(b, pos)
		if !ok {
			return pos, varintErr(b, pos, "block count")
		}
		if count == 0 {
			return next, nil
		}
		size := int64(-1)
		if count < 0 {
			if count == math.MinInt64 {
				return pos, payloadErr(pos, "block count %d has no opposite", count)
			}
			count = -count
			at := next
			if size, next, ok = readLong(b, next); !ok {
				return pos, varintErr(b, at, "block size")
			}
			if size < 0 || size > int64(len(b)-next) {
				return pos, payloadErr(at, "block size %d is not in [0, %d], the bytes left", size, len(b)-next)
			}
		}
		if n.empty {
			if count > int64(d.empties) {
				return pos, payloadErr(pos, "more than %d array items of zero bytes", maxEmptyItems)
			}
			d.empties -= int(count)
		}
		pos = next
		start := pos
		for range count {
			if n.kind == kMap {
				kstart, kend, err := checkLength(b, pos)
				if err != nil {
					return pos, within(err, seg)
				}
				if n.pt != ptSkip && !utf8.Valid(b[kstart:kend]) {
					return pos, within(payloadErr(pos, "map key is not UTF-8"), seg)
				}
				pos = kend
			}
			var err error
			if pos, err = d.check(n.elem, b, pos, depth+1); err != nil {
				return pos, within(err, seg)
			}
		}
		if size >= 0 && int64(pos-start) != size {
			return pos, payloadErr(start, "block of %d bytes holds %d bytes of items", size, pos-start)
		}
	}
}

// checkLength checks the length of bytes or a string at pos, and returns
// where its content starts and ends.
func checkLength(b []byte, pos int) (start, end int, err error) {
	l, start, ok := readLong(b, pos)
	if !ok {
		return 0, 0, varintErr(b, pos, "length")
	}
	if l < 0 {
		return 0, 0, payloadErr(pos, "negative length %d", l)
	}
	if l > int64(len(b)-start) {
		return 0, 0, payloadErr(pos, "length %d is past the end of the payload", l)
	}
	return start, start + int(l), nil
}

// fits reports whether decimal bytes v fit in n's precision.
func (n *node) fits(v []byte) bool {
	d, ok := decimalAt(v)
	return ok && d.FitsInPrecision(n.prec)
}

func truncated(pos int, what string) *PayloadError {
	return payloadErr(pos, "the payload ends inside a %s", what)
}

// varintErr says why the varint at pos did not read.
func varintErr(b []byte, pos int, what string) *PayloadError {
	for i := pos; i < len(b); i++ {
		if b[i] < 0x80 {
			return payloadErr(pos, "%s varint is too long", what)
		}
	}
	if len(b)-pos >= 10 {
		return payloadErr(pos, "%s varint is too long", what)
	}
	return truncated(pos, what+" varint")
}
