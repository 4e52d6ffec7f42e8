package demo

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq"
)

// TestDemoJSONGroupBy runs a JSON GROUP BY over the demo orders
// (valueFormat='json': the scan decodes the values into typed columns,
// DuckDB groups them) and compares per-status counts and amount sums with
// what the demo produced, decoded here independently with encoding/json.
func TestDemoJSONGroupBy(t *testing.T) {
	wantCount, wantSum := map[string]int64{}, map[string]float64{}
	var orders Topic
	for _, dt := range Topics {
		if dt.Name == "orders" {
			orders = dt
		}
	}
	for p, r := range orders.Ranges {
		for off := r[0]; off < r[1]; off++ {
			var v struct {
				Status string  `json:"status"`
				Amount float64 `json:"amount"`
			}
			if err := json.Unmarshal(orders.record(int32(p), off).Value, &v); err != nil {
				t.Fatal(err)
			}
			wantCount[v.Status]++
			wantSum[v.Status] += v.Amount
		}
	}

	ctx := context.Background()
	d, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	eng, err := kq.Open(kq.WithBrokers(d.Brokers()), kq.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	rr, err := eng.Query(ctx, "SELECT status, COUNT(*) AS n, SUM(amount) AS total FROM kafka('orders') WITH (valueFormat='json', minPartitions=8) GROUP BY status")
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	gotCount, gotSum := map[string]int64{}, map[string]float64{}
	for rr.Next() {
		rec := rr.RecordBatch()
		status, n, total := rec.Column(0).(*array.String), rec.Column(1).(*array.Int64), rec.Column(2).(*array.Float64)
		for i := range status.Len() {
			s := strings.Clone(status.Value(i)) // the value aliases the batch
			gotCount[s], gotSum[s] = n.Value(i), total.Value(i)
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatal(err)
	}
	stats := rr.Stats()
	if len(gotCount) != len(wantCount) || len(wantCount) != 5 {
		t.Fatalf("statuses %v, want %v", gotCount, wantCount)
	}
	for s, n := range wantCount {
		if gotCount[s] != n || math.Abs(gotSum[s]-wantSum[s]) > 1e-6*wantSum[s] {
			t.Errorf("%s: count %d sum %.2f, want %d and %.2f", s, gotCount[s], gotSum[s], n, wantSum[s])
		}
	}
	if stats == nil || stats.Rows != 260000 || stats.DecodeErrors != 0 || len(stats.Tasks) != 8 {
		t.Errorf("stats %+v, want 260000 rows in 8 tasks without decode errors", stats)
	}
}
