package avro

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// decoder is a compiled program with the builders it is bound to. It is
// used by one goroutine.
type decoder struct {
	top     *node
	types   []arrow.DataType // of the builders, per projected field
	bound   []array.Builder  // the builders the program is bound to
	empties int              // zero-byte array items left (see maxEmptyItems)
	buf     []byte           // JSON text
	spans   []span           // JSON fields to reorder
}

// Decode decodes one payload into bs: first check walks the whole
// payload and validates it, then put appends one value to each builder;
// put cannot fail, so that an error appends nothing.
func (d *decoder) Decode(data []byte, bs []array.Builder) error {
	if err := d.bind(bs); err != nil {
		return err
	}
	d.empties = maxEmptyItems
	end, err := d.check(d.top, data, 0, 0)
	if err != nil {
		return err
	}
	if end != len(data) {
		return payloadErr(end, "%d bytes after the record", len(data)-end)
	}
	d.put(d.top, data, 0)
	return nil
}

// bind binds the program to bs unless it is bound to them already:
// the caller normally passes the same builders for every payload.
func (d *decoder) bind(bs []array.Builder) error {
	if len(bs) != len(d.types) {
		return fmt.Errorf("avro: %d builders for %d fields", len(bs), len(d.types))
	}
	same := true
	for k, b := range bs {
		if b != d.bound[k] {
			same = false
			break
		}
	}
	if same {
		return nil
	}
	for k, b := range bs {
		if b == nil || !arrow.TypeEqual(b.Type(), d.types[k]) {
			return fmt.Errorf("avro: builder %d is not of type %s", k, d.types[k])
		}
	}
	clear(d.bound)
	for _, f := range d.top.fields {
		if f.out >= 0 {
			if err := f.node.bind(bs[f.out]); err != nil {
				return err
			}
		}
	}
	for _, df := range d.top.defs {
		if err := df.node.bind(bs[df.out]); err != nil {
			return err
		}
	}
	copy(d.bound, bs)
	return nil
}

// bind binds an Arrow node to builder b of the reader type's column.
func (n *node) bind(b array.Builder) error {
	if n.wrap != nil {
		st, ok := b.(*array.StructBuilder)
		if !ok {
			return bindErr(b, "union STRUCT")
		}
		n.wrap.st = st
		if n.wrap.k < 0 {
			return nil
		}
		n.wrap.others = n.wrap.others[:0]
		for j := range st.NumField() {
			if j != n.wrap.k {
				n.wrap.others = append(n.wrap.others, st.FieldBuilder(j))
			}
		}
		b = st.FieldBuilder(n.wrap.k)
	}
	switch n.mode {
	case mSkip:
		return nil
	case mCut:
		sb, ok := b.(*array.StringBuilder)
		if !ok {
			return bindErr(b, "Utf8")
		}
		n.out = sink{any: b, str: sb.BinaryBuilder}
		return nil
	}
	if n.kind == kUnion {
		for _, br := range n.branches {
			if br != nil {
				if err := br.bind(b); err != nil {
					return err
				}
			}
		}
		return nil
	}
	n.out = sink{any: b}
	if n.kind == kNull {
		return nil
	}
	ok := true
	o := &n.out
	switch n.col {
	case cBool:
		o.bo, ok = b.(*array.BooleanBuilder)
	case cInt32:
		o.i32, ok = b.(*array.Int32Builder)
	case cDate32:
		o.d32, ok = b.(*array.Date32Builder)
	case cTime32:
		o.t32, ok = b.(*array.Time32Builder)
	case cInt64:
		o.i64, ok = b.(*array.Int64Builder)
	case cTime64:
		o.t64, ok = b.(*array.Time64Builder)
	case cTimestamp:
		o.ts, ok = b.(*array.TimestampBuilder)
	case cFloat32:
		o.f32, ok = b.(*array.Float32Builder)
	case cFloat64:
		o.f64, ok = b.(*array.Float64Builder)
	case cString:
		var sb *array.StringBuilder
		if sb, ok = b.(*array.StringBuilder); ok {
			o.str = sb.BinaryBuilder
		}
	case cBinary:
		o.bin, ok = b.(*array.BinaryBuilder)
	case cDecimal:
		o.dec, ok = b.(*array.Decimal128Builder)
	case cStruct:
		if o.st, ok = b.(*array.StructBuilder); ok {
			for _, f := range n.fields {
				if f.out >= 0 {
					if err := f.node.bind(o.st.FieldBuilder(f.out)); err != nil {
						return err
					}
				}
			}
			for _, df := range n.defs {
				if err := df.node.bind(o.st.FieldBuilder(df.out)); err != nil {
					return err
				}
			}
		}
	case cList:
		if o.list, ok = b.(*array.ListBuilder); ok {
			return n.elem.bind(o.list.ValueBuilder())
		}
	case cMap:
		if o.mp, ok = b.(*array.MapBuilder); ok {
			var kb *array.StringBuilder
			if kb, ok = o.mp.KeyBuilder().(*array.StringBuilder); ok {
				o.key = kb.BinaryBuilder
				return n.elem.bind(o.mp.ItemBuilder())
			}
		}
	}
	if !ok {
		return bindErr(b, "its column")
	}
	return nil
}

