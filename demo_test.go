package kq_test

import (
	"context"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq"
)

func TestDemoCount(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	d, err := kq.StartDemo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	t.Logf("seeded in %v", time.Since(start))
	eng, err := kq.Open(kq.WithBrokers(d.Brokers()))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	start = time.Now()
	rr, err := eng.Query(ctx, "SELECT COUNT(*) FROM kafka('orders') WITH (minPartitions=8)")
	if err != nil {
		t.Fatal(err)
	}
	defer rr.Release()
	for rr.Next() {
		t.Log(rr.RecordBatch().Column(0).(*array.Int64).Value(0))
	}
	t.Logf("counted in %v", time.Since(start))
}
