package scan_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/internal/stats"
)

// scanOffsets runs s and returns the offsets of its rows per partition,
// sorted, with its statistics and its last progress report. s must read
// partition and offset.
func scanOffsets(t *testing.T, c *cluster, s *plan.Scan, fetchBytes int32) (map[int32][]int64, *stats.Stats, scan.Progress) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	cfg := c.config(mem)
	cfg.FetchBytes = fetchBytes
	var last scan.Progress
	cfg.Progress = func(p scan.Progress) { last = p }
	st, err := scan.Start(context.Background(), s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int32][]int64{}
	for st.Next() {
		rec := st.RecordBatch()
		var ps *array.Int32
		var os *array.Int64
		for i, f := range rec.Schema().Fields() {
			switch f.Name {
			case plan.ColPartition:
				ps = rec.Column(i).(*array.Int32)
			case plan.ColOffset:
				os = rec.Column(i).(*array.Int64)
			}
		}
		for i := range ps.Len() {
			got[ps.Value(i)] = append(got[ps.Value(i)], os.Value(i))
		}
	}
	st.Release()
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	for p := range got {
		slices.Sort(got[p])
	}
	return got, st.Stats(), last
}

// topOf returns the n highest (desc) or lowest offsets of each partition
// of all.
func topOf(all map[int32][]int64, n int, desc bool) map[int32][]int64 {
	out := map[int32][]int64{}
	for p, offs := range all {
		k := min(n, len(offs))
		if k == 0 {
			continue
		}
		if desc {
			out[p] = offs[len(offs)-k:]
		} else {
			out[p] = offs[:k]
		}
	}
	return out
}

// checkTopN plans query over c (it must push a top-N into its scan),
// runs it with fetches of fetchBytes, and checks that every partition
// gives exactly its top-N of want (franz-go's read_committed consumer's
// offsets), that every task's statistics add up to its range, and that
// the progress ends at 100 %. It returns the statistics.
func checkTopN(t *testing.T, c *cluster, query string, want map[int32][]int64, fetchBytes int32) *stats.Stats {
	t.Helper()
	s := c.scan(t, query)
	if s.TopN == nil {
		t.Fatalf("%s: no top-N pushed", query)
	}
	got, st, last := scanOffsets(t, c, s, fetchBytes)
	exp := topOf(want, int(s.TopN.N), s.TopN.Desc)
	for _, p := range []int32{0, 1, 2} {
		if fmt.Sprint(got[p]) != fmt.Sprint(exp[p]) {
			t.Errorf("%s: partition %d gave %v, want %v", query, p, got[p], exp[p])
		}
	}
	var rows int64
	for _, offs := range exp {
		rows += int64(len(offs))
	}
	if st.Rows != rows {
		t.Errorf("%s: stats rows %d, want %d", query, st.Rows, rows)
	}
	for _, ts := range st.Tasks {
		if n := ts.Rows + ts.ControlRecords + ts.AbortedRecords + ts.GapRecords + ts.FilteredRecords + ts.RecordsLost; n != ts.Until-ts.From {
			t.Errorf("%s: task %s: rows+control+aborted+gaps+filtered+lost = %d, want its size %d", query, ts.Range, n, ts.Until-ts.From)
		}
	}
	if !last.Done || last.Offsets != last.EstimatedRows || last.Rows != st.Rows {
		t.Errorf("%s: last progress %+v, want offsets = estimated, rows %d", query, last, st.Rows)
	}
	return st
}

