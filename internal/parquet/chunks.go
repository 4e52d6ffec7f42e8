package parquet

import (
	"io"
	"sync"
)

// chunkSize is the size of the pieces an encoded row group is held in.
const chunkSize = 1 << 20

var chunkPool = sync.Pool{New: func() any {
	b := make([]byte, 0, chunkSize)
	return &b
}}

// chunkBuffer is an io.Writer holding what it is given in pooled pieces
// of chunkSize bytes. Unlike a bytes.Buffer it never copies what it holds
// to grow (a 16 MiB uncompressed row group made a bytes.Buffer of 32 MiB,
// and the copies), and row groups of every size take pieces of one size,
// which the pool reuses. The zero value is empty.
type chunkBuffer struct {
	chunks []*[]byte
	n      int
}

func (c *chunkBuffer) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if len(c.chunks) == 0 || len(*c.chunks[len(c.chunks)-1]) == chunkSize {
			c.chunks = append(c.chunks, chunkPool.Get().(*[]byte))
		}
		last := c.chunks[len(c.chunks)-1]
		k := copy((*last)[len(*last):chunkSize], p)
		*last = (*last)[:len(*last)+k]
		p = p[k:]
	}
	c.n += n
	return n, nil
}

// Len is the number of bytes written.
func (c *chunkBuffer) Len() int { return c.n }

// ReadAt copies the bytes at off into p (io.ReaderAt).
func (c *chunkBuffer) ReadAt(p []byte, off int64) (int, error) {
	n := 0
	c.each(int(off), min(int(off)+len(p), c.n), func(b []byte) error {
		n += copy(p[n:], b)
		return nil
	})
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// each calls fn with the bytes [from, to) in order, a piece at a time;
// it stops at fn's first error.
func (c *chunkBuffer) each(from, to int, fn func([]byte) error) error {
	for i := from / chunkSize; from < to; i++ {
		ch := *c.chunks[i]
		lo := from - i*chunkSize
		hi := min(to-i*chunkSize, len(ch))
		if err := fn(ch[lo:hi]); err != nil {
			return err
		}
		from += hi - lo
	}
	return nil
}

// reset returns the pieces to the pool and empties c.
func (c *chunkBuffer) reset() {
	for _, ch := range c.chunks {
		*ch = (*ch)[:0]
		chunkPool.Put(ch)
	}
	c.chunks, c.n = nil, 0
}
