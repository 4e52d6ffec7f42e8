package decode

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
)

// Builder appends records to Arrow builders for a Layout's columns,
// decoding keys and values on the way. It is owned by one worker and is
// not safe for concurrent use; Release it when done.
type Builder struct {
	mem     memory.Allocator
	layout  *Layout
	b       *array.RecordBuilder
	appends []func(r *fetch.Record)
	value   *partDecoder // nil when the value is neither projected nor decoded
	key     *partDecoder
	rows    int

	// fields[i] builds physical column i when it is the value (key)
	// itself or a decoded field (then b's builder i stays empty).
	fields []*fieldRef
	// The previous batch's rows and, per builder of b, its bytes of
	// variable-size data: the next batch reserves as much up front
	// instead of growing its buffers step by step.
	lastRows int
	lastData []int
	bytes    int // payload bytes appended since the last flush

	// The task the next records come from.
	topic     []byte
	partition int32
}

// NewBuilder returns a Builder of l's batches, allocated from mem. It
// fails when a schema-driven part cannot make a decoder of its fields.
func NewBuilder(mem memory.Allocator, l *Layout) (*Builder, error) {
	rb := &Builder{mem: mem, layout: l, b: array.NewRecordBuilder(mem, l.physSchema)}
	rb.fields = make([]*fieldRef, len(l.phys))
	rb.lastData = make([]int, len(l.phys))
	part := func(p plan.Part, format plan.RecordFormat) *partDecoder {
		if p == plan.PartKey {
			if rb.key == nil {
				rb.key = newPartDecoder(p, format, l.specs[p])
			}
			return rb.key
		}
		if rb.value == nil {
			rb.value = newPartDecoder(p, format, l.specs[p])
		}
		return rb.value
	}
	for i, c := range l.phys {
		fb := rb.b.Field(i)
		switch {
		case c.part != "" && c.fmtIdx >= 0:
			// A field of a schema-driven Format: its decoder appends to
			// the record builder's own builder (fields[i] stays nil).
			d := part(c.part, c.format)
			d.fmtIdx = append(d.fmtIdx, c.fmtIdx)
			d.bs = append(d.bs, fb)
			d.track = true
			continue
		case c.part != "":
			d := part(c.part, c.format)
			rb.fields[i] = &fieldRef{d: d, col: d.addField(c.field, fb.Type())}
			d.track = true // the struct's validity
			continue
		case c.name == plan.ColKey || c.name == plan.ColValue:
			rb.fields[i] = &fieldRef{whole: part(plan.Part(c.name), c.format).setWhole(fb.Type())}
		case c.name == plan.ColTopic:
			fc := rb.sourceCol(i, plan.TypeVarchar, fb.Type())
			rb.appends = append(rb.appends, func(*fetch.Record) { fc.appendBytes(rb.topic) })
		case c.name == plan.ColPartition:
			fc := rb.sourceCol(i, plan.TypeInteger, fb.Type())
			rb.appends = append(rb.appends, func(*fetch.Record) { fc.appendInt(int64(rb.partition)) })
		case c.name == plan.ColOffset:
			fc := rb.sourceCol(i, plan.TypeBigint, fb.Type())
			rb.appends = append(rb.appends, func(r *fetch.Record) { fc.appendInt(r.Offset) })
		case c.name == plan.ColTimestamp:
			fc := rb.sourceCol(i, plan.TypeTimestamp, fb.Type())
			rb.appends = append(rb.appends, func(r *fetch.Record) { fc.appendInt(r.Timestamp * 1000) }) // ms to TimestampType's µs
		case c.name == plan.ColTimestampType:
			fc := rb.sourceCol(i, plan.TypeInteger, fb.Type())
			rb.appends = append(rb.appends, func(r *fetch.Record) { fc.appendInt(int64(r.TimestampType)) })
		case c.name == plan.ColHeaders:
			lb := fb.(*array.ListBuilder)
			sb := lb.ValueBuilder().(*array.StructBuilder)
			kb := sb.FieldBuilder(0).(*array.StringBuilder)
			vb := sb.FieldBuilder(1).(*array.BinaryBuilder)
			rb.appends = append(rb.appends, func(r *fetch.Record) {
				if len(r.Headers) == 0 {
					lb.AppendNull() // Spark: null, not an empty list
					return
				}
				lb.Append(true)
				for _, h := range r.Headers {
					sb.Append(true)
					kb.BinaryBuilder.Append(h.Key)
					appendBytes(vb, h.Value)
				}
			})
		}
	}
	for _, d := range []*partDecoder{rb.value, rb.key} {
		if d == nil || len(d.fmtIdx) == 0 {
			continue
		}
		rd, err := d.spec.Schema.Decoder(d.fmtIdx)
		if err != nil {
			rb.Release()
			return nil, fmt.Errorf("%s: %w", d.part, err)
		}
		d.rows = rd
	}
	return rb, nil
}

