package protobuf

import (
	"encoding/binary"

	"google.golang.org/protobuf/encoding/protowire"
)

// maxNesting bounds how deep messages and groups may nest in a payload,
// as google.golang.org/protobuf's default RecursionLimit does: a payload
// that Go's own decoder accepts is accepted here, and a hostile one
// cannot exhaust the stack.
const maxNesting = 10000

// Results of varint other than an index: the varint runs past the end,
// or does not fit in 64 bits.
const (
	errVarintTruncated = -1
	errVarintOverflow  = -2
)

// varint decodes the varint at b[i:] and returns it with the index after
// it, or (0, errVarintTruncated/errVarintOverflow).
func varint(b []byte, i int) (uint64, int) {
	if uint(i) < uint(len(b)) {
		if c := b[i]; c < 0x80 {
			return uint64(c), i + 1
		}
	}
	return varintSlow(b, i)
}

// varintSlow is varint's loop, kept out of line so that varint's
// one-byte case inlines.
//
//go:noinline
func varintSlow(b []byte, i int) (uint64, int) {
	var v uint64
	for s := uint(0); s < 64; s += 7 {
		if i >= len(b) {
			return 0, errVarintTruncated
		}
		c := b[i]
		i++
		if s == 63 && c > 1 {
			return 0, errVarintOverflow
		}
		v |= uint64(c&0x7f) << s
		if c < 0x80 {
			return v, i
		}
	}
	return 0, errVarintOverflow // not reached: the tenth byte ends the loop
}

func varintError(off, code int, f *fieldInfo) *PayloadError {
	if code == errVarintOverflow {
		return payloadError(off, f, "varint overflows 64 bits")
	}
	return payloadError(off, f, "truncated varint")
}

func fixed32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }
func fixed64(b []byte, i int) uint64 { return binary.LittleEndian.Uint64(b[i:]) }

// value reads the value of wire type wt at b[i:] (not a group) and
// returns where its contents start and end and the index after it: for a
// length-delimited value the contents exclude the length.
func value(b []byte, i int, wt protowire.Type, f *fieldInfo) (start, end, next int, err error) {
	switch wt {
	case protowire.VarintType:
		_, n := varint(b, i)
		if n < 0 {
			return 0, 0, 0, varintError(i, n, f)
		}
		return i, n, n, nil
	case protowire.Fixed32Type:
		if len(b)-i < 4 {
			return 0, 0, 0, payloadError(i, f, "truncated fixed32")
		}
		return i, i + 4, i + 4, nil
	case protowire.Fixed64Type:
		if len(b)-i < 8 {
			return 0, 0, 0, payloadError(i, f, "truncated fixed64")
		}
		return i, i + 8, i + 8, nil
	case protowire.BytesType:
		l, n := varint(b, i)
		if n < 0 {
			return 0, 0, 0, varintError(i, n, f)
		}
		if l > uint64(len(b)-n) {
			return 0, 0, 0, payloadError(i, f, "length %d runs %d bytes past the end", l, l-uint64(len(b)-n))
		}
		return n, n + int(l), n + int(l), nil
	}
	return 0, 0, 0, payloadError(i, f, "reserved wire type %d", wt)
}

// skipGroup skips the rest of an unknown group numbered num, whose start
// tag ended at b[i-1], and returns the index after its end tag.
func skipGroup(b []byte, i int, num protowire.Number, depth int) (int, error) {
	if depth > maxNesting {
		return 0, payloadError(i, nil, "nesting deeper than %d", maxNesting)
	}
	for i < len(b) {
		at := i
		tag, n := varint(b, i)
		if n < 0 {
			return 0, varintError(i, n, nil)
		}
		i = n
		fn, wt := tagNumber(tag), protowire.Type(tag&7)
		if fn < 1 {
			return 0, payloadError(at, nil, "invalid field number %d", tag>>3)
		}
		switch wt {
		case protowire.EndGroupType:
			if fn != num {
				return 0, payloadError(at, nil, "end group %d inside group %d", fn, num)
			}
			return i, nil
		case protowire.StartGroupType:
			var err error
			if i, err = skipGroup(b, i, fn, depth+1); err != nil {
				return 0, err
			}
		default:
			_, _, next, err := value(b, i, wt, nil)
			if err != nil {
				return 0, err
			}
			i = next
		}
	}
	return 0, payloadError(i, nil, "group %d not ended", num)
}

// tagNumber returns the field number of a tag, or -1 when it is past
// protowire.MaxValidNumber (2^29-1), which proto.Unmarshal rejects too.
func tagNumber(tag uint64) protowire.Number {
	if tag>>3 > uint64(protowire.MaxValidNumber) {
		return -1
	}
	return protowire.Number(tag >> 3)
}
