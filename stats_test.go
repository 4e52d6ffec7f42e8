package kq_test

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestMergedStats: a statement over two sources reports their statistics
// merged: filtered records kept, each lost partition named once.
func TestMergedStats(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(1, "lossy"))
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var recs []*kgo.Record
	for i := range 100 {
		recs = append(recs, &kgo.Record{Topic: "lossy", Value: []byte("v"), Timestamp: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	del := kadm.Offsets{}
	del.AddOffset("lossy", 0, 10, -1)
	if err := c.DeleteRecords(ctx, del); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	// Each source: [0, 100), 10 lost below the log start, 40 rows before
	// the bound, 50 filtered by it (an upper bound is a row filter).
	src := `SELECT offset FROM kafka('lossy') WITH (startingOffsets='{"lossy":{"0":0}}', failOnDataLoss=false) WHERE timestamp < TIMESTAMP '2026-01-01 00:00:00.050'`
	res, err := eng.Exec(ctx, "CREATE TABLE merged AS "+src+" UNION ALL "+src)
	if err != nil {
		t.Fatal(err)
	}
	st := res.Scan
	if res.Rows != 80 || st == nil || st.Rows != 80 || st.FilteredRecords != 100 || st.RecordsLost != 20 || len(st.Tasks) != 2 {
		t.Fatalf("rows %d, stats %+v; want 80 rows, 100 filtered, 20 lost in 2 tasks", res.Rows, st)
	}
	if !st.DataLoss.Detected || st.DataLoss.RecordsLost != 20 || fmt.Sprint(st.DataLoss.Partitions) != "[lossy-0]" {
		t.Fatalf("data loss %+v, want 20 records in lossy-0, named once", st.DataLoss)
	}
}

// TestConcurrentQueryStats: queries running at once on one engine each
// get their own statistics.
func TestConcurrentQueryStats(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(2, "small", "large"))
	ctx := context.Background()
	sizes := map[string]int{"small": 100, "large": 3000}
	var recs []*kgo.Record
	for topic, n := range sizes {
		for i := range n {
			recs = append(recs, &kgo.Record{Topic: topic, Partition: int32(i % 2), Value: []byte(fmt.Sprintf(`{"n":%d}`, i))})
		}
	}
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithWorkers(2))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	queries := []string{
		"SELECT offset FROM kafka('%s')",                                        // streamed from the scan
		"SELECT SUM(n) FROM kafka('%s') WITH (valueFormat='json') WHERE n >= 0", // DuckDB
		"SELECT COUNT(*) FROM kafka('%s')",                                      // count-only
	}
	var wg sync.WaitGroup
	errs := make(chan error, 24)
	for i := range 24 {
		topic := []string{"small", "large"}[i%2]
		sql := fmt.Sprintf(queries[i/2%len(queries)], topic)
		wg.Add(1)
		go func() {
			defer wg.Done()
			rows, err := eng.Query(ctx, sql)
			if err != nil {
				errs <- err
				return
			}
			defer rows.Release()
			for rows.Next() {
			}
			if err := rows.Err(); err != nil {
				errs <- err
				return
			}
			st := rows.Stats()
			if st == nil || st.Rows != int64(sizes[topic]) {
				errs <- fmt.Errorf("%s: stats %+v, want %d rows", sql, st, sizes[topic])
				return
			}
			for _, task := range st.Tasks {
				if task.Topic != topic {
					errs <- fmt.Errorf("%s: a task of %s in its stats", sql, task.Topic)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