// TestTopNTransactions: the top-N of a transactional topic whose
// partitions end in aborted transactions and their markers (so the first
// windows from the end hold no row, and the backward probe must grow its
// windows past them), and whose committed and aborted transactions
// interleave, is exactly the top-N of franz-go's read_committed consumer,
// for N from 1 to more than a partition holds, from the end and from the
// start, in one-batch fetches and default ones.
func TestTopNTransactions(t *testing.T) {
	l := txnLayout{partitions: 3, txns: 40}
	c := newCluster(t, kfake.SeedTopics(int32(l.partitions), "tx"))
	c.produceTxns(t, "tx", l)
	// Then the tail: three aborted transactions of 1200 records per
	// partition, more than the probe's first windows hold.
	tail := make([][]*kgo.Record, 3)
	for k := range tail {
		tail[k] = kafkatest.Records("tx", []int{1200, 1200, 1200}, func(p int32, i int) *kgo.Record {
			return &kgo.Record{Value: fmt.Appendf(nil, "tail-%d-%d-%d", k, p, i)}
		})
	}
	if err := c.Transactions(context.Background(), "kq-tail", tail, func(int) bool { return true }); err != nil {
		t.Fatal(err)
	}
	want := c.consumeAll(t, "tx")
	for _, n := range []int{1, 3, 17, 100, 1000} {
		for _, fetch := range []int32{0, 1} {
			t.Run(fmt.Sprintf("n=%d/fetch=%d", n, fetch), func(t *testing.T) {
				st := checkTopN(t, c, fmt.Sprintf("SELECT partition, offset FROM kafka('tx') ORDER BY offset DESC LIMIT %d", n), want, fetch)
				if st.AbortedRecords < 3*3600 || st.ControlRecords < 3*3 {
					t.Errorf("aborted %d, control %d: the tail's aborted transactions were not passed over", st.AbortedRecords, st.ControlRecords)
				}
				checkTopN(t, c, fmt.Sprintf("SELECT partition, offset FROM kafka('tx') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= %d", n), want, fetch)
				checkTopN(t, c, fmt.Sprintf("SELECT partition, offset FROM kafka('tx') ORDER BY offset LIMIT %d", n), want, fetch)
				checkTopN(t, c, fmt.Sprintf("SELECT partition, offset FROM kafka('tx') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset) <= %d", n), want, fetch)
			})
		}
	}
}

// TestTopNCompaction: on a compacted transactional topic (gaps wherever
// superseded records and aborted batches were removed, also at the
// partitions' ends) the top-N is exactly franz-go's.
func TestTopNCompaction(t *testing.T) {
	c := newCluster(t)
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "ct", 3, map[string]*string{"cleanup.policy": kadm.StringPtr("compact")}); err != nil {
		t.Fatal(err)
	}
	txns := make([][]*kgo.Record, 60)
	for k := range txns {
		txns[k] = kafkatest.Records("ct", []int{10, 10, 10}, func(_ int32, i int) *kgo.Record {
			return &kgo.Record{Key: fmt.Appendf(nil, "k%d", (k*7+i*3)%37), Value: fmt.Appendf(nil, "%d-%d", k, i)}
		})
	}
	// The last four transactions are aborted: compaction leaves the
	// partitions' ends without rows.
	if err := c.Transactions(ctx, "kq-compact", txns, func(k int) bool { return k%10 == 9 || k >= 56 }); err != nil {
		t.Fatal(err)
	}
	c.Compact()
	want := c.consumeAll(t, "ct")
	for _, n := range []int{1, 5, 40, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			st := checkTopN(t, c, fmt.Sprintf("SELECT partition, offset FROM kafka('ct') ORDER BY offset DESC LIMIT %d", n), want, 1)
			if st.GapRecords == 0 {
				t.Errorf("no gaps read: compaction did not happen")
			}
			checkTopN(t, c, fmt.Sprintf("SELECT partition, offset FROM kafka('ct') ORDER BY offset LIMIT %d", n), want, 0)
		})
	}
}

