package scan_test

import (
	"fmt"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kq-sql/kq/internal/scan"
)

// TestTransactionsExact checks that read_committed returns exactly the
// committed records, whatever the split (task boundaries fall inside
// transactions, on markers and inside aborted runs) and however small the
// fetches (aborted transactions span many fetch responses), and that
// read_uncommitted returns every data record. Control and aborted records
// are counted in the statistics.
func TestTransactionsExact(t *testing.T) {
	l := txnLayout{partitions: 3, txns: 120}
	c := newCluster(t, kfake.SeedTopics(int32(l.partitions), "tx"))
	c.produceTxns(t, "tx", l)
	committed, aborted, control := l.counts()
	if committed != 3537 || aborted != 378 || control != 360 {
		t.Fatalf("layout: committed %d, aborted %d, control %d; the expected figures below assume 3537, 378, 360", committed, aborted, control)
	}
	for _, opts := range []string{"minPartitions=1", "minPartitions=3", "minPartitions=17", "maxRecordsPerPartition=777", "minPartitions=17, maxRecordsPerPartition=100"} {
		for _, iso := range []string{"read_committed", "read_uncommitted"} {
			for _, fetch := range []int32{0, 1} { // default, and one batch per fetch
				for _, query := range []string{"SELECT COUNT(*) FROM kafka('tx')", "SELECT offset, value FROM kafka('tx')"} {
					name := fmt.Sprintf("%s/%s/fetch=%d/%s", opts, iso, fetch, query[7:13])
					t.Run(name, func(t *testing.T) {
						mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
						defer mem.AssertSize(t, 0)
						s := c.scan(t, query+" WITH ("+opts+", isolationLevel='"+iso+"')")
						cfg := c.config(mem)
						cfg.FetchBytes = fetch
						var last scan.Progress
						cfg.Progress = func(p scan.Progress) { last = p }
						rows, st, err := run(t, s, cfg)
						if err != nil {
							t.Fatal(err)
						}
						// The last progress report has the statistics' totals,
						// and its offsets cover the whole range (markers and
						// aborted records included), so a bar ends at 100 %.
						if !last.Done || last.Rows != st.Rows || last.Offsets != st.EstimatedRows || last.EstimatedRows != st.EstimatedRows || last.Bytes != st.Bytes {
							t.Errorf("last progress %+v; stats rows %d, estimated %d, bytes %d", last, st.Rows, st.EstimatedRows, st.Bytes)
						}
						wantRows, wantAborted := committed, aborted
						if iso == "read_uncommitted" {
							wantRows, wantAborted = committed+aborted, 0
						}
						if !s.CountOnly && rows != wantRows {
							t.Errorf("streamed %d rows, want %d", rows, wantRows)
						}
						if st.Rows != wantRows || st.AbortedRecords != wantAborted || st.ControlRecords != control || st.GapRecords != 0 {
							t.Errorf("stats rows %d aborted %d control %d gaps %d; want %d %d %d 0",
								st.Rows, st.AbortedRecords, st.ControlRecords, st.GapRecords, wantRows, wantAborted, control)
						}
						if st.EstimatedRows != committed+aborted+control {
							t.Errorf("estimatedRows %d, want %d", st.EstimatedRows, committed+aborted+control)
						}
						for _, ts := range st.Tasks {
							if ts.Rows+ts.AbortedRecords+ts.ControlRecords+ts.GapRecords != ts.Until-ts.From {
								t.Errorf("task %s: rows+aborted+control+gaps = %d, want its size %d", ts.Range, ts.Rows+ts.AbortedRecords+ts.ControlRecords+ts.GapRecords, ts.Until-ts.From)
							}
						}
					})
				}
			}
		}
	}
}
