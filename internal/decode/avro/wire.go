package avro

import (
	"encoding/binary"
	"math"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
)

// readLong reads a zigzag varint long at pos. ok is false when the
// payload ends inside it or it is longer than 10 bytes or overflows.
func readLong(b []byte, pos int) (v int64, next int, ok bool) {
	if pos < len(b) && b[pos] < 0x80 { // one byte: most values
		u := uint64(b[pos])
		return int64(u>>1) ^ -int64(u&1), pos + 1, true
	}
	var u uint64
	for shift := uint(0); shift < 64; shift += 7 {
		if pos >= len(b) {
			return 0, pos, false
		}
		c := b[pos]
		pos++
		if shift == 63 && c > 1 {
			return 0, pos, false
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1), pos, true
		}
	}
	return 0, pos, false
}

// readInt reads a zigzag varint int at pos: as readLong, at most 5
// bytes, in the range of int32.
func readInt(b []byte, pos int) (v int64, next int, ok bool) {
	if pos < len(b) && b[pos] < 0x80 {
		u := uint64(b[pos])
		return int64(u>>1) ^ -int64(u&1), pos + 1, true
	}
	var u uint64
	for shift := uint(0); shift < 35; shift += 7 {
		if pos >= len(b) {
			return 0, pos, false
		}
		c := b[pos]
		pos++
		if shift == 28 && c > 0x0f {
			return 0, pos, false
		}
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1), pos, true
		}
	}
	return 0, pos, false
}

// long reads a long (or an int) at pos of a payload already checked.
func long(b []byte, pos int) (int64, int) {
	var u uint64
	for shift := uint(0); ; shift += 7 {
		c := b[pos]
		pos++
		u |= uint64(c&0x7f) << shift
		if c < 0x80 {
			return int64(u>>1) ^ -int64(u&1), pos
		}
	}
}

// skipVarint skips a varint of a payload already checked.
func skipVarint(b []byte, pos int) int {
	for b[pos] >= 0x80 {
		pos++
	}
	return pos + 1
}

func float32At(b []byte, pos int) float32 {
	return math.Float32frombits(binary.LittleEndian.Uint32(b[pos:]))
}

func float64At(b []byte, pos int) float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(b[pos:]))
}

// decimalAt returns the big-endian two's-complement integer b as a
// 128-bit number; ok is false if it does not fit in 128 bits. Empty
// bytes are 0.
func decimalAt(b []byte) (n decimal128.Num, ok bool) {
	if len(b) == 0 {
		return decimal128.Num{}, true
	}
	var ext byte // the sign extension
	if b[0]&0x80 != 0 {
		ext = 0xff
	}
	if len(b) > 16 {
		for _, c := range b[:len(b)-16] {
			if c != ext {
				return n, false
			}
		}
		b = b[len(b)-16:]
		if (b[0]&0x80 != 0) != (ext == 0xff) {
			return n, false
		}
	}
	var buf [16]byte
	for i := range 16 - len(b) {
		buf[i] = ext
	}
	copy(buf[16-len(b):], b)
	return decimal128.New(int64(binary.BigEndian.Uint64(buf[:8])), binary.BigEndian.Uint64(buf[8:])), true
}