// sourceCol returns a fieldCol, stored as typ in an array of type dt,
// that builds physical column i.
func (rb *Builder) sourceCol(i int, typ plan.FieldType, dt arrow.DataType) *fieldCol {
	c := newFieldCol(plan.Field{Name: rb.layout.phys[i].name, Type: typ}, dt)
	rb.fields[i] = &fieldRef{whole: &c}
	return &c
}

// fieldRef names the fieldCol of a physical column: a source column
// (whole), or a decoded field by its decoder and index.
type fieldRef struct {
	whole *fieldCol
	d     *partDecoder
	col   int
}

func (f *fieldRef) fieldCol() *fieldCol {
	if f.whole != nil {
		return f.whole
	}
	return &f.d.cols[f.col]
}

func appendBytes(b *array.BinaryBuilder, v []byte) {
	if v == nil {
		b.AppendNull()
		return
	}
	b.Append(v)
}

// SetTask says which topic and partition the next records come from.
func (rb *Builder) SetTask(topic string, partition int32) {
	rb.topic, rb.partition = []byte(topic), partition
}

// Append appends one record. A value or key that does not decode gets
// NULL columns; the first such error is returned with the part it is
// about, for the caller to count or fail on.
func (rb *Builder) Append(r *fetch.Record) (part plan.Part, err error) {
	if rb.rows == 0 && rb.lastRows > 0 {
		rb.reserve()
	}
	rb.bytes += len(r.Key) + len(r.Value)
	for _, fn := range rb.appends {
		fn(r)
	}
	if rb.value != nil {
		if e := rb.value.append(r.Value); e != nil {
			part, err = plan.PartValue, e
		}
	}
	if rb.key != nil {
		if e := rb.key.append(r.Key); e != nil && err == nil {
			part, err = plan.PartKey, e
		}
	}
	rb.rows++
	return part, err
}

// maxBatchBytes bounds the payload of one batch: a batch is flushed
// early when its keys and values reach it, far below the 2 GiB its
// string and binary columns can address.
const maxBatchBytes = 32 << 20

// Full reports whether the batch should be flushed: it has rows rows, or
// maxBatchBytes of payload.
func (rb *Builder) Full(rows int) bool {
	return rb.rows >= rows || rb.bytes >= maxBatchBytes
}

// reserve sizes the builders of b for a batch like the previous one.
func (rb *Builder) reserve() {
	for i, f := range rb.fields {
		if f != nil {
			continue
		}
		fb := rb.b.Field(i)
		fb.Reserve(rb.lastRows)
		if bb, ok := fb.(interface{ ReserveData(int) }); ok && rb.lastData[i] > 0 {
			bb.ReserveData(rb.lastData[i] + rb.lastData[i]/16)
		}
	}
}

// Flush returns the rows appended so far as a record (owned by the caller)
// and resets the builder; nil when there are none.
func (rb *Builder) Flush() arrow.RecordBatch {
	if rb.rows == 0 {
		return nil
	}
	n := rb.rows
	rb.rows, rb.bytes, rb.lastRows = 0, 0, n
	physCols := make([]arrow.Array, len(rb.fields))
	for i, f := range rb.fields {
		if f != nil {
			physCols[i] = f.fieldCol().finish(rb.mem)
			continue
		}
		fb := rb.b.Field(i)
		rb.lastData[i] = 0
		if bb, ok := fb.(interface{ DataLen() int }); ok {
			rb.lastData[i] = bb.DataLen()
		}
		physCols[i] = fb.NewArray()
	}
	phys := array.NewRecordBatch(rb.layout.physSchema, physCols, int64(n))
	for _, c := range physCols {
		c.Release()
	}
	if rb.layout.identity() {
		return phys
	}
	defer phys.Release()
	cols := make([]arrow.Array, len(rb.layout.out))
	for i, o := range rb.layout.out {
		if o.phys >= 0 {
			cols[i] = phys.Column(o.phys)
			cols[i].Retain()
			continue
		}
		d := rb.value
		if o.part == plan.PartKey {
			d = rb.key
		}
		children := make([]arrow.Array, len(o.fields))
		for j, k := range o.fields {
			children[j] = phys.Column(k)
		}
		bitmap, nulls := d.validity(rb.mem, n)
		st, err := array.NewStructArrayWithFieldsAndNulls(children, rb.layout.structs[o.part].Fields(), bitmap, nulls, 0)
		if bitmap != nil {
			bitmap.Release()
		}
		if err != nil {
			panic(err) // the layout built the types; a mismatch is a bug
		}
		cols[i] = st
	}
	for _, d := range []*partDecoder{rb.value, rb.key} {
		if d != nil {
			d.valid = d.valid[:0]
		}
	}
	rec := array.NewRecordBatch(rb.layout.schema, cols, int64(n))
	for _, c := range cols {
		c.Release()
	}
	return rec
}

// Release frees the builders' memory.
func (rb *Builder) Release() { rb.b.Release() }
