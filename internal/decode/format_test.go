package decode

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
)

// pairFormat is a schema-driven Format for the test: a payload is two
// big-endian int64s, n and m; its fields are n (BIGINT) and ms, a LIST
// of m copies of n (a nested type).
type pairFormat struct{}

func (pairFormat) Fields() []arrow.Field {
	return []arrow.Field{
		{Name: "n", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "ms", Type: arrow.ListOf(arrow.PrimitiveTypes.Int64), Nullable: true},
	}
}

func (pairFormat) Decoder(idx []int) (RowDecoder, error) { return pairDecoder(idx), nil }

type pairDecoder []int

func (d pairDecoder) Decode(data []byte, bs []array.Builder) error {
	if len(data) != 16 {
		return errors.New("want 16 bytes")
	}
	n, m := int64(binary.BigEndian.Uint64(data)), int64(binary.BigEndian.Uint64(data[8:]))
	for i, f := range d {
		switch f {
		case 0:
			bs[i].(*array.Int64Builder).Append(n)
		case 1:
			lb := bs[i].(*array.ListBuilder)
			lb.Append(true)
			for range m {
				lb.ValueBuilder().(*array.Int64Builder).Append(n)
			}
		}
	}
	return nil
}

// TestSchemaDrivenPart: a part decoded by a Format is a STRUCT of the
// fields the query uses, which are also top-level columns of nested
// types; a payload that does not decode gives NULLs and a decode error.
func TestSchemaDrivenPart(t *testing.T) {
	s := &plan.Scan{Columns: []string{plan.ColOffset}, Fields: []plan.FieldRef{{Part: plan.PartValue, Name: "ms"}}}
	s.Options.ValueFormat = plan.RecordFormat("test")
	l, err := ScanLayout(s, PartSpec{Schema: pairFormat{}}, PartSpec{})
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Schema().String(); got != "schema:\n  fields: 2\n    - offset: type=int64\n    - ms: type=list<item: int64, nullable>, nullable" {
		t.Fatalf("schema %s", got)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rb := mustBuilder(t, mem, l)
	defer rb.Release()
	payload := func(n, m uint64) []byte {
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, n), m)
	}
	for i, v := range [][]byte{payload(7, 2), []byte("bad"), nil, payload(9, 0)} {
		_, err := rb.Append(&fetch.Record{Offset: int64(i), Value: v})
		if (err != nil) != (i == 1) {
			t.Fatalf("record %d: error %v", i, err)
		}
	}
	rec := rb.Flush()
	defer rec.Release()
	if got := rec.Column(1).String(); got != "[[7 7] (null) (null) []]" {
		t.Fatalf("ms = %s", got)
	}
}
