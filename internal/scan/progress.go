package scan

import (
	"context"
	"sync/atomic"
	"time"
)

// Progress is a snapshot of a running scan, for progress bars.
type Progress struct {
	// Rows is the number of rows read so far.
	Rows int64
	// Bytes is the number of record-batch bytes fetched so far.
	Bytes int64
	// EstimatedRows is the sum of the scan's range sizes (an upper bound
	// on Rows).
	EstimatedRows int64
	// TasksDone counts the tasks finished so far, of Tasks.
	TasksDone, Tasks int
}

// progressEvery is how often Config.Progress is called while a scan runs.
const progressEvery = 100 * time.Millisecond

// meter holds the running totals behind Progress. Workers add to it with
// atomics; it costs a few atomic adds per fetch.
type meter struct {
	rows, bytes atomic.Int64
	tasksDone   atomic.Int64
	estimated   int64
	tasks       int
}

func (m *meter) snapshot() Progress {
	return Progress{
		Rows:          m.rows.Load(),
		Bytes:         m.bytes.Load(),
		EstimatedRows: m.estimated,
		TasksDone:     int(m.tasksDone.Load()),
		Tasks:         m.tasks,
	}
}

// report calls fn with a snapshot every progressEvery until ctx ends or
// stop is closed, then once more with the final figures.
func (m *meter) report(ctx context.Context, stop <-chan struct{}, fn func(Progress)) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			fn(m.snapshot())
		case <-stop:
			fn(m.snapshot())
			return
		case <-ctx.Done():
			return
		}
	}
}
