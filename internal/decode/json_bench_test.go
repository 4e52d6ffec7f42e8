package decode

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
)

var benchOrder = []byte(`{"order_id":1000123,"customer":"c-0042","amount":123.45,"status":"shipped","country":"DE","created_at":"2026-01-01T10:00:00Z"}`)

// BenchmarkDecodeOrder decodes one ~120-byte order into typed columns:
// all six fields, and two of them (a pruned GROUP BY status, SUM(amount)).
func BenchmarkDecodeOrder(b *testing.B) {
	all := []plan.Field{{Name: "order_id", Type: plan.TypeBigint}, {Name: "customer", Type: plan.TypeVarchar}, {Name: "amount", Type: plan.TypeDouble},
		{Name: "status", Type: plan.TypeVarchar}, {Name: "country", Type: plan.TypeVarchar}, {Name: "created_at", Type: plan.TypeTimestamp}}
	for _, fields := range [][]plan.Field{all, {all[2], all[3]}} {
		b.Run(fmt.Sprintf("fields=%d", len(fields)), func(b *testing.B) {
			l, err := newLayout(nil, plan.FormatJSON, plan.FormatRaw, fields, nil)
			if err != nil {
				b.Fatal(err)
			}
			rb := mustBuilder(b, memory.NewGoAllocator(), l)
			defer rb.Release()
			r := &fetch.Record{Value: benchOrder}
			b.SetBytes(int64(len(benchOrder)))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if _, err := rb.Append(r); err != nil {
					b.Fatal(err)
				}
				if i%8192 == 8191 {
					rb.Flush().Release()
				}
			}
		})
	}
	// For scale: encoding/json into a struct.
	b.Run("encoding-json", func(b *testing.B) {
		var v struct {
			OrderID   int64   `json:"order_id"`
			Customer  string  `json:"customer"`
			Amount    float64 `json:"amount"`
			Status    string  `json:"status"`
			Country   string  `json:"country"`
			CreatedAt string  `json:"created_at"`
		}
		b.SetBytes(int64(len(benchOrder)))
		b.ReportAllocs()
		for b.Loop() {
			if err := json.Unmarshal(benchOrder, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
