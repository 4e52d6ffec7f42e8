package kq_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestExplainDemo checks EXPLAIN on the demo data: the seed example's 8
// tasks (balanced) and 7 (spark) in EXPLAIN's JSON form, and the
// partition/offset pushdown.
func TestExplainDemo(t *testing.T) {
	ctx := context.Background()
	d, err := demo.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	eng, err := kq.Open(kq.WithBrokers(d.Brokers()), kq.WithWorkers(3))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()

	type task struct {
		Topic           string `json:"topic"`
		Partition       int32  `json:"partition"`
		From            int64  `json:"from"`
		Until           int64  `json:"until"`
		PreferredWorker *int   `json:"preferredWorker"`
	}
	explain := func(sql string) (string, []task) {
		t.Helper()
		p, err := eng.Explain(ctx, sql)
		if err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
		b, err := p.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var out struct {
			Plan   map[string]any `json:"plan"`
			Pushed map[string]any `json:"pushed"`
			Tasks  []task         `json:"tasks"`
		}
		if err := json.Unmarshal(b, &out); err != nil {
			t.Fatalf("%v in %s", err, b)
		}
		if out.Plan == nil || out.Pushed == nil {
			t.Fatalf("plan or pushed missing in %s", b)
		}
		for _, tk := range out.Tasks {
			if tk.PreferredWorker == nil || *tk.PreferredWorker < 0 || *tk.PreferredWorker > 2 {
				t.Fatalf("task %+v: preferredWorker missing or out of range", tk)
			}
		}
		return p.String(), out.Tasks
	}
	ranges := func(ts []task) string {
		var parts []string
		for _, tk := range ts {
			parts = append(parts, strings.Join([]string{tk.Topic, strconv.Itoa(int(tk.Partition)), strconv.FormatInt(tk.From, 10), strconv.FormatInt(tk.Until, 10)}, ":"))
		}
		return strings.Join(parts, " ")
	}

	_, balanced := explain("EXPLAIN SELECT COUNT(*) FROM kafka('orders','payments') WITH (minPartitions=8, maxRecordsPerPartition=50000)")
	if got, want := ranges(balanced), "orders:0:1000:26000 orders:0:26000:51000 orders:0:51000:101000 orders:0:101000:151000 "+
		"orders:1:2000:42000 orders:1:42000:82000 orders:2:5000:35000 payments:0:100:40100"; got != want {
		t.Errorf("balanced tasks\n got %s\nwant %s", got, want)
	}
	if w := *balanced[0].PreferredWorker; w != 1 {
		t.Errorf("orders-0 preferred worker of 3 = %d, want 1 (Spark's hash)", w)
	}
	_, spark := explain("EXPLAIN SELECT COUNT(*) FROM kafka('orders','payments') WITH (minPartitions=8, maxRecordsPerPartition=50000, splitStrategy='spark')")
	if got, want := ranges(spark), "orders:0:1000:51000 orders:0:51000:101000 orders:0:101000:151000 "+
		"orders:1:2000:42000 orders:1:42000:82000 orders:2:5000:35000 payments:0:100:40100"; got != want {
		t.Errorf("spark tasks\n got %s\nwant %s", got, want)
	}
	text, pushed := explain("SELECT offset, value FROM kafka('orders') WHERE partition = 1 AND offset >= 50000")
	if got := ranges(pushed); got != "orders:1:50000:82000" {
		t.Errorf("pushdown tasks: got %s, want orders:1:50000:82000", got)
	}
	if !strings.Contains(text, "where partition = 1 AND offset >= 50000") || !strings.Contains(text, "partitions=[1] offsets=[50000, +inf)") {
		t.Errorf("EXPLAIN text does not show the pushdown:\n%s", text)
	}
}

// TestCountOnlyPushdownExact checks that COUNT(*) with pushed partition,
// offset and timestamp predicates (a count-only scan, no SQL engine) counts
// exactly what the predicates select, on timestamps that do not grow with
// offsets, and equals the count DuckDB computes over the same rows.
func TestCountOnlyPushdownExact(t *testing.T) {
	ctx := context.Background()
	c := kafkatest.New(t, kfake.SeedTopics(2, "shuffled"))
	type rec struct {
		p   int32
		off int64
		ts  int64
	}
	var recs []rec
	krecs := kafkatest.Records("shuffled", []int{300, 300}, func(p int32, i int) *kgo.Record {
		off := int64(i)
		ts := 1_000_000 + (off*7919+int64(p)*104729)%300*1000 // a permutation of 300 seconds
		recs = append(recs, rec{p, off, ts})
		return &kgo.Record{Value: []byte("v"), Timestamp: time.UnixMilli(ts)}
	})
	if err := c.Produce(ctx, krecs...); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, tc := range []struct {
		where string
		keep  func(r rec) bool
	}{
		{"timestamp >= '1970-01-01 00:19:10'", func(r rec) bool { return r.ts >= 1_150_000 }},
		{"timestamp > '1970-01-01 00:19:09.9995'", func(r rec) bool { return r.ts >= 1_150_000 }},
		{"timestamp <= '1970-01-01 00:19:10.0005' AND timestamp > '1970-01-01 00:18:59.999'", func(r rec) bool { return r.ts <= 1_150_000 && r.ts >= 1_140_000 }},
		{"timestamp < TIMESTAMPTZ '1970-01-01 01:18:20+01'", func(r rec) bool { return r.ts < 1_100_000 }},
		{"timestamp BETWEEN TIMESTAMP '1970-01-01 00:18:00' AND TIMESTAMP '1970-01-01 00:19:00'", func(r rec) bool { return r.ts >= 1_080_000 && r.ts <= 1_140_000 }},
		{"partition = 1 AND offset >= 100 AND timestamp > '1970-01-01T00:20:00.000Z'", func(r rec) bool { return r.p == 1 && r.off >= 100 && r.ts > 1_200_000 }},
		{"(partition = 0 OR partition = 1) AND offset < 50 AND timestamp < '1970-01-01 00:20:50'", func(r rec) bool { return r.off < 50 && r.ts < 1_250_000 }},
	} {
		t.Run(tc.where, func(t *testing.T) {
			var want int64
			for _, r := range recs {
				if tc.keep(r) {
					want++
				}
			}
			p, err := eng.Explain(ctx, "SELECT COUNT(*) FROM kafka('shuffled') WHERE "+tc.where)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.String(), "count-only") {
				t.Fatalf("not a count-only plan:\n%s", p)
			}
			if got := queryInt64(t, eng, "SELECT COUNT(*) FROM kafka('shuffled') WHERE "+tc.where); got != want {
				t.Errorf("count-only: %d rows, want %d", got, want)
			}
			// MIN(offset) keeps the query out of the count-only path.
			if got := queryInt64(t, eng, "SELECT COUNT(*) + 0 * MIN(offset) FROM kafka('shuffled') WHERE "+tc.where); got != want {
				t.Errorf("through the SQL engine: %d rows, want %d", got, want)
			}
		})
	}
}
