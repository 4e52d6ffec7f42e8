package scan_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kgo"

	"github.com/kq-sql/kq/internal/kafkatest"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
)

// taskSink is a TaskWriter that records what reached it.
type taskSink struct {
	mu      *sync.Mutex
	t       plan.Task
	offsets []int64
	state   string // "open", "committed", "aborted"
	failAt  int    // Write fails on this call (1-based); 0 never
	writes  int
	results map[plan.Range]*taskSink
}

func (s *taskSink) Write(rec arrow.RecordBatch) error {
	s.writes++
	if s.writes == s.failAt {
		return errors.New("disk full")
	}
	offs := rec.Column(0).(*array.Int64)
	for i := 0; i < offs.Len(); i++ {
		s.offsets = append(s.offsets, offs.Value(i))
	}
	return nil
}

func (s *taskSink) Commit() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = "committed"
	return nil
}
func (s *taskSink) Abort() { s.mu.Lock(); defer s.mu.Unlock(); s.state = "aborted" }

func TestPerTaskAndProgress(t *testing.T) {
	c := newCluster(t, kfake.SeedTopics(2, "events"))
	c.produce(t, kafkatest.Records("events", []int{3000, 3000}, func(_ int32, i int) *kgo.Record {
		return &kgo.Record{Value: []byte{byte(i)}}
	})...)

	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	s := c.scan(t, "SELECT offset FROM kafka('events') WITH (minPartitions=5)")
	var mu sync.Mutex
	sinks := map[plan.Range]*taskSink{}
	cfg := c.config(mem)
	cfg.BatchRows = 500
	cfg.PerTask = func(_ context.Context, t plan.Task) (scan.TaskWriter, error) {
		mu.Lock()
		defer mu.Unlock()
		ts := &taskSink{mu: &mu, t: t, state: "open"}
		sinks[t.Range] = ts
		return ts, nil
	}
	var last scan.Progress
	var calls int
	cfg.Progress = func(p scan.Progress) { last = p; calls++ }
	rows, st, err := run(t, s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rows != 0 {
		t.Errorf("the stream gave %d rows with PerTask set, want 0", rows)
	}
	if len(sinks) != len(s.Tasks) {
		t.Fatalf("%d task writers, want %d", len(sinks), len(s.Tasks))
	}
	for _, task := range s.Tasks {
		ts := sinks[task.Range]
		if ts.state != "committed" {
			t.Errorf("%s: %s, want committed", task.Range, ts.state)
		}
		if int64(len(ts.offsets)) != task.Size() {
			t.Errorf("%s: %d rows, want %d", task.Range, len(ts.offsets), task.Size())
		}
		for i, o := range ts.offsets {
			if o != task.From+int64(i) {
				t.Fatalf("%s: row %d has offset %d, want %d", task.Range, i, o, task.From+int64(i))
			}
		}
	}
	if st.Rows != 6000 {
		t.Errorf("stats rows %d, want 6000", st.Rows)
	}
	want := scan.Progress{Rows: 6000, Bytes: st.Bytes, Offsets: 6000, EstimatedRows: 6000, TasksDone: len(s.Tasks), Tasks: len(s.Tasks), Done: true}
	if last.Elapsed <= 0 {
		t.Errorf("last progress: elapsed %v", last.Elapsed)
	}
	last.Elapsed = 0
	if calls == 0 || last != want {
		t.Errorf("last progress %+v after %d calls, want %+v", last, calls, want)
	}

	t.Run("failing writer aborts", func(t *testing.T) {
		sinks = map[plan.Range]*taskSink{}
		cfg := c.config(mem)
		cfg.BatchRows = 500
		cfg.PerTask = func(_ context.Context, t plan.Task) (scan.TaskWriter, error) {
			mu.Lock()
			defer mu.Unlock()
			ts := &taskSink{mu: &mu, t: t, state: "open", failAt: 2}
			sinks[t.Range] = ts
			return ts, nil
		}
		_, _, err := run(t, s, cfg)
		if err == nil || err.Error() != "disk full" {
			t.Fatalf("err = %v, want disk full", err)
		}
		mu.Lock()
		defer mu.Unlock()
		for r, ts := range sinks {
			if ts.state == "open" {
				t.Errorf("%s: writer neither committed nor aborted", r)
			}
			if ts.writes >= 2 && ts.state != "aborted" {
				t.Errorf("%s: failed writer %s, want aborted", r, ts.state)
			}
		}
	})
}
