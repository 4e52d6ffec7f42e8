package protobuf

import (
	"bytes"
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// decoder is a Format's RowDecoder of some of its columns: a tree of
// nodes, one per message position in the columns (recursive types are
// unrolled, so a node is never in use twice at once), each with the
// table of where its message's fields are and the builders it appends
// to. It is used by one goroutine.
type decoder struct {
	f     *Format
	root  *node
	bound []array.Builder // the builders the tree is bound to
	buf   []byte          // scratch: enum numbers, messages as protojson
	json  bytes.Buffer
}

// node reads one message position: info says how to find its fields,
// slots which have a column (and where they go in tab), cols how to
// append them.
type node struct {
	info  *msgInfo
	slots []int32 // indexed like info.fields, -1 for no column
	tab   table
	cols  []*col
}

// col appends one column of a node: a field, or a oneof (members).
type col struct {
	spec    *colSpec
	slot    int32
	b       array.Builder
	st      *array.StructBuilder // a oneof
	lb      *array.ListBuilder
	mb      *array.MapBuilder
	val     *val // the value, the list's element or the map's value
	key     *val // a map's key
	members []*col
	entry   *node    // a map's entry: key in slot 0, value in slot 1
	keys    []mapKey // a map's keys, reused from row to row
}

// val appends values of one valSpec to the builder bound to it.
type val struct {
	spec *valSpec
	b    array.Builder
	i32  *array.Int32Builder
	i64  *array.Int64Builder
	u32  *array.Uint32Builder
	u64  *array.Uint64Builder
	f32  *array.Float32Builder
	f64  *array.Float64Builder
	bo   *array.BooleanBuilder
	bin  *array.BinaryBuilder // strings, bytes, enums, protojson text
	ts   *array.TimestampBuilder
	iv   *array.MonthDayNanoIntervalBuilder
	st   *array.StructBuilder
	msg  *node // kMessage
}

func newDecoder(f *Format, idx []int) *decoder {
	specs := make([]*colSpec, len(idx))
	for k, i := range idx {
		specs[k] = f.root.cols[i]
	}
	return &decoder{f: f, root: newNode(f.root.info, specs), bound: make([]array.Builder, len(idx))}
}

func newNode(info *msgInfo, specs []*colSpec) *node {
	n := &node{info: info, slots: make([]int32, len(info.fields))}
	for i := range n.slots {
		n.slots[i] = -1
	}
	slots := 0
	for _, cs := range specs {
		n.cols = append(n.cols, n.newCol(cs, &slots))
	}
	n.tab = newTable(slots, info.oneofs)
	return n
}

func (n *node) newCol(cs *colSpec, slots *int) *col {
	c := &col{spec: cs, slot: -1}
	if cs.fi < 0 {
		for _, m := range cs.members {
			c.members = append(c.members, n.newCol(m, slots))
		}
		return c
	}
	c.slot = int32(*slots)
	*slots++
	n.slots[cs.fi] = c.slot
	c.val = newVal(cs.val)
	if cs.card == cardMap {
		c.key = newVal(cs.key)
		f := &n.info.fields[cs.fi]
		e := &node{info: f.sub, slots: make([]int32, len(f.sub.fields)), tab: newTable(2, 0)}
		for i := range e.slots {
			e.slots[i] = -1
		}
		e.slots[f.fd.MapKey().Index()] = 0
		e.slots[f.fd.MapValue().Index()] = 1
		c.entry = e
	}
	return c
}

func newVal(vs *valSpec) *val {
	v := &val{spec: vs}
	if vs.kind == kMessage {
		v.msg = newNode(vs.info, vs.msg.cols)
	}
	return v
}

// Decode implements decode.RowDecoder: it reads and validates the whole
// payload, recording where the fields of the columns are, and only then
// appends, which cannot fail.
func (d *decoder) Decode(data []byte, bs []array.Builder) error {
	if err := d.bind(bs); err != nil {
		return err
	}
	r := d.root
	r.tab.reset()
	if _, _, err := scan(r.info, data, 0, 0, &r.tab, r.slots, true, 0); err != nil {
		return err
	}
	d.appendCols(r, data)
	return nil
}

// bind points the tree at the builders bs, unless it already is.
func (d *decoder) bind(bs []array.Builder) error {
	if len(bs) != len(d.root.cols) {
		return fmt.Errorf("protobuf decoder: %d builders for %d columns", len(bs), len(d.root.cols))
	}
	same := true
	for i := range bs {
		if bs[i] != d.bound[i] {
			same = false
			break
		}
	}
	if same {
		return nil
	}
	clear(d.bound)
	for i, c := range d.root.cols {
		if bs[i] == nil || !arrow.TypeEqual(bs[i].Type(), c.spec.field.Type) {
			return fmt.Errorf("protobuf decoder: builder %d (%s) is not of type %s", i, c.spec.field.Name, c.spec.field.Type)
		}
		if err := c.bind(bs[i]); err != nil {
			return fmt.Errorf("protobuf decoder: column %s: %w", c.spec.field.Name, err)
		}
	}
	copy(d.bound, bs)
	return nil
}

func (c *col) bind(b array.Builder) error {
	c.b = b
	var ok bool
	if c.members != nil {
		if c.st, ok = b.(*array.StructBuilder); !ok || c.st.NumField() != len(c.members) {
			return fmt.Errorf("%T for a oneof", b)
		}
		for j, m := range c.members {
			if err := m.bind(c.st.FieldBuilder(j)); err != nil {
				return err
			}
		}
		return nil
	}
	switch c.spec.card {
	case cardList:
		if c.lb, ok = b.(*array.ListBuilder); !ok {
			return fmt.Errorf("%T for a list", b)
		}
		return c.val.bind(c.lb.ValueBuilder())
	case cardMap:
		if c.mb, ok = b.(*array.MapBuilder); !ok {
			return fmt.Errorf("%T for a map", b)
		}
		if err := c.key.bind(c.mb.KeyBuilder()); err != nil {
			return err
		}
		return c.val.bind(c.mb.ItemBuilder())
	}
	return c.val.bind(b)
}

func (v *val) bind(b array.Builder) error {
	v.b = b
	var ok bool
	k := v.spec.kind
	if k == kWrapper {
		k = v.spec.inner
	}
	switch k {
	case kInt32, kSint32, kSfixed32:
		v.i32, ok = b.(*array.Int32Builder)
	case kInt64, kSint64, kSfixed64:
		v.i64, ok = b.(*array.Int64Builder)
	case kUint32, kFixed32:
		v.u32, ok = b.(*array.Uint32Builder)
	case kUint64, kFixed64:
		v.u64, ok = b.(*array.Uint64Builder)
	case kFloat:
		v.f32, ok = b.(*array.Float32Builder)
	case kDouble:
		v.f64, ok = b.(*array.Float64Builder)
	case kBool:
		v.bo, ok = b.(*array.BooleanBuilder)
	case kString, kEnum, kJSON:
		var sb *array.StringBuilder
		if sb, ok = b.(*array.StringBuilder); ok {
			v.bin = sb.BinaryBuilder
		}
	case kBytes:
		v.bin, ok = b.(*array.BinaryBuilder)
	case kTimestamp:
		v.ts, ok = b.(*array.TimestampBuilder)
	case kDuration:
		v.iv, ok = b.(*array.MonthDayNanoIntervalBuilder)
	case kMessage:
		if v.st, ok = b.(*array.StructBuilder); ok && v.st.NumField() == len(v.msg.cols) {
			for j, c := range v.msg.cols {
				if err := c.bind(v.st.FieldBuilder(j)); err != nil {
					return err
				}
			}
		}
		ok = ok && v.st.NumField() == len(v.msg.cols)
	}
	if !ok {
		return fmt.Errorf("%T for %s", b, v.spec.dt)
	}
	return nil
}
