package scan_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
)

// TestLimit checks that LIMIT n gives exactly n rows across workers, only
// committed ones under read_committed, and that the scan stops early.
func TestLimit(t *testing.T) {
	l := txnLayout{partitions: 3, txns: 120}
	c := newCluster(t, kfake.SeedTopics(int32(l.partitions), "tx"))
	c.produceTxns(t, "tx", l)
	committed, _, _ := l.counts()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)

	full := c.scan(t, "SELECT value FROM kafka('tx') WITH (minPartitions=12)")
	cfg := c.config(mem)
	cfg.FetchBytes = 512
	_, fullStats, err := run(t, full, cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int64{0, 1, 7, 100, 1000, committed, committed + 5} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s := c.scan(t, fmt.Sprintf("SELECT value FROM kafka('tx') WITH (minPartitions=12) LIMIT %d", n))
			if s.Limit != n {
				t.Fatalf("scan limit %d, want %d (LIMIT not pushed)", s.Limit, n)
			}
			cfg := c.config(mem)
			cfg.FetchBytes = 512
			cfg.BatchRows = 64
			st, err := startScan(t, s, cfg)
			if err != nil {
				t.Fatal(err)
			}
			var rows int64
			for st.Next() {
				vals := st.RecordBatch().Column(0).(*array.Binary)
				for i := range vals.Len() {
					var k, p, j int
					if _, err := fmt.Sscanf(strings.ReplaceAll(string(vals.Value(i)), "-", " "), "txn %d %d %d", &k, &p, &j); err != nil || l.aborted(k) {
						t.Fatalf("row %q is not a committed record", vals.Value(i))
					}
				}
				rows += int64(vals.Len())
			}
			st.Release()
			if err := st.Err(); err != nil {
				t.Fatal(err)
			}
			want := min(n, committed)
			if rows != want || st.Stats().Rows != want {
				t.Errorf("LIMIT %d: %d rows (stats %d), want %d", n, rows, st.Stats().Rows, want)
			}
			if n <= 100 && st.Stats().Fetches*4 > fullStats.Fetches {
				t.Errorf("LIMIT %d: %d fetches, the full scan needs %d: the scan did not stop early", n, st.Stats().Fetches, fullStats.Fetches)
			}
		})
	}
}
