package decode

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
)

// TestFieldColumns decodes rows into every field type, with rows whose
// last field does not convert (the fields before it must take their
// values back: the row is all NULL), across more than eight rows (the
// validity and boolean bytes) and two flushes.
func TestFieldColumns(t *testing.T) {
	fields := []plan.Field{{Name: "i", Type: plan.TypeBigint}, {Name: "n", Type: plan.TypeInteger}, {Name: "f", Type: plan.TypeDouble},
		{Name: "b", Type: plan.TypeBoolean}, {Name: "s", Type: plan.TypeVarchar}, {Name: "j", Type: plan.TypeJSON},
		{Name: "t", Type: plan.TypeTimestamp}, {Name: "last", Type: plan.TypeBigint}}
	d := newPartDecoder(plan.ColValue, plan.FormatJSON, PartSpec{})
	for _, f := range fields {
		dt, err := FieldArrowType(f.Type)
		if err != nil {
			t.Fatal(err)
		}
		d.addField(f, dt)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	for flush := range 2 {
		var want []string
		for r := range 11 {
			last := fmt.Sprint(r)
			if r%3 == 1 {
				last = `"bad"` // does not convert: a NULL row
			}
			v := fmt.Sprintf(`{"i":%d,"n":-%d,"f":%d.5,"b":%t,"s":"s%d","j":[%d],"t":"2026-01-01T00:00:0%dZ","last":%s}`,
				r, r, r, r%2 == 0, r, r, r%10, last)
			if r == 9 {
				v = `{"i":null,"b":null}` // NULLs and missing fields
			}
			err := d.append([]byte(v))
			switch {
			case r%3 == 1:
				if err == nil {
					t.Fatalf("row %d: no error", r)
				}
				want = append(want, strings.Repeat("(null) ", len(fields)))
			case err != nil:
				t.Fatalf("row %d: %v", r, err)
			case r == 9:
				want = append(want, strings.Repeat("(null) ", len(fields)))
			default:
				want = append(want, fmt.Sprintf("%d %d %d.5 %t s%d [%d] 2026-01-01T00:00:0%dZ %d ", r, -r, r, r%2 == 0, r, r, r%10, r))
			}
		}
		cols := make([]arrow.Array, len(d.cols))
		for j := range d.cols {
			cols[j] = d.cols[j].finish(mem)
			defer cols[j].Release()
		}
		for r := range want {
			var got strings.Builder
			for _, c := range cols {
				if c.IsNull(r) {
					got.WriteString("(null) ")
				} else {
					got.WriteString(c.ValueStr(r) + " ")
				}
			}
			if got.String() != want[r] {
				t.Errorf("flush %d row %d: %q, want %q", flush, r, got.String(), want[r])
			}
		}
	}
}

// TestBatchBytesBound checks that a batch of large values is full at
// maxBatchBytes of payload, long before BatchRows rows, and that its
// value column holds every byte.
func TestBatchBytesBound(t *testing.T) {
	l, err := newLayout([]string{plan.ColValue}, plan.FormatRaw, plan.FormatRaw, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rb := mustBuilder(t, mem, l)
	defer rb.Release()
	r := &fetch.Record{Value: make([]byte, 1<<20)}
	n := 0
	for !rb.Full(8192) {
		r.Value[0] = byte(n)
		if _, err := rb.Append(r); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if want := maxBatchBytes >> 20; n != want {
		t.Errorf("full after %d values of 1 MiB, want %d", n, want)
	}
	rec := rb.Flush()
	defer rec.Release()
	col := rec.Column(0).(interface{ Value(int) []byte })
	if rec.NumRows() != int64(n) || len(col.Value(n-1)) != 1<<20 || col.Value(n - 1)[0] != byte(n-1) {
		t.Errorf("%d rows, last value %d bytes", rec.NumRows(), len(col.Value(n-1)))
	}
}
