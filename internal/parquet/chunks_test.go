package parquet

import (
	"bytes"
	"io"
	"math/rand/v2"
	"testing"
)

// TestChunkBuffer: writes of every size, across piece boundaries, read
// back whole and by range.
func TestChunkBuffer(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var c chunkBuffer
	var want []byte
	for _, n := range []int{0, 1, 7, chunkSize - 8, 8, 1, chunkSize, 3*chunkSize + 5, 100} {
		p := make([]byte, n)
		for i := range p {
			p[i] = byte(rng.Uint32())
		}
		if k, err := c.Write(p); k != n || err != nil {
			t.Fatalf("Write(%d bytes) = %d, %v", n, k, err)
		}
		want = append(want, p...)
	}
	if c.Len() != len(want) {
		t.Fatalf("Len %d, want %d", c.Len(), len(want))
	}
	var got bytes.Buffer
	if err := c.each(0, c.Len(), func(b []byte) error { got.Write(b); return nil }); err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("each over everything: %d bytes, %v", got.Len(), err)
	}
	for range 200 {
		from := rng.IntN(len(want))
		to := from + rng.IntN(len(want)-from+1)
		got.Reset()
		c.each(from, to, func(b []byte) error { got.Write(b); return nil })
		if !bytes.Equal(got.Bytes(), want[from:to]) {
			t.Fatalf("each [%d, %d): wrong bytes", from, to)
		}
		p := make([]byte, to-from)
		if n, err := c.ReadAt(p, int64(from)); n != len(p) || err != nil || !bytes.Equal(p, want[from:to]) {
			t.Fatalf("ReadAt [%d, %d): %d, %v", from, to, n, err)
		}
	}
	p := make([]byte, 10)
	if n, err := c.ReadAt(p, int64(len(want)-4)); n != 4 || err != io.EOF {
		t.Fatalf("ReadAt past the end: %d, %v", n, err)
	}
	c.reset()
	if c.Len() != 0 || len(c.chunks) != 0 {
		t.Fatalf("after reset: %d bytes in %d pieces", c.Len(), len(c.chunks))
	}
	c.Write([]byte("again"))
	var b [5]byte
	if c.ReadAt(b[:], 0); string(b[:]) != "again" {
		t.Fatalf("reused: %q", b)
	}
}
