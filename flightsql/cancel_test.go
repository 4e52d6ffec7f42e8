package flightsql_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"runtime/pprof"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/flightsql"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// bigTopic holds enough records (many 8192-row batches per partition)
// that a scan is still running, held by backpressure, when the client
// has read its first batch.
func bigTopic(t *testing.T, c *kafkatest.Cluster) {
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "big", 3, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Produce(ctx, kafkatest.Records("big", []int{60000, 60000, 60000}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Value: fmt.Appendf(nil, "%d-%d-%s", p, i, bytes.Repeat([]byte("x"), 80))}
	})...); err != nil {
		t.Fatal(err)
	}
}

// settled waits until the number of goroutines is at most n and returns
// true, or returns false after 10 s.
func settled(n int) bool {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if runtime.NumGoroutine() <= n {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// TestCancelMidScan: a client that cancels its DoGet, or disconnects,
// after the first batch stops the scan: every goroutine the query
// started ends (the workers and their Kafka clients included), its
// batches are released (the checked allocator ends at 0) and its slot
// is free again.
func TestCancelMidScan(t *testing.T) {
	f := start(t, fixtureOpts{topics: bigTopic, server: []flightsql.Option{flightsql.WithMaxQueries(1)}})
	const sql = "SELECT partition, offset, value FROM kafka('big')"
	for _, how := range []string{"cancel", "disconnect"} {
		t.Run(how, func(t *testing.T) {
			keep := f.client(t) // checks the slot afterwards
			cl := f.client(t)
			// A whole run first, so that lazily started parts of the
			// engine count in the baseline.
			if rows, err := query(context.Background(), keep, "SELECT COUNT(*) FROM kafka('big') WHERE offset >= 0"); err != nil || rows[0][0] != "180000" {
				t.Fatalf("warm-up: %q, %v", rows, err)
			}
			if _, err := query(context.Background(), cl, "SELECT 1"); err != nil {
				t.Fatal(err)
			}
			time.Sleep(200 * time.Millisecond)
			base := runtime.NumGoroutine()

			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			info, err := cl.Execute(ctx, sql)
			if err != nil {
				t.Fatal(err)
			}
			rdr, err := cl.DoGet(ctx, info.Endpoint[0].Ticket)
			if err != nil {
				t.Fatal(err)
			}
			if !rdr.Next() {
				t.Fatalf("no first batch: %v", rdr.Err())
			}
			if n := rdr.RecordBatch().NumRows(); n == 0 || n >= 180000 {
				t.Fatalf("first batch has %d rows", n)
			}
			running := runtime.NumGoroutine()
			if running <= base {
				t.Fatalf("%d goroutines mid-scan, %d before: is the scan running?", running, base)
			}
			if how == "cancel" {
				cancel()
			} else {
				cl.Close()
			}
			if !settled(base) {
				var dump bytes.Buffer
				pprof.Lookup("goroutine").WriteTo(&dump, 1)
				t.Fatalf("%d goroutines 10 s after the %s, %d before the query (%d mid-scan):\n%s", runtime.NumGoroutine(), how, base, running, dump.String())
			}
			rdr.Release()
			if _, err := query(context.Background(), keep, "SELECT COUNT(*) FROM kafka('big')"); err != nil {
				t.Fatalf("the slot was not freed: %v", err)
			}
		})
	}
}
