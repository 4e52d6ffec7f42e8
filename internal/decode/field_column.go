package decode

import (
	"math"
	"unsafe"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/plan"
)

// How a fieldCol stores its values.
const (
	colWords  = iota // int64, float64 (its bits) and timestamp: a uint64 each
	colInt32         // int32
	colBool          // one bit each
	colString        // offsets and bytes
)

// fieldCol builds the Arrow array of one decoded JSON field, or of the
// value (key) column itself. Its values
// collect in Go slices that keep their capacity from batch to batch; at
// a flush, finish copies them into buffers from the allocator (a copy is
// cheaper than appending through a generic Arrow builder and growing its
// buffers batch after batch).
type fieldCol struct {
	f       plan.Field
	dt      arrow.DataType
	storage int
	n       int
	nulls   int
	valid   []byte // validity bits
	words   []uint64
	ints    []int32
	bits    []byte  // colBool values
	offs    []int32 // colString: n+1 offsets into data
	data    []byte
	buf     []byte // this field's unescaped string, per record
}

func newFieldCol(f plan.Field, dt arrow.DataType) fieldCol {
	c := fieldCol{f: f, dt: dt}
	switch f.Type {
	case plan.TypeInteger:
		c.storage = colInt32
	case plan.TypeBoolean:
		c.storage = colBool
	case plan.TypeVarchar, plan.TypeJSON:
		c.storage = colString
		c.offs = []int32{0}
	}
	return c
}

func (c *fieldCol) appendNull() {
	i := c.n
	c.n++
	c.nulls++
	if i&7 == 0 {
		c.valid = append(c.valid, 0)
	}
	switch c.storage {
	case colWords:
		c.words = append(c.words, 0)
	case colInt32:
		c.ints = append(c.ints, 0)
	case colBool:
		if i&7 == 0 {
			c.bits = append(c.bits, 0)
		}
	case colString:
		c.offs = append(c.offs, int32(len(c.data)))
	}
}

// append appends one converted value.
func (c *fieldCol) append(v *value) {
	if v.null {
		c.appendNull()
		return
	}
	i := c.n
	c.n++
	if i&7 == 0 {
		c.valid = append(c.valid, 0)
	}
	c.valid[i>>3] |= 1 << (i & 7)
	switch c.storage {
	case colWords:
		if c.f.Type == plan.TypeDouble {
			c.words = append(c.words, math.Float64bits(v.f))
		} else {
			c.words = append(c.words, uint64(v.i))
		}
	case colInt32:
		c.ints = append(c.ints, int32(v.i))
	case colBool:
		if i&7 == 0 {
			c.bits = append(c.bits, 0)
		}
		if v.b {
			c.bits[i>>3] |= 1 << (i & 7)
		}
	case colString:
		c.data = append(c.data, v.s...)
		c.offs = append(c.offs, int32(len(c.data)))
	}
}

// appendInt appends a non-null integer (or timestamp) value, or a
// DOUBLE's bits.
func (c *fieldCol) appendInt(v int64) {
	i := c.n
	c.n++
	if i&7 == 0 {
		c.valid = append(c.valid, 0)
	}
	c.valid[i>>3] |= 1 << (i & 7)
	if c.storage == colInt32 {
		c.ints = append(c.ints, int32(v))
	} else {
		c.words = append(c.words, uint64(v))
	}
}

// appendBytes appends a string (binary) value.
func (c *fieldCol) appendBytes(b []byte) {
	i := c.n
	c.n++
	if i&7 == 0 {
		c.valid = append(c.valid, 0)
	}
	c.valid[i>>3] |= 1 << (i & 7)
	c.data = append(c.data, b...)
	c.offs = append(c.offs, int32(len(c.data)))
}

// dropLast takes back the last value appended.
func (c *fieldCol) dropLast() {
	c.n--
	i := c.n
	if c.valid[i>>3]&(1<<(i&7)) == 0 {
		c.nulls--
	}
	c.valid[i>>3] &^= 1 << (i & 7)
	if i&7 == 0 {
		c.valid = c.valid[:len(c.valid)-1]
	}
	switch c.storage {
	case colWords:
		c.words = c.words[:i]
	case colInt32:
		c.ints = c.ints[:i]
	case colBool:
		c.bits[i>>3] &^= 1 << (i & 7)
		if i&7 == 0 {
			c.bits = c.bits[:len(c.bits)-1]
		}
	case colString:
		c.offs = c.offs[:i+1]
		c.data = c.data[:c.offs[i]]
	}
}

// finish returns the values appended since the last finish as an array
// (owned by the caller) and starts over.
func (c *fieldCol) finish(mem memory.Allocator) arrow.Array {
	var valid *memory.Buffer
	if c.nulls > 0 {
		valid = copyBuffer(mem, c.valid)
	}
	bufs := []*memory.Buffer{valid}
	switch c.storage {
	case colWords:
		bufs = append(bufs, copyBuffer(mem, sliceBytes(c.words)))
	case colInt32:
		bufs = append(bufs, copyBuffer(mem, sliceBytes(c.ints)))
	case colBool:
		bufs = append(bufs, copyBuffer(mem, c.bits))
	case colString:
		bufs = append(bufs, copyBuffer(mem, sliceBytes(c.offs)), copyBuffer(mem, c.data))
	}
	data := array.NewData(c.dt, c.n, bufs, nil, c.nulls, 0)
	for _, b := range bufs {
		if b != nil {
			b.Release()
		}
	}
	arr := array.MakeFromData(data)
	data.Release()
	c.n, c.nulls = 0, 0
	c.valid, c.words, c.ints, c.bits, c.data = c.valid[:0], c.words[:0], c.ints[:0], c.bits[:0], c.data[:0]
	if c.storage == colString {
		c.offs = c.offs[:1]
	}
	return arr
}

// copyBuffer returns a buffer from mem holding a copy of b.
func copyBuffer(mem memory.Allocator, b []byte) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(len(b))
	copy(buf.Bytes(), b)
	return buf
}

// sliceBytes views a slice of fixed-size numbers as its bytes, in the
// native byte order Arrow's own builders write.
func sliceBytes[T uint64 | int32](s []T) []byte {
	if len(s) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), len(s)*int(unsafe.Sizeof(s[0])))
}
