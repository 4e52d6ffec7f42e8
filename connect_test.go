package kq_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq"
)

// TestNoClusterNeeded: statements that do not read Kafka run with no
// broker to reach (an analyst querying an export or the session's
// tables); those that do still fail clearly, naming the brokers.
func TestNoClusterNeeded(t *testing.T) {
	ctx := context.Background()
	eng, err := kq.Open(kq.WithBrokers("127.0.0.1:1"), kq.WithTimeout(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	path := filepath.Join(t.TempDir(), "n.parquet")
	if _, err := eng.Exec(ctx, fmt.Sprintf("COPY (SELECT range AS n FROM range(10)) TO '%s' (FORMAT parquet)", path)); err != nil {
		t.Fatalf("COPY without a kafka() source: %v", err)
	}
	for _, q := range []string{
		"SELECT 42",
		fmt.Sprintf("SELECT SUM(n) FROM read_parquet('%s')", path),
		"WITH t AS (SELECT 1 AS x) SELECT * FROM t",
		"SHOW TABLES",
		"EXPLAIN SELECT 1",
	} {
		rr, err := eng.Query(ctx, q)
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		for rr.Next() {
		}
		if err := rr.Err(); err != nil {
			t.Errorf("%s: %v", q, err)
		}
		rr.Release()
	}
	rr, err := eng.Query(ctx, fmt.Sprintf("SELECT CAST(SUM(n) AS BIGINT) FROM read_parquet('%s')", path))
	if err != nil {
		t.Fatal(err)
	}
	if !rr.Next() || rr.RecordBatch().Column(0).(*array.Int64).Value(0) != 45 {
		t.Fatalf("SUM over the file: %v (%v)", rr.RecordBatch(), rr.Err())
	}
	rr.Release()
	for _, q := range []string{
		"SELECT COUNT(*) FROM kafka('orders')",
		"SELECT * FROM (SELECT 1) AS a WHERE EXISTS (SELECT 1 FROM kafka('orders'))",
		"SHOW TOPICS",
		"DESCRIBE kafka('orders')",
	} {
		_, err := eng.Query(ctx, q)
		if err == nil || !strings.Contains(err.Error(), "cannot reach Kafka at 127.0.0.1:1") {
			t.Errorf("%s: %v, want an unreachable-cluster error", q, err)
		}
	}
	if _, err := eng.Exec(ctx, fmt.Sprintf("COPY (SELECT * FROM kafka('orders')) TO '%s' (FORMAT parquet)", path)); err == nil || !strings.Contains(err.Error(), "cannot reach Kafka") {
		t.Errorf("COPY from kafka(): %v, want an unreachable-cluster error", err)
	}
}
