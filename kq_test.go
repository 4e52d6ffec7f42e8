package kq_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// events returns perPartition[p] records for each partition p of topic
// "events", record i of partition p valued "v-p-i".
func events(perPartition ...int) []*kgo.Record {
	return kafkatest.Records("events", perPartition, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: fmt.Appendf(nil, "v-%d-%d", p, i)}
	})
}

// openOn opens an engine on cluster c with opts, closed when t ends.
func openOn(t *testing.T, c *kafkatest.Cluster, opts ...kq.Option) *kq.Engine {
	t.Helper()
	eng, err := kq.Open(append([]kq.Option{kq.WithBrokers(c.ListenAddrs()...)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	return eng
}

// queryInt64 runs sql and returns the single BIGINT it produces.
func queryInt64(t *testing.T, eng *kq.Engine, sql string) int64 {
	t.Helper()
	rr, err := eng.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rr.Release()
	var got []int64
	for rr.Next() {
		col := rr.RecordBatch().Column(0).(*array.Int64)
		for i := 0; i < col.Len(); i++ {
			got = append(got, col.Value(i))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	if len(got) != 1 {
		t.Fatalf("%s: got %d rows, want 1", sql, len(got))
	}
	return got[0]
}

func TestCountExact(t *testing.T) {
	perPartition := []int{1000, 1, 0, 2500, 777}
	c := kafkatest.New(t, kfake.NumBrokers(3), kfake.SeedTopics(int32(len(perPartition)), "events"))
	if err := c.Produce(context.Background(), events(perPartition...)...); err != nil {
		t.Fatal(err)
	}
	want := int64(0)
	for _, n := range perPartition {
		want += int64(n)
	}

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	eng, err := kq.Open(kq.WithBrokers(c.ListenAddrs()...), kq.WithAllocator(mem))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, opts := range []string{"", " WITH (minPartitions=1)", " WITH (minPartitions=7)", " WITH (minPartitions=64, maxRecordsPerPartition=100)", " WITH (splitStrategy='spark', minPartitions=9)"} {
		t.Run(opts, func(t *testing.T) {
			if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('events')"+opts); got != want {
				t.Fatalf("COUNT(*) = %d, want %d", got, want)
			}
		})
	}
	t.Run("rows", func(t *testing.T) {
		rr, err := eng.Query(context.Background(), "SELECT partition, offset, value FROM kafka('events') WITH (minPartitions=10)")
		if err != nil {
			t.Fatal(err)
		}
		defer rr.Release()
		seen := map[[2]int64]bool{}
		for rr.Next() {
			rec := rr.RecordBatch()
			parts := rec.Column(0).(*array.Int32)
			offs := rec.Column(1).(*array.Int64)
			vals := rec.Column(2).(*array.Binary)
			for i := 0; i < int(rec.NumRows()); i++ {
				k := [2]int64{int64(parts.Value(i)), offs.Value(i)}
				if seen[k] {
					t.Fatalf("duplicate row %v", k)
				}
				seen[k] = true
				if want := fmt.Sprintf("v-%d-%d", k[0], k[1]); string(vals.Value(i)) != want {
					t.Fatalf("row %v: value %q, want %q", k, vals.Value(i), want)
				}
			}
		}
		if err := rr.Err(); err != nil {
			t.Fatal(err)
		}
		if int64(len(seen)) != want {
			t.Fatalf("read %d rows, want %d", len(seen), want)
		}
	})
	t.Run("limit", func(t *testing.T) {
		rr, err := eng.Query(context.Background(), "SELECT offset FROM kafka('events') LIMIT 123")
		if err != nil {
			t.Fatal(err)
		}
		var n int64
		for rr.Next() {
			n += rr.RecordBatch().NumRows()
		}
		rr.Release()
		if n != 123 {
			t.Fatalf("LIMIT 123 gave %d rows", n)
		}
	})
	mem.AssertSize(t, 0)
}

func TestDemoCounts(t *testing.T) {
	d, err := demo.Start(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	eng, err := kq.Open(kq.WithBrokers(d.Brokers()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, tc := range []struct {
		sql  string
		want int64
	}{
		{"SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=8)", 260000},
		{"SELECT COUNT(*) FROM kafka('orders', 'payments')", 300000},
		{"SELECT COUNT(*) FROM kafka('ledger')", 4000},
		{"SELECT COUNT(*) FROM kafka('ledger') WITH (isolationLevel='read_uncommitted')", 5000},
		{"SELECT COUNT(*) FROM kafka('ledger') WITH (minPartitions=17)", 4000},
		// Partition bounds: upper bounds are pushed (the scan reads only
		// those partitions), lower bounds stay filters; orders has
		// 150000, 80000 and 30000 records in partitions 0, 1 and 2.
		{"SELECT COUNT(*) FROM kafka('orders') WHERE partition < 2", 230000},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE partition <= 0", 150000},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE 2 > partition AND offset >= 80000", 71000 + 2000},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE (partition < 1 OR partition = 2)", 180000},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE partition < 0", 0},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE partition >= 1 AND partition < 3", 110000},
		{"SELECT COUNT(*) FROM kafka('orders') WHERE partition > 0", 110000},
	} {
		if got := queryInt64(t, eng, tc.sql); got != tc.want {
			t.Errorf("%s = %d, want %d", tc.sql, got, tc.want)
		}
	}
}
