package output

import "io"

// chunkSize is how many bytes the text writers collect before they write
// them: 64 KiB, a pipe's capacity on Linux.
const chunkSize = 64 << 10

// maxKeptBuffer is the largest buffer kept after a write; a longer one
// (a row with a large value) is dropped so that it does not stay
// allocated for the rest of the result.
const maxKeptBuffer = 4 << 20

// textBuffer is where the text writers render rows: appenders append to
// buf directly, and the rows go to w a chunk at a time, so a value is
// copied once into buf and once by w, with no per-row writes. The first
// write error sticks.
type textBuffer struct {
	w   io.Writer
	buf []byte
	err error
}

func newTextBuffer(w io.Writer) *textBuffer {
	return &textBuffer{w: w, buf: make([]byte, 0, chunkSize+chunkSize/2)}
}

// rowDone writes buf when it holds a chunk.
func (b *textBuffer) rowDone() error {
	if len(b.buf) < chunkSize {
		return nil
	}
	return b.flush()
}

// flush writes what buf holds.
func (b *textBuffer) flush() error {
	if b.err != nil {
		return b.err
	}
	if len(b.buf) > 0 {
		_, b.err = b.w.Write(b.buf)
	}
	if cap(b.buf) > maxKeptBuffer {
		b.buf = make([]byte, 0, chunkSize+chunkSize/2)
	}
	b.buf = b.buf[:0]
	return b.err
}
