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
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/stats"
	"github.com/kq-sql/kq/lang"
)

// offsetsOnly hides kadm's DescribeTopicConfigs: planned through it, a
// timestamp upper bound is a row filter only.
type offsetsOnly struct{ plan.OffsetLister }

// TestTimestampUpperBoundPushed: on a LogAppendTime topic a timestamp
// upper bound narrows every partition's range to the first offset at or
// after it, and the rows are exactly those of the same query planned
// without the pushdown, for bounds before, at, between and after the
// records' times, with and without a lower bound, as rows and as a count.
//
// kfake does not honour message.timestamp.type=LogAppendTime on produce:
// it keeps the producer's CreateTime timestamps (it stores and describes
// the config), and a batch that asks for log-append time itself gets new
// timestamps but keeps its old CRC, so that fetching it fails with a CRC
// mismatch (kfake's produce handler rewrites FirstTimestamp and
// MaxTimestamp only). The records here therefore carry the timestamps a
// LogAppendTime topic gives: never decreasing along a partition, with
// runs of equal times, several batches each.
func TestTimestampUpperBoundPushed(t *testing.T) {
	c := newCluster(t)
	ctx := context.Background()
	if err := c.CreateTopic(ctx, "la", 2, map[string]*string{"message.timestamp.type": kadm.StringPtr("LogAppendTime")}); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	// Offset i of partition p has time base + (i/3)·10 ms + p ms.
	stamp := func(p int32, i int) int64 { return base + int64(i/3)*10 + int64(p) }
	for batch := range 6 {
		c.produce(t, kafkatest.Records("la", []int{40, 40}, func(p int32, i int) *kgo.Record {
			i += batch * 40
			return &kgo.Record{Timestamp: time.UnixMilli(stamp(p, i)), Value: []byte(fmt.Sprint(i))}
		})...)
	}
	var stamps []int64
	for i := range 240 {
		stamps = append(stamps, stamp(0, i))
	}
	mid := stamps[len(stamps)/2]
	milli := func(ms int64) string {
		return "TIMESTAMP '" + time.UnixMilli(ms).UTC().Format("2006-01-02 15:04:05.000") + "'"
	}
	for _, where := range []string{
		"timestamp < " + milli(mid),
		"timestamp <= " + milli(mid),
		"timestamp < " + milli(stamps[0]),
		"timestamp <= " + milli(stamps[len(stamps)-1]+10),
		"timestamp BETWEEN " + milli(stamps[2]) + " AND " + milli(stamps[8]),
		"timestamp >= " + milli(stamps[3]) + " AND timestamp < " + milli(mid+1),
	} {
		t.Run(where, func(t *testing.T) {
			for _, sel := range []string{"offset, partition, timestamp, value", "COUNT(*)"} {
				q := "SELECT " + sel + " FROM kafka('la') WHERE " + where
				pushed := planScan(t, c.Admin, q)
				filtered := planScan(t, offsetsOnly{c.Admin}, q)
				if len(pushed.UpperBounds) != 1 || !pushed.UpperBounds[0].Pushed() || filtered.UpperBounds[0].Pushed() {
					t.Fatalf("upper bounds %v and %v: want pushed (LogAppendTime), then filtered", pushed.UpperBounds, filtered.UpperBounds)
				}
				got, gotStats := readOffsets(t, c, pushed)
				want, wantStats := readOffsets(t, c, filtered)
				if fmt.Sprint(got) != fmt.Sprint(want) || gotStats.Rows != wantStats.Rows {
					t.Errorf("%s: pushed rows %v (%d), unpushed %v (%d)", q, got, gotStats.Rows, want, wantStats.Rows)
				}
				// The pushed scan reads no record above the bound: every
				// record it passes over is a row or below the lower bound.
				if gotStats.FilteredRecords > wantStats.FilteredRecords || pushed.EstimatedRows() > filtered.EstimatedRows() {
					t.Errorf("%s: pushed scan estimated %d filtered %d, unpushed %d and %d", q, pushed.EstimatedRows(), gotStats.FilteredRecords, filtered.EstimatedRows(), wantStats.FilteredRecords)
				}
				if wantStats.FilteredRecords > 0 && pushed.EstimatedRows() != filtered.EstimatedRows()-wantStats.FilteredRecords {
					t.Errorf("%s: pushed scan estimated %d offsets; want the unpushed %d less the %d records above the bound", q, pushed.EstimatedRows(), filtered.EstimatedRows(), wantStats.FilteredRecords)
				}
				if pushed.EstimatedRows() != gotStats.Rows+gotStats.FilteredRecords {
					t.Errorf("%s: pushed scan estimated %d offsets, read %d rows and filtered %d", q, pushed.EstimatedRows(), gotStats.Rows, gotStats.FilteredRecords)
				}
			}
		})
	}
}

// planScan plans query (one kafka() source) through l, as the engine
// does, and returns its scan.
func planScan(t *testing.T, l plan.OffsetLister, query string) *plan.Scan {
	t.Helper()
	stmt, err := lang.Parse(query)
	if err != nil {
		t.Fatal(err)
	}
	q, err := plan.Plan(context.Background(), stmt, l, plan.WithWorkers(4))
	if err != nil {
		t.Fatal(err)
	}
	if len(q.Scans) != 1 {
		t.Fatalf("%s: %d scans", query, len(q.Scans))
	}
	return q.Scans[0]
}

// readOffsets runs scan s and returns "partition/offset" of its rows,
// sorted (none for a count-only scan), and its statistics.
func readOffsets(t *testing.T, c *cluster, s *plan.Scan) ([]string, *stats.Stats) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	st, err := startScan(t, s, c.config(mem))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for st.Next() {
		rec := st.RecordBatch()
		var part *array.Int32
		var off *array.Int64
		for i, f := range rec.Schema().Fields() {
			switch f.Name {
			case plan.ColPartition:
				part = rec.Column(i).(*array.Int32)
			case plan.ColOffset:
				off = rec.Column(i).(*array.Int64)
			}
		}
		for i := range int(rec.NumRows()) {
			out = append(out, fmt.Sprintf("%d/%d", part.Value(i), off.Value(i)))
		}
	}
	st.Release()
	if err := st.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out, st.Stats()
}
