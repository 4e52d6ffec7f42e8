package kq_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// queryText runs sql and returns its rows as text, one line per row
// (values as Arrow prints them), and the query's statistics.
func queryText(t *testing.T, eng *kq.Engine, sql string) (string, *kq.Stats) {
	t.Helper()
	rr, err := eng.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rr.Release()
	var lines []string
	for rr.Next() {
		rec := rr.RecordBatch()
		for i := range int(rec.NumRows()) {
			var vals []string
			for _, col := range rec.Columns() {
				vals = append(vals, col.ValueStr(i))
			}
			lines = append(lines, strings.Join(vals, ","))
		}
	}
	if err := rr.Err(); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return strings.Join(lines, "\n"), rr.Stats()
}

// TestTopNPushedExact: the latest (and first) records of a topic, overall
// and per partition, are the same whether the scan reads only the tails
// or the whole topic (the same query written with offset + 0, which the
// planner cannot push), over a transactional topic whose partitions end
// in aborted transactions and markers; the pushed query reads at most a
// few records per partition.
func TestTopNPushedExact(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(3, "ledger"))
	ctx := context.Background()
	var txns [][]*kgo.Record
	for k := range 30 {
		txns = append(txns, kafkatest.Records("ledger", []int{4 + k%5, 3, 7 - k%3}, func(p int32, i int) *kgo.Record {
			return &kgo.Record{Key: fmt.Appendf(nil, "k%d", i), Value: fmt.Appendf(nil, "t%d-p%d-%d", k, p, i)}
		}))
	}
	// Transactions 9, 19 and the last three are aborted: every partition
	// ends in aborted records and their markers.
	if err := c.Transactions(ctx, "kq-ledger", txns, func(k int) bool { return k%10 == 9 || k >= 27 }); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()

	for _, tc := range []struct{ pushed, plain string }{
		{"SELECT partition, offset, CAST(value AS VARCHAR) AS v FROM kafka('ledger') ORDER BY offset DESC, partition LIMIT 4",
			"SELECT partition, offset, CAST(value AS VARCHAR) AS v FROM kafka('ledger') ORDER BY offset + 0 DESC, partition LIMIT 4"},
		{"SELECT partition, offset FROM kafka('ledger') ORDER BY offset, partition LIMIT 5 OFFSET 2",
			"SELECT partition, offset FROM kafka('ledger') ORDER BY offset + 0, partition LIMIT 5 OFFSET 2"},
		{"SELECT partition, offset, CAST(value AS VARCHAR) AS v FROM kafka('ledger') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3 ORDER BY partition, offset",
			"SELECT partition, offset, CAST(value AS VARCHAR) AS v FROM kafka('ledger') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset + 0 DESC) <= 3 ORDER BY partition, offset"},
		{"SELECT *, row_number() OVER (PARTITION BY partition ORDER BY offset) AS rn FROM kafka('ledger') WHERE partition IN (0, 2) QUALIFY rn < 3 ORDER BY partition, rn",
			"SELECT *, row_number() OVER (PARTITION BY partition ORDER BY offset + 0) AS rn FROM kafka('ledger') WHERE partition IN (0, 2) QUALIFY rn < 3 ORDER BY partition, rn"},
	} {
		t.Run(tc.pushed, func(t *testing.T) {
			p, err := eng.Explain(ctx, tc.pushed)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(p.String(), "top=") {
				t.Fatalf("no top-N pushed:\n%s", p)
			}
			got, gotStats := queryText(t, eng, tc.pushed)
			want, wantStats := queryText(t, eng, tc.plain)
			if got != want || got == "" {
				t.Errorf("pushed:\n%s\nwant (whole topic):\n%s", got, want)
			}
			if gotStats.Rows > 3*7 || wantStats.Rows < 200 {
				t.Errorf("pushed query read %d records, the plain one %d", gotStats.Rows, wantStats.Rows)
			}
		})
	}
}
