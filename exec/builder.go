package exec

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/plan"
)

// rowBuilder appends records to Arrow builders for the projected columns.
// It is owned by one worker and is not safe for concurrent use.
type rowBuilder struct {
	schema  *arrow.Schema
	b       *array.RecordBuilder
	appends []func(topic string, partition int32, tsType int32, r *record)
	rows    int
}

func newRowBuilder(mem memory.Allocator, schema *arrow.Schema) *rowBuilder {
	rb := &rowBuilder{schema: schema, b: array.NewRecordBuilder(mem, schema)}
	for i, f := range schema.Fields() {
		fb := rb.b.Field(i)
		switch f.Name {
		case plan.ColKey:
			bb := fb.(*array.BinaryBuilder)
			rb.appends = append(rb.appends, func(_ string, _ int32, _ int32, r *record) { appendBytes(bb, r.Key) })
		case plan.ColValue:
			bb := fb.(*array.BinaryBuilder)
			rb.appends = append(rb.appends, func(_ string, _ int32, _ int32, r *record) { appendBytes(bb, r.Value) })
		case plan.ColTopic:
			sb := fb.(*array.StringBuilder)
			rb.appends = append(rb.appends, func(t string, _ int32, _ int32, _ *record) { sb.Append(t) })
		case plan.ColPartition:
			ib := fb.(*array.Int32Builder)
			rb.appends = append(rb.appends, func(_ string, p int32, _ int32, _ *record) { ib.Append(p) })
		case plan.ColOffset:
			ib := fb.(*array.Int64Builder)
			rb.appends = append(rb.appends, func(_ string, _ int32, _ int32, r *record) { ib.Append(r.Offset) })
		case plan.ColTimestamp:
			tb := fb.(*array.TimestampBuilder)
			rb.appends = append(rb.appends, func(_ string, _ int32, _ int32, r *record) { tb.Append(arrow.Timestamp(r.Timestamp)) })
		case plan.ColTimestampType:
			ib := fb.(*array.Int32Builder)
			rb.appends = append(rb.appends, func(_ string, _ int32, tt int32, _ *record) { ib.Append(tt) })
		case plan.ColHeaders:
			lb := fb.(*array.ListBuilder)
			sb := lb.ValueBuilder().(*array.StructBuilder)
			kb := sb.FieldBuilder(0).(*array.StringBuilder)
			vb := sb.FieldBuilder(1).(*array.BinaryBuilder)
			rb.appends = append(rb.appends, func(_ string, _ int32, _ int32, r *record) {
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
	return rb
}

func appendBytes(b *array.BinaryBuilder, v []byte) {
	if v == nil {
		b.AppendNull()
		return
	}
	b.Append(v)
}

func (rb *rowBuilder) append(topic string, partition, tsType int32, r *record) {
	for _, fn := range rb.appends {
		fn(topic, partition, tsType, r)
	}
	rb.rows++
}

// flush returns the rows appended so far as a record (owned by the caller)
// and resets the builder; nil when there are none.
func (rb *rowBuilder) flush() arrow.RecordBatch {
	if rb.rows == 0 {
		return nil
	}
	rb.rows = 0
	return rb.b.NewRecordBatch()
}

func (rb *rowBuilder) release() { rb.b.Release() }
