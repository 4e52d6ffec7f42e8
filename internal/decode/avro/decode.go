package avro

import (
	"fmt"
	"unsafe"

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
		return payloadErr(end, "trailing bytes after the record (%d)", len(data)-end)
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
		if b == nil {
			return fmt.Errorf("avro: builder %d is nil", k)
		}
		same = same && sameBuilder(b, d.bound[k])
	}
	if same {
		return nil
	}
	for k, b := range bs {
		if !arrow.TypeEqual(b.Type(), d.types[k]) {
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

// sameBuilder reports whether a and b are the same builder. It compares
// the two words of the interface values, which for builders (pointers)
// is what a == b does; a == b calls runtime.ifaceeq, which took 6% of
// BenchmarkDecode/fields=6 for this check run per payload.
func sameBuilder(a, b array.Builder) bool {
	return *(*[2]unsafe.Pointer)(unsafe.Pointer(&a)) == *(*[2]unsafe.Pointer)(unsafe.Pointer(&b))
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
	switch n.pt {
	case ptSkip:
		return nil
	case ptCut:
		sb, ok := b.(*array.StringBuilder)
		if !ok {
			return bindErr(b, "Utf8")
		}
		n.out = sink{any: b, str: sb.BinaryBuilder}
		return nil
	}
	if n.pt == ptUnion {
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
	if n.pt == ptNull {
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
	switch n.pt {
	case ptSkip:
		return skip(n, b, pos)
	case ptNull:
		n.out.any.AppendNull()
	case ptBool:
		n.out.bo.Append(b[pos] == 1)
		return pos + 1
	case ptInt32:
		v, next := long(b, pos)
		n.out.i32.Append(int32(v))
		return next
	case ptDate32:
		v, next := long(b, pos)
		n.out.d32.Append(arrow.Date32(v))
		return next
	case ptTime32:
		v, next := long(b, pos)
		n.out.t32.Append(arrow.Time32(v))
		return next
	case ptInt64:
		v, next := long(b, pos)
		n.out.i64.Append(v)
		return next
	case ptTime64:
		v, next := long(b, pos)
		n.out.t64.Append(arrow.Time64(v))
		return next
	case ptTimestamp:
		v, next := long(b, pos)
		n.out.ts.Append(arrow.Timestamp(v))
		return next
	case ptLongFloat32:
		v, next := long(b, pos)
		n.out.f32.Append(float32(v))
		return next
	case ptLongFloat64:
		v, next := long(b, pos)
		n.out.f64.Append(float64(v))
		return next
	case ptFloat32:
		n.out.f32.Append(float32At(b, pos))
		return pos + 4
	case ptFloatFloat64:
		n.out.f64.Append(float64(float32At(b, pos)))
		return pos + 4
	case ptFloat64:
		n.out.f64.Append(float64At(b, pos))
		return pos + 8
	case ptString, ptBinary, ptDecimal:
		l, start := long(b, pos)
		end := start + int(l)
		switch n.pt {
		case ptString:
			n.out.str.Append(b[start:end])
		case ptBinary:
			n.out.bin.Append(b[start:end])
		default:
			v, _ := decimalAt(b[start:end])
			n.out.dec.Append(v)
		}
		return end
	case ptFixedBinary:
		n.out.bin.Append(b[pos : pos+n.size])
		return pos + n.size
	case ptFixedDecimal:
		v, _ := decimalAt(b[pos : pos+n.size])
		n.out.dec.Append(v)
		return pos + n.size
	case ptEnum:
		i, next := long(b, pos)
		n.out.str.Append(n.syms[i])
		return next
	case ptList:
		n.out.list.Append(true)
		return d.putBlocks(n, b, pos)
	case ptMap:
		n.out.mp.Append(true)
		return d.putBlocks(n, b, pos)
	case ptRecord:
		fields := n.fields
		if n.top {
			// Nothing after the top-level record needs its end: stop after
			// the last field decoded (check walked the rest).
			fields = fields[:n.used]
		} else {
			n.out.st.Append(true)
		}
		for i := range fields {
			pos = d.put(fields[i].node, b, pos)
		}
		for i := range n.defs {
			d.put(n.defs[i].node, n.defs[i].data, 0)
		}
	case ptUnion:
		i, next := long(b, pos)
		return d.put(n.branches[i], b, next)
	case ptCut:
		d.buf = d.buf[:0]
		pos = d.json(n.json, b, pos)
		if n.nullable && string(d.buf) == "null" {
			n.out.any.AppendNull()
		} else {
			n.out.str.Append(d.buf)
		}
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
