package decode

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
)

// BenchmarkDecodeJSON decodes one 125-byte order of the bench topic
// (bench.OrderValue) with valueFormat=json into the typed columns of its
// six fields, and of the two a GROUP BY status, SUM(amount) keeps after
// pruning; the value column itself is not built. Unlike
// BenchmarkDecodeOrder it sets the value format to json, without which
// the fields are not decoded at all.
func BenchmarkDecodeJSON(b *testing.B) {
	value := []byte(`{"order_id":1234567,"customer":"c-0042","amount":123.45,"status":"delivered","country":"DE","created_at":"2026-01-15T06:56:07Z"}`)
	all := []plan.Field{{Name: "order_id", Type: plan.TypeBigint}, {Name: "customer", Type: plan.TypeVarchar}, {Name: "amount", Type: plan.TypeDouble},
		{Name: "status", Type: plan.TypeVarchar}, {Name: "country", Type: plan.TypeVarchar}, {Name: "created_at", Type: plan.TypeTimestamp}}
	for _, fields := range [][]plan.Field{all, {all[2], all[3]}} {
		b.Run(fmt.Sprintf("fields=%d", len(fields)), func(b *testing.B) {
			l, err := newLayout(nil, plan.FormatJSON, plan.FormatRaw, fields, nil)
			if err != nil {
				b.Fatal(err)
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			rb := mustBuilder(b, mem, l)
			r := &fetch.Record{Value: value}
			b.SetBytes(int64(len(value)))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := rb.Append(r); err != nil {
					b.Fatal(err)
				}
				if i%8192 == 8191 {
					rec := rb.Flush()
					if rec.NumCols() != int64(len(fields)) {
						b.Fatalf("%d columns, want %d", rec.NumCols(), len(fields))
					}
					rec.Release()
				}
			}
			if rec := rb.Flush(); rec != nil {
				rec.Release()
			}
			rb.Release()
			if n := mem.CurrentAlloc(); n != 0 {
				b.Fatalf("%d bytes of Arrow memory not released", n)
			}
		})
	}
}
