package scan_test

import (
	"bytes"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kadm"
	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/kafkatest"
)

// TestDataLoss plans a scan of [0, 1000), deletes records below the start
// (DeleteRecords) before the scan runs, and checks both settings of
// failOnDataLoss: strict fails naming the lost span, tolerant returns the
// rest, warns once per partition and counts what was lost.
func TestDataLoss(t *testing.T) {
	for _, tc := range []struct {
		name      string
		deleteTo  int64 // DeleteRecords offset (log start afterwards)
		opts      string
		wantSpan  [2]int64 // strict: the lost span (one task, so exact)
		wantRows  int64    // tolerant
		wantTasks int
	}{
		{"below start, one task", 300, "minPartitions=1", [2]int64{0, 300}, 700, 1},
		{"below start, four tasks", 300, "minPartitions=4", [2]int64{}, 700, 4},
		{"whole range vanished", 1000, "minPartitions=1", [2]int64{0, 1000}, 0, 1},
		{"whole range vanished, tasks", 1000, "minPartitions=3", [2]int64{}, 0, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newCluster(t, kfake.SeedTopics(1, "dl"))
			c.produce(t, kafkatest.Records("dl", []int{1000}, xRecord)...)
			strict := c.scan(t, "SELECT offset FROM kafka('dl') WITH ("+tc.opts+")")
			tolerant := c.scan(t, "SELECT offset FROM kafka('dl') WITH ("+tc.opts+", failOnDataLoss=false)")
			count := c.scan(t, "SELECT COUNT(*) FROM kafka('dl') WITH ("+tc.opts+", failOnDataLoss=false)")
			if len(strict.Tasks) != tc.wantTasks {
				t.Fatalf("%d tasks, want %d", len(strict.Tasks), tc.wantTasks)
			}
			del := kadm.Offsets{}
			del.AddOffset("dl", 0, tc.deleteTo, -1)
			if err := c.DeleteRecords(t.Context(), del); err != nil {
				t.Fatal(err)
			}
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)

			_, _, err := run(t, strict, c.config(mem))
			var dle *fetch.DataLossError
			if !errors.As(err, &dle) {
				t.Fatalf("strict: err = %v, want a *DataLossError", err)
			}
			if dle.Topic != "dl" || dle.Partition != 0 || dle.From < 0 || dle.To > tc.deleteTo || dle.From >= dle.To {
				t.Errorf("strict: %+v, want a span of dl-0 inside [0, %d)", dle, tc.deleteTo)
			}
			if tc.wantSpan != [2]int64{} && [2]int64{dle.From, dle.To} != tc.wantSpan {
				t.Errorf("strict: lost [%d, %d), want %v", dle.From, dle.To, tc.wantSpan)
			}
			if msg := err.Error(); !strings.Contains(msg, "dl-0") || !strings.Contains(msg, "failOnDataLoss=false") {
				t.Errorf("strict: message %q does not name the partition and the option", msg)
			}

			for _, s := range []struct {
				name string
				rows bool
			}{{"rows", true}, {"count", false}} {
				var logs bytes.Buffer
				cfg := c.config(mem)
				cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
				scan := tolerant
				if !s.rows {
					scan = count
				}
				rows, st, err := run(t, scan, cfg)
				if err != nil {
					t.Fatalf("tolerant %s: %v", s.name, err)
				}
				if s.rows && rows != tc.wantRows {
					t.Errorf("tolerant %s: %d rows, want %d", s.name, rows, tc.wantRows)
				}
				dl := st.DataLoss
				if st.Rows != tc.wantRows || !dl.Detected || dl.RecordsLost != tc.deleteTo || len(dl.Partitions) != 1 || dl.Partitions[0] != "dl-0" || st.GapRecords != 0 {
					t.Errorf("tolerant %s: rows %d gaps %d dataLoss %+v; want rows %d, %d lost in dl-0, no gaps", s.name, st.Rows, st.GapRecords, dl, tc.wantRows, tc.deleteTo)
				}
				if n := strings.Count(logs.String(), "data loss"); n != 1 {
					t.Errorf("tolerant %s: %d data-loss warnings, want 1 (once per partition):\n%s", s.name, n, logs.String())
				}
			}
		})
	}
}
