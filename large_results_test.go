package kq_test

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/demo"
)

// ordersBroker starts a demo broker with the demo's orders topic alone:
// 260,000 JSON orders over 3 partitions.
func ordersBroker(t *testing.T) *demo.Broker {
	t.Helper()
	b, err := demo.Start(context.Background(), demo.WithTopics(demo.Topics[0]))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// filterQuery is run by DuckDB (its WHERE cannot be pushed into the scan).
const filterQuery = `SELECT * FROM kafka('orders') WITH (valueFormat='json') WHERE status = 'paid'`

// TestDuckDBResultStreams: the first batch of a query DuckDB runs arrives
// while its scan is still running — the scan holds at most
// (2×workers+workers) batches of 8192 rows ahead of DuckDB, and DuckDB
// about a megabyte of result, far fewer than the topic's 260,000 records
// — and releasing or cancelling the result then stops the scan and frees
// its workers.
func TestDuckDBResultStreams(t *testing.T) {
	b := ordersBroker(t)
	eng, err := kq.Open(kq.WithBrokers(b.Brokers()), kq.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()

	// The whole result, for the figures the other cases compare with.
	rows, err := eng.Query(ctx, filterQuery)
	if err != nil {
		t.Fatal(err)
	}
	var paid int64
	for rows.Next() {
		paid += rows.RecordBatch().NumRows()
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	st := rows.Stats()
	rows.Release()
	if st == nil || st.Rows != 260000 || paid == 0 || paid >= st.Rows {
		t.Fatalf("%d paid orders, stats %+v", paid, st)
	}

	t.Run("first batch before the scan ends", func(t *testing.T) {
		var done atomic.Bool
		var offsets, estimated atomic.Int64
		pctx := kq.TrackProgress(ctx, func(p kq.Progress) {
			offsets.Store(p.Offsets)
			estimated.Store(p.EstimatedRows)
			if p.Done {
				done.Store(true)
			}
		})
		rows, err := eng.Query(pctx, filterQuery)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Release()
		if !rows.Next() {
			t.Fatalf("no first batch: %v", rows.Err())
		}
		if done.Load() {
			t.Fatal("the scan had ended when the first batch arrived: the result was not streamed")
		}
		t.Logf("first batch of %d rows after %d of %d offsets", rows.RecordBatch().NumRows(), offsets.Load(), estimated.Load())
		if rows.Stats() != nil {
			t.Fatal("Stats before the end of the result")
		}
		n := rows.RecordBatch().NumRows()
		for rows.Next() {
			n += rows.RecordBatch().NumRows()
		}
		if err := rows.Err(); err != nil || n != paid {
			t.Fatalf("%d rows (%v), want %d", n, err, paid)
		}
		if st := rows.Stats(); st == nil || st.Rows != 260000 {
			t.Fatalf("stats at the end: %+v", st)
		}
	})

	t.Run("release mid-stream frees the workers", func(t *testing.T) {
		base := runtime.NumGoroutine()
		rows, err := eng.Query(ctx, filterQuery)
		if err != nil {
			t.Fatal(err)
		}
		if !rows.Next() {
			t.Fatal(rows.Err())
		}
		rows.Release()
		settled(t, base)
	})

	t.Run("cancel mid-stream frees the workers", func(t *testing.T) {
		base := runtime.NumGoroutine()
		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		rows, err := eng.Query(cctx, filterQuery)
		if err != nil {
			t.Fatal(err)
		}
		batches := 0
		for rows.Next() {
			if batches++; batches == 2 {
				cancel()
			}
		}
		if !errors.Is(rows.Err(), context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", rows.Err())
		}
		rows.Release()
		settled(t, base)
	})

	// The engine goes on answering on the connections the cancelled
	// statements gave back.
	rows, err = eng.Query(ctx, `SELECT status, COUNT(*) AS n FROM kafka('orders') WITH (valueFormat='json') GROUP BY status ORDER BY status`)
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for rows.Next() {
		n := rows.RecordBatch().Column(1).(*array.Int64)
		for i := range n.Len() {
			total += n.Value(i)
		}
	}
	if err := rows.Err(); err != nil || total != 260000 {
		t.Fatalf("%d orders after the cancellations (%v)", total, err)
	}
	rows.Release()
}

// settled waits until the goroutines are back to base (closed Kafka
// clients take a moment to end theirs) and fails, listing them, when
// they are not within 10 s.
func settled(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			var buf bytes.Buffer
			_ = pprof.Lookup("goroutine").WriteTo(&buf, 1)
			t.Fatalf("%d goroutines, %d before the query:\n%s", runtime.NumGoroutine(), base, buf.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestMemoryLimit: WithMemoryLimit reaches DuckDB. A sort under the limit
// completes in order; a query whose state cannot spill fails with an
// error naming the limit; a negative limit is Open's error.
func TestMemoryLimit(t *testing.T) {
	if _, err := kq.Open(kq.WithMemoryLimit(-1)); err == nil || !strings.Contains(err.Error(), "WithMemoryLimit(-1)") {
		t.Fatalf("negative limit: %v", err)
	}
	b := ordersBroker(t)
	eng, err := kq.Open(kq.WithBrokers(b.Brokers()), kq.WithWorkers(2), kq.WithMemoryLimit(64<<20))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	ctx := context.Background()

	// 260,000 rows with their values as text: about as much sort state as
	// the limit. (Spilling itself is checked in internal/duck, where the
	// temporary directory can be looked at: TestMemoryLimitSpills. With
	// 2 threads DuckDB 1.5.3's sort fails to pin its blocks at limits
	// well below its data, 40 MiB here, where 1 thread completes.)
	rows, err := eng.Query(ctx, `SELECT offset, partition, CAST(value AS VARCHAR) AS v FROM kafka('orders') ORDER BY offset DESC, partition`)
	if err != nil {
		t.Fatal(err)
	}
	n, last := 0, int64(1<<62)
	for rows.Next() {
		off := rows.RecordBatch().Column(0).(*array.Int64)
		for i := range off.Len() {
			if off.Value(i) > last {
				t.Fatalf("row %d: offset %d after %d", n, off.Value(i), last)
			}
			last = off.Value(i)
			n++
		}
	}
	if err := rows.Err(); err != nil || n != 260000 {
		t.Fatalf("%d rows: %v", n, err)
	}
	rows.Release()

	rows, err = eng.Query(ctx, `SELECT list(value) FROM kafka('orders')`)
	if err == nil {
		for rows.Next() {
		}
		err = rows.Err()
		rows.Release()
	}
	if err == nil || !strings.Contains(err.Error(), "Out of Memory") || !strings.Contains(err.Error(), "64.0 MiB") {
		t.Fatalf("list() over the limit: %v", err)
	}
}
