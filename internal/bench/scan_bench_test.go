package bench

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/lang"
)

// BenchmarkScan runs scan.Start, kq's parallel scan alone (no DuckDB, no
// sink), over the bench topic (see getBenchTopic) and drains its Arrow
// stream: count-only, every source column with the raw value, two JSON
// fields (what the GROUP BY of `make bench` reads) and every JSON field.
// It is the exported entry point to the fetch loop, batch walk, JSON
// decoder and Arrow builders together; the gap between this and
// BenchmarkEngine is DuckDB's and the sinks' share.
func BenchmarkScan(b *testing.B) {
	t := getBenchTopic(b)
	ctx := context.Background()
	admCl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(t.brokers, ",")...))
	if err != nil {
		b.Fatal(err)
	}
	defer admCl.Close()
	adm := kadm.NewClient(admCl)
	newClient := func() (*kgo.Client, func(), error) {
		cl, err := kgo.NewClient(kgo.SeedBrokers(strings.Split(t.brokers, ",")...))
		if err != nil {
			return nil, nil, err
		}
		return cl, cl.Close, nil
	}
	kafka := fmt.Sprintf("kafka('%s')", t.topic)
	for _, q := range []struct{ name, sql string }{
		{"count", "SELECT COUNT(*) FROM " + kafka},
		{"raw-all", "SELECT * FROM " + kafka},
		{"json-2", "SELECT status, amount FROM " + kafka + " WITH (valueFormat='json')"},
		{"json-all", "SELECT * FROM " + kafka + " WITH (valueFormat='json')"},
	} {
		b.Run(q.name, func(b *testing.B) {
			stmt, err := lang.Parse(q.sql)
			if err != nil {
				b.Fatal(err)
			}
			pq, err := plan.Plan(ctx, stmt, adm)
			if err != nil {
				b.Fatal(err)
			}
			if len(pq.Scans) != 1 {
				b.Fatalf("%d scans", len(pq.Scans))
			}
			for b.Loop() {
				st, err := scan.Start(ctx, pq.Scans[0], &scan.Config{NewClient: newClient})
				if err != nil {
					b.Fatal(err)
				}
				var rows int64
				for st.Next() {
					rows += st.RecordBatch().NumRows()
				}
				if err := st.Err(); err != nil {
					b.Fatal(err)
				}
				stats := st.Stats()
				st.Release()
				if !pq.Scans[0].CountOnly && rows != t.n {
					b.Fatalf("%d rows, want %d", rows, t.n)
				}
				if stats.Rows != t.n {
					b.Fatalf("stats: %d rows, want %d", stats.Rows, t.n)
				}
			}
			t.report(b)
		})
	}
}
