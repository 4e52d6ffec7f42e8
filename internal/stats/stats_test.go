package stats

import (
	"reflect"
	"testing"
	"time"

	"github.com/kq-sql/kq/internal/plan"
)

func task(topic string, partition int32, c Counters) TaskStats {
	return TaskStats{Range: plan.Range{Topic: topic, Partition: partition, From: 0, Until: 100}, Counters: c}
}

// TestMerge: the statistics of several scans of one statement merge into
// totals that keep every counter (FilteredRecords included), name each
// partition with data loss once, and take the longest scan's time.
func TestMerge(t *testing.T) {
	a := &Stats{Tasks: []TaskStats{
		task("orders", 0, Counters{Rows: 90, EstimatedRows: 100, FilteredRecords: 6, RecordsLost: 4}),
		task("orders", 1, Counters{Rows: 100, EstimatedRows: 100, ControlRecords: 1, Fetches: 2, Bytes: 10}),
	}}
	a.Finish(30 * time.Millisecond)
	b := &Stats{Tasks: []TaskStats{
		task("orders", 0, Counters{Rows: 80, EstimatedRows: 100, AbortedRecords: 3, GapRecords: 2, DecodeErrors: 1, FilteredRecords: 5, RecordsLost: 10}),
	}}
	b.Finish(50 * time.Millisecond)

	m := Merge(a, nil, b)
	want := Counters{Rows: 270, EstimatedRows: 300, ControlRecords: 1, AbortedRecords: 3, GapRecords: 2, FilteredRecords: 11, Fetches: 2, Bytes: 10, DecodeErrors: 1, RecordsLost: 14}
	if m.Counters != want {
		t.Errorf("counters %+v, want %+v", m.Counters, want)
	}
	if !m.DataLoss.Detected || m.DataLoss.RecordsLost != 14 || !reflect.DeepEqual(m.DataLoss.Partitions, []string{"orders-0"}) {
		t.Errorf("data loss %+v, want 14 records in orders-0 (named once)", m.DataLoss)
	}
	if m.ElapsedMs != 50 || len(m.Tasks) != 3 {
		t.Errorf("elapsed %d ms, %d tasks; want 50 ms, 3 tasks", m.ElapsedMs, len(m.Tasks))
	}
	if got := Merge(nil, a); got != a {
		t.Errorf("Merge of one: %p, want the scan's own %p", got, a)
	}
	if got := Merge(); got != nil {
		t.Errorf("Merge of none: %+v, want nil", got)
	}
}
