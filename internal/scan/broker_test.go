package scan_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/plan"
)

// TestUnreachableBroker stops the cluster after planning: the scan fails
// with an error naming the partition within the retry budget, not a hang.
func TestUnreachableBroker(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "gone"))
	c.produce(t, &kgo.Record{Topic: "gone", Value: []byte("x")})
	s := c.scan(t, "SELECT value FROM kafka('gone')")
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cfg := c.config(mem) // before Close: ListenAddrs needs a running cluster
	c.Close()
	cfg.RetryTimeout = time.Second
	start := time.Now()
	_, _, err := run(t, s, cfg)
	if err == nil || !strings.Contains(err.Error(), "gone-0") {
		t.Fatalf("err = %v, want an error naming gone-0", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("failed after %v, want about the 1 s retry budget", d)
	}
	t.Log(err)
}

// TestOpenTransactionWait reads a range that ends past the last stable
// offset (a transaction is open):
// the scan waits for the transaction to end instead of calling the
// unstable offsets lost, and returns the committed records.
func TestOpenTransactionWait(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(1, "open"))
	ctx := context.Background()
	cl, err := c.NewClient(kgo.TransactionalID("kq-open"))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	write := func(n int) {
		var recs []*kgo.Record
		for range n {
			recs = append(recs, &kgo.Record{Topic: "open", Value: []byte("x")})
		}
		if err := kafkatest.ProduceWith(ctx, cl, recs...); err != nil {
			t.Fatal(err)
		}
	}
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	write(10)
	if err := cl.EndTransaction(ctx, kgo.TryCommit); err != nil {
		t.Fatal(err)
	}
	if err := cl.BeginTransaction(); err != nil {
		t.Fatal(err)
	}
	write(20) // offsets 11..30, open; the last stable offset is 11
	// The planner refuses an end past the last stable offset, so plan
	// the range under read_uncommitted (it ends at the high watermark)
	// and read it under read_committed, as a range whose end raced an
	// open transaction would be.
	s := c.scan(t, "SELECT COUNT(*) FROM kafka('open') WITH (isolationLevel='read_uncommitted')")
	s.Options.IsolationLevel = plan.ReadCommitted
	if len(s.Tasks) != 1 || s.Tasks[0].Until != 31 {
		t.Fatalf("tasks %v, want [0, 31)", s.Tasks)
	}
	go func() {
		time.Sleep(300 * time.Millisecond)
		_ = cl.EndTransaction(ctx, kgo.TryCommit)
	}()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	_, st, err := run(t, s, c.config(mem))
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows != 30 || st.ControlRecords != 1 || st.DataLoss.Detected {
		t.Errorf("rows %d control %d dataLoss %+v; want 30 rows, 1 marker in range, no loss", st.Rows, st.ControlRecords, st.DataLoss)
	}
}
