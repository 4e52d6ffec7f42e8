package exec

import (
	"encoding/binary"
	"math"
	"testing"
)

// TestRecordVarint checks the record decoder's varints (a one-byte fast
// path, then binary.Varint) against binary.AppendVarint, and a truncated
// one.
func TestRecordVarint(t *testing.T) {
	vals := []int64{0, 1, -1, 63, -64, 64, -65, 127, 300, -300, 1 << 40, math.MaxInt64, math.MinInt64}
	var buf []byte
	for _, v := range vals {
		buf = binary.AppendVarint(buf, v)
	}
	d := recordDecoder{buf: buf}
	for _, want := range vals {
		if got := d.varint(); got != want || d.err != nil {
			t.Fatalf("varint = %d (%v), want %d", got, d.err, want)
		}
	}
	d = recordDecoder{buf: []byte{0x80}}
	if d.varint(); d.err == nil {
		t.Error("truncated varint: no error")
	}
}