// TestTopNDeletedRecords: records deleted (DeleteRecords) after the scan
// was planned are data loss to a top-N read as to any other: with
// failOnDataLoss=false the rows are the top-N of what is left and the
// lost offsets are counted; by default the scan fails naming the
// partition, when it needs the deleted records.
func TestTopNDeletedRecords(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(3, "dr"))
	c.produce(t, kafkatest.Records("dr", []int{300, 300, 300}, xRecord)...)
	all := map[int32][]int64{}
	for p := range int32(3) {
		for off := range int64(300) {
			all[p] = append(all[p], off)
		}
	}
	lenient := c.scan(t, "SELECT partition, offset FROM kafka('dr') WITH (failOnDataLoss=false) ORDER BY offset DESC LIMIT 50")
	strict := c.scan(t, "SELECT partition, offset FROM kafka('dr') ORDER BY offset DESC LIMIT 50")
	deleted := kadm.Offsets{}
	deleted.AddOffset("dr", 0, 280, -1) // 20 left: fewer than 50
	deleted.AddOffset("dr", 1, 100, -1) // 200 left
	if err := c.DeleteRecords(context.Background(), deleted); err != nil {
		t.Fatal(err)
	}
	got, st, _ := scanOffsets(t, c, lenient, 0)
	want := topOf(all, 50, true)
	want[0] = all[0][280:]
	for p := range int32(3) {
		if fmt.Sprint(got[p]) != fmt.Sprint(want[p]) {
			t.Errorf("partition %d gave %v, want %v", p, got[p], want[p])
		}
	}
	if st.RecordsLost == 0 || !st.DataLoss.Detected {
		t.Errorf("lost %d records, detected %v; want the deleted ones counted", st.RecordsLost, st.DataLoss.Detected)
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	if _, _, err := run(t, strict, c.config(mem)); err == nil {
		t.Errorf("strict scan over deleted records succeeded")
	}

	// Planned after the deletion, the ranges start at the log start:
	// partition 0's 20 records are all its rows, read without loss.
	left := map[int32][]int64{0: all[0][280:], 1: all[1][100:], 2: all[2]}
	for _, q := range []string{
		"SELECT partition, offset FROM kafka('dr') ORDER BY offset DESC LIMIT 50",
		"SELECT partition, offset FROM kafka('dr') ORDER BY offset LIMIT 50",
	} {
		if st := checkTopN(t, c, q, left, 0); st.RecordsLost != 0 || st.Rows != 20+50+50 {
			t.Errorf("%s: %d rows, %d lost; want 120, none", q, st.Rows, st.RecordsLost)
		}
	}
}

// TestTopNReadsTheTail: over a topic shaped like the demo's orders (three
// partitions of different lengths whose first records are deleted), ORDER
// BY offset DESC LIMIT 3 reads 3 records of each partition, not the
// topic; the same from the start and per partition.
func TestTopNReadsTheTail(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(3, "orders"))
	counts := []int{15000, 8000, 3500}
	// Batches of at most 16 KiB, as a producer writing orders as they
	// come makes them (a fetch returns whole batches).
	cl, err := c.NewClient(kgo.ProducerBatchMaxBytes(16 << 10))
	if err != nil {
		t.Fatal(err)
	}
	defer cl.Close()
	if err := kafkatest.ProduceWith(context.Background(), cl, kafkatest.Records("orders", counts, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Key: fmt.Appendf(nil, "c-%d", i%97), Value: fmt.Appendf(nil, `{"order_id":%d,"customer":"c-%d","amount":%d.5,"status":"paid","country":"DE"}`, i, i%97, i%500)}
	})...); err != nil {
		t.Fatal(err)
	}
	deleted := kadm.Offsets{}
	deleted.AddOffset("orders", 0, 100, -1)
	deleted.AddOffset("orders", 1, 200, -1)
	deleted.AddOffset("orders", 2, 500, -1)
	if err := c.DeleteRecords(context.Background(), deleted); err != nil {
		t.Fatal(err)
	}
	want := map[int32][]int64{}
	for p, n := range counts {
		for off := int64([]int{100, 200, 500}[p]); off < int64(n); off++ {
			want[int32(p)] = append(want[int32(p)], off)
		}
	}
	full := c.scan(t, "SELECT partition, offset FROM kafka('orders')")
	_, fullStats, _ := scanOffsets(t, c, full, 0)
	for _, q := range []string{
		"SELECT * FROM kafka('orders') ORDER BY offset DESC LIMIT 3",
		"SELECT * FROM kafka('orders') QUALIFY row_number() OVER (PARTITION BY partition ORDER BY offset DESC) <= 3",
		"SELECT * FROM kafka('orders') ORDER BY offset LIMIT 3",
	} {
		t.Run(q, func(t *testing.T) {
			st := checkTopN(t, c, q, want, 0)
			if st.Rows != 9 || st.Bytes*20 > fullStats.Bytes {
				t.Errorf("read %d records, %d bytes; want 9 records and a small part of the topic's %d records, %d bytes", st.Rows, st.Bytes, fullStats.Rows, fullStats.Bytes)
			}
			t.Logf("records read %d of %d, bytes %d of %d, fetches %d", st.Rows, fullStats.Rows, st.Bytes, fullStats.Bytes, st.Fetches)
		})
	}
}