func bindErr(b array.Builder, want string) error {
	return fmt.Errorf("avro: builder %T does not build %s", b, want)
}

// put is the second pass: it appends the value of n at pos, checked by
// check, and returns where it ends. It cannot fail.
func (d *decoder) put(n *node, b []byte, pos int) int {
	if w := n.wrap; w != nil {
		if w.k < 0 {
			w.st.AppendNull()
			return pos
		}
		w.st.Append(true)
		for _, o := range w.others {
			o.AppendNull()
		}
	}
	switch n.mode {
	case mSkip:
		return skip(n, b, pos)
	case mCut:
		d.buf = d.buf[:0]
		pos = d.json(n.json, b, pos)
		if n.nullable && string(d.buf) == "null" {
			n.out.any.AppendNull()
		} else {
			n.out.str.Append(d.buf)
		}
		return pos
	}
	switch n.kind {
	case kNull:
		n.out.any.AppendNull()
		return pos
	case kBoolean:
		n.out.bo.Append(b[pos] == 1)
		return pos + 1
	case kInt, kLong:
		v, next := long(b, pos)
		n.putInt(v)
		return next
	case kFloat:
		n.putFloat(float64(float32At(b, pos)))
		return pos + 4
	case kDouble:
		n.putFloat(float64At(b, pos))
		return pos + 8
	case kBytes:
		l, start := long(b, pos)
		end := start + int(l)
		n.putBytes(b[start:end])
		return end
	case kFixed:
		n.putBytes(b[pos : pos+n.size])
		return pos + n.size
	case kEnum:
		i, next := long(b, pos)
		n.out.str.Append(n.syms[i])
		return next
	case kArray:
		n.out.list.Append(true)
		return d.putBlocks(n, b, pos)
	case kMap:
		n.out.mp.Append(true)
		return d.putBlocks(n, b, pos)
	case kRecord:
		if !n.top {
			n.out.st.Append(true)
		}
		for i := range n.fields {
			pos = d.put(n.fields[i].node, b, pos)
		}
		for i := range n.defs {
			d.put(n.defs[i].node, n.defs[i].data, 0)
		}
		return pos
	case kUnion:
		i, next := long(b, pos)
		return d.put(n.branches[i], b, next)
	}
	return pos
}

func (d *decoder) putBlocks(n *node, b []byte, pos int) int {
	for {
		count, next := long(b, pos)
		pos = next
		if count == 0 {
			return pos
		}
		if count < 0 {
			count = -count
			pos = skipVarint(b, pos)
		}
		for range count {
			if n.kind == kMap {
				l, start := long(b, pos)
				pos = start + int(l)
				n.out.key.Append(b[start:pos])
			}
			pos = d.put(n.elem, b, pos)
		}
	}
}

func (n *node) putInt(v int64) {
	switch n.col {
	case cInt32:
		n.out.i32.Append(int32(v))
	case cDate32:
		n.out.d32.Append(arrow.Date32(v))
	case cTime32:
		n.out.t32.Append(arrow.Time32(v))
	case cInt64:
		n.out.i64.Append(v)
	case cTime64:
		n.out.t64.Append(arrow.Time64(v))
	case cTimestamp:
		if n.unit == arrow.Millisecond {
			v *= 1000 // the column is in microseconds (see typer.column)
		}
		n.out.ts.Append(arrow.Timestamp(v))
	case cFloat32:
		n.out.f32.Append(float32(v))
	case cFloat64:
		n.out.f64.Append(float64(v))
	}
}

func (n *node) putFloat(v float64) {
	if n.col == cFloat32 {
		n.out.f32.Append(float32(v))
		return
	}
	n.out.f64.Append(v)
}

func (n *node) putBytes(v []byte) {
	switch n.col {
	case cString:
		n.out.str.Append(v)
	case cBinary:
		n.out.bin.Append(v)
	case cDecimal:
		d, _ := decimalAt(v)
		n.out.dec.Append(d)
	}
}

// skip skips the value of n at pos, checked by check, and returns where
// it ends.
func skip(n *node, b []byte, pos int) int {
	switch n.kind {
	case kBoolean:
		return pos + 1
	case kInt, kLong, kEnum:
		return skipVarint(b, pos)
	case kFloat:
		return pos + 4
	case kDouble:
		return pos + 8
	case kBytes:
		l, start := long(b, pos)
		return start + int(l)
	case kFixed:
		return pos + n.size
	case kArray, kMap:
		for {
			count, next := long(b, pos)
			pos = next
			if count == 0 {
				return pos
			}
			if count < 0 {
				size, next := long(b, pos)
				pos = next + int(size)
				continue
			}
			for range count {
				if n.kind == kMap {
					l, start := long(b, pos)
					pos = start + int(l)
				}
				pos = skip(n.elem, b, pos)
			}
		}
	case kRecord:
		for i := range n.fields {
			pos = skip(n.fields[i].node, b, pos)
		}
		return pos
	case kUnion:
		i, next := long(b, pos)
		return skip(n.branches[i], b, next)
	}
	return pos
}
