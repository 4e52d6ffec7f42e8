package kq_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/kq-sql/kq"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestDescribeReadsNoRecords: DESCRIBE lists each partition's offsets once
// (one ListOffsets for the earliest, one for the latest) and, when no
// field has to be inferred, fetches no records: it starts no scan. With
// valueFormat='json' and no schema it samples with one client.
func TestDescribeReadsNoRecords(t *testing.T) {
	c := kafkatest.New(t, kfake.SeedTopics(2, "events"))
	ctx := context.Background()
	var recs []*kgo.Record
	for i := range 40 {
		recs = append(recs, &kgo.Record{Topic: "events", Partition: int32(i % 2), Value: []byte(`{"n":1}`)})
	}
	if err := c.Produce(ctx, recs...); err != nil {
		t.Fatal(err)
	}
	var listOffsets, fetches atomic.Int64
	count := func(n *atomic.Int64) func(kmsg.Request) (kmsg.Response, error, bool) {
		return func(kmsg.Request) (kmsg.Response, error, bool) {
			n.Add(1)
			c.KeepControl()
			return nil, nil, false
		}
	}
	c.ControlKey(int16(kmsg.ListOffsets), count(&listOffsets))
	c.ControlKey(int16(kmsg.Fetch), count(&fetches))

	eng, err := kq.Open(kq.WithBrokers(c.Brokers()), kq.WithWorkers(4))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	for _, tc := range []struct {
		sql              string
		columns          int
		wantFetches      bool
		wantListRequests int64
	}{
		{"DESCRIBE kafka('events')", 7, false, 2},
		{"DESCRIBE kafka('events') WITH (valueFormat='json')", 8, true, 2},
	} {
		listOffsets.Store(0)
		fetches.Store(0)
		rows, err := eng.Query(ctx, tc.sql)
		if err != nil {
			t.Fatalf("%s: %v", tc.sql, err)
		}
		var columns, partitions int
		for rows.Next() {
			kind := rows.RecordBatch().Column(0)
			for i := range kind.Len() {
				switch kind.ValueStr(i) {
				case "column":
					columns++
				case "partition":
					partitions++
				}
			}
		}
		err = rows.Err()
		rows.Release()
		if err != nil || columns != tc.columns || partitions != 2 {
			t.Fatalf("%s: %d columns, %d partitions, %v; want %d and 2", tc.sql, columns, partitions, err, tc.columns)
		}
		if n := listOffsets.Load(); n != tc.wantListRequests {
			t.Errorf("%s: %d ListOffsets requests, want %d (earliest and latest, once)", tc.sql, n, tc.wantListRequests)
		}
		if n := fetches.Load(); (n > 0) != tc.wantFetches {
			t.Errorf("%s: %d fetches, want fetches %v", tc.sql, n, tc.wantFetches)
		}
	}
}
