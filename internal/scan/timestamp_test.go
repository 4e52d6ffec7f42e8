package scan_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/plan"
)

// TestTimestampFilter checks the scan's pushed-down timestamp bounds as a
// row filter on records whose timestamps do not grow with their offsets:
// row and count-only scans give exactly the records inside the bounds,
// and the others are counted as filtered, not as gaps.
func TestTimestampFilter(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "ev"))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stamp := func(p, i int) time.Time { return base.Add(time.Duration((i*37+p*11)%1000) * time.Second) }
	c.produce(t, kafkatest.Records("ev", []int{3000, 3000}, func(p int32, i int) *kgo.Record {
		return &kgo.Record{Timestamp: stamp(int(p), i), Value: []byte("x")}
	})...)
	ms := func(sec int) int64 { return base.Add(time.Duration(sec) * time.Second).UnixMilli() }
	for _, iv := range []plan.Interval{
		{From: ms(100), HasFrom: true, Until: ms(400), HasUntil: true},
		{Until: ms(250), HasUntil: true},
		{Until: ms(5000), HasUntil: true}, // every batch wholly inside: header counts
		{From: ms(999), HasFrom: true},
		{From: ms(500), HasFrom: true, Until: ms(500), HasUntil: true}, // empty
	} {
		var want int64
		for p := range 2 {
			for i := range 3000 {
				if iv.Contains(stamp(p, i).UnixMilli()) {
					want++
				}
			}
		}
		t.Run(fmt.Sprint(iv.TimeString(), "=", want), func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			for _, q := range []string{"SELECT COUNT(*) FROM kafka('ev') WITH (minPartitions=5)", "SELECT timestamp FROM kafka('ev') WITH (minPartitions=5)"} {
				s := c.scan(t, q)
				s.Timestamp = iv
				st, err := startScan(t, s, c.config(mem))
				if err != nil {
					t.Fatal(err)
				}
				var rows int64
				for st.Next() {
					col := st.RecordBatch().Column(0).(*array.Timestamp)
					for i := range col.Len() {
						if !iv.Contains(int64(col.Value(i)) / 1000) { // µs; the interval is in ms
							t.Fatalf("row with timestamp %d outside %s", col.Value(i), iv.TimeString())
						}
					}
					rows += int64(col.Len())
				}
				st.Release()
				if err := st.Err(); err != nil {
					t.Fatal(err)
				}
				stats := st.Stats()
				if stats.Rows != want || (!s.CountOnly && rows != want) || stats.FilteredRecords != 6000-want || stats.GapRecords != 0 {
					t.Errorf("%s: rows %d (streamed %d) filtered %d gaps %d; want %d, %d, 0", q, stats.Rows, rows, stats.FilteredRecords, stats.GapRecords, want, 6000-want)
				}
			}
		})
	}
}
