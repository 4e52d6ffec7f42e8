package scan_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/scan"
)

// consumeAll reads topic from the start with franz-go's own consumer (an
// independent implementation of read_committed) and returns the offsets it
// saw per partition.
func (c *cluster) consumeAll(t *testing.T, topic string) map[int32][]int64 {
	t.Helper()
	cl, err := c.NewClient(kgo.ConsumeTopics(topic), kgo.ConsumeResetOffset(kgo.NewOffset().AtStart()), kgo.FetchIsolationLevel(kgo.ReadCommitted()))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	out := map[int32][]int64{}
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 700*time.Millisecond)
		fs := cl.PollFetches(ctx)
		cancel()
		n := 0
		fs.EachRecord(func(r *kgo.Record) { out[r.Partition] = append(out[r.Partition], r.Offset); n++ })
		if n == 0 {
			return out
		}
	}
}

// TestCompactionGaps compacts a transactional, keyed topic (kfake removes
// superseded records and aborted batches, leaving offset gaps), then scans
// it with splits whose boundaries fall into the gaps. The rows must be
// exactly the offsets franz-go's consumer returns, and every offset of a
// range is a row, a control record, an aborted record or a gap.
func TestCompactionGaps(t *testing.T) {
	c := newCluster(t)
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "ct", 2, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}); err != nil {
		t.Fatal(err)
	}
	// Keys repeat across transactions, so compaction drops most records.
	txns := make([][]*kgo.Record, 80)
	for k := range txns {
		txns[k] = kafkatest.Records("ct", []int{10, 10}, func(_ int32, i int) *kgo.Record {
			return &kgo.Record{Key: fmt.Appendf(nil, "k%d", (k*7+i*3)%37), Value: fmt.Appendf(nil, "%d-%d", k, i)}
		})
	}
	if err := c.Transactions(ctx, "kq-compact", txns, func(k int) bool { return k%10 == 9 }); err != nil {
		t.Fatal(err)
	}
	c.Compact()
	want := c.consumeAll(t, "ct")
	var wantRows int64
	for _, offs := range want {
		wantRows += int64(len(offs))
	}
	if wantRows == 0 || wantRows >= 80*2*10*9/10 {
		t.Fatalf("franz-go reads %d records after compaction; compaction did not happen", wantRows)
	}

	for _, opts := range []string{"minPartitions=1", "minPartitions=9", "maxRecordsPerPartition=37", "minPartitions=64"} {
		t.Run(opts, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			s := c.scan(t, "SELECT partition, offset FROM kafka('ct') WITH ("+opts+")")
			st, err := scan.Start(ctx, s, c.config(mem))
			if err != nil {
				t.Fatal(err)
			}
			got := map[int32][]int64{}
			for st.Next() {
				rec := st.RecordBatch()
				ps, os := rec.Column(0).(*array.Int32), rec.Column(1).(*array.Int64)
				for i := range ps.Len() {
					got[ps.Value(i)] = append(got[ps.Value(i)], os.Value(i))
				}
			}
			st.Release()
			if err := st.Err(); err != nil {
				t.Fatal(err)
			}
			for p := range int32(2) {
				g, w := got[p], want[p]
				slices.Sort(g)
				if fmt.Sprint(g) != fmt.Sprint(w) {
					t.Errorf("partition %d: kq read %d offsets, franz-go %d\nkq:       %v\nfranz-go: %v", p, len(g), len(w), g, w)
				}
			}
			stats := st.Stats()
			if stats.Rows != wantRows || stats.GapRecords == 0 {
				t.Errorf("stats rows %d gaps %d, want %d rows and some gaps", stats.Rows, stats.GapRecords, wantRows)
			}
			_, cst, err := run(t, c.scan(t, "SELECT COUNT(*) FROM kafka('ct') WITH ("+opts+")"), c.config(mem))
			if err != nil || cst.Rows != wantRows || cst.GapRecords != stats.GapRecords {
				t.Errorf("COUNT(*): %d rows, %d gaps, err %v; want %d rows, %d gaps", cst.Rows, cst.GapRecords, err, wantRows, stats.GapRecords)
			}
			t.Logf("rows %d, gaps %d, control %d, aborted %d", stats.Rows, stats.GapRecords, stats.ControlRecords, stats.AbortedRecords)
			for _, ts := range stats.Tasks {
				if n := ts.Rows + ts.ControlRecords + ts.AbortedRecords + ts.GapRecords; n != ts.Until-ts.From {
					t.Errorf("task %s: rows+control+aborted+gaps = %d, want %d", ts.Range, n, ts.Until-ts.From)
				}
			}
		})
	}
}
