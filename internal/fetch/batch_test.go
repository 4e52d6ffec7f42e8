package fetch

import (
	"encoding/binary"
	"math"
	"testing"
)

// TestRecordVarint checks the record decoder's varints (a one-byte fast
// path, then binary.Varint) against binary.AppendVarint, and malformed
// ones.
func TestRecordVarint(t *testing.T) {
	vals := []int64{0, 1, -1, 63, -64, 64, -65, 127, 300, -300, 8191, -8192, 8192, -8193, 1 << 40, math.MaxInt64, math.MinInt64}
	var buf []byte
	for _, v := range vals {
		buf = binary.AppendVarint(buf, v)
	}
	p := 0
	for _, want := range vals {
		var got int64
		if got, p = varintAt(buf, p); got != want || p < 0 {
			t.Fatalf("varint = %d (at %d), want %d", got, p, want)
		}
	}
	if p != len(buf) {
		t.Errorf("read %d of %d bytes", p, len(buf))
	}
	for _, bad := range [][]byte{{}, {0x80}, {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}} {
		if _, p := varintAt(bad, 0); p >= 0 {
			t.Errorf("varintAt(%x) = %d, want -1", bad, p)
		}
	}
}

// TestRecordDecoder walks hand-built record bodies: two good records
// (null key, one header), then each truncation of a record.
func TestRecordDecoder(t *testing.T) {
	rec := func(offDelta int64, key, value []byte, headers ...[]byte) []byte {
		var b []byte
		b = append(b, 0) // attributes
		b = binary.AppendVarint(b, 7)
		b = binary.AppendVarint(b, offDelta)
		for _, f := range [][]byte{key, value} {
			if f == nil {
				b = binary.AppendVarint(b, -1)
				continue
			}
			b = binary.AppendVarint(b, int64(len(f)))
			b = append(b, f...)
		}
		b = binary.AppendVarint(b, int64(len(headers)/2))
		for _, h := range headers {
			b = binary.AppendVarint(b, int64(len(h)))
			b = append(b, h...)
		}
		return append(binary.AppendVarint(nil, int64(len(b))), b...)
	}
	long := make([]byte, 300) // two-byte length varints
	body := append(rec(0, nil, []byte("v0")), rec(1, []byte("k1"), long, []byte("h"), []byte("x"))...)
	h := &Header{BaseOffset: 100, BaseTimestamp: 1000}
	d := recordDecoder{buf: body, h: h}
	var r Record
	if !d.next(&r, true) || r.Offset != 100 || r.Timestamp != 1007 || r.Key != nil || string(r.Value) != "v0" || len(r.Headers) != 0 {
		t.Fatalf("record 0: %+v, %v", r, d.err)
	}
	if !d.next(&r, true) || r.Offset != 101 || string(r.Key) != "k1" || len(r.Value) != 300 || len(r.Headers) != 1 ||
		string(r.Headers[0].Key) != "h" || string(r.Headers[0].Value) != "x" {
		t.Fatalf("record 1: %+v, %v", r, d.err)
	}
	if d.next(&r, true) || d.err != nil {
		t.Fatalf("after the last record: err %v", d.err)
	}
	one := rec(1, []byte("k1"), long, []byte("h"), []byte("x"))
	_, k := binary.Varint(one)
	one = one[k:] // the record without its length
	for n := range len(one) {
		// Cut the record and fix its length to the cut.
		cut := append(binary.AppendVarint(nil, int64(n)), one[:n]...)
		d := recordDecoder{buf: cut, h: h}
		if d.next(&r, true) || d.err == nil {
			t.Errorf("record cut to %d bytes: no error", n)
		}
	}
}
