package scan

import (
	"sync/atomic"
	"time"
)

// Progress is a snapshot of a running scan, for progress bars.
type Progress struct {
	// Rows is the number of rows read so far.
	Rows int64
	// Bytes is the number of record-batch bytes fetched so far.
	Bytes int64
	// Offsets is the number of offsets of the scan's ranges passed so
	// far: rows, transaction markers, aborted and filtered records, gaps
	// and lost offsets. It reaches EstimatedRows when the scan has read
	// its whole range (a LIMIT can end it sooner).
	Offsets int64
	// EstimatedRows is the sum of the scan's range sizes (an upper bound
	// on Rows).
	EstimatedRows int64
	// TasksDone counts the tasks finished so far, of Tasks.
	TasksDone, Tasks int
	// Elapsed is the time since the scan started.
	Elapsed time.Duration
	// Done is true in the last report of a scan, made when its workers
	// have ended (also after an error or a cancellation).
	Done bool
}

// progressEvery is how often Config.Progress is called while a scan runs.
const progressEvery = 100 * time.Millisecond

// meter holds the running totals behind Progress. Workers add to it with
// atomics; it costs a few atomic adds per fetch.
type meter struct {
	rows, offsets, bytes atomic.Int64
	tasksDone            atomic.Int64
	estimated            int64
	tasks                int
	start                time.Time
}

func (m *meter) snapshot() Progress {
	return Progress{
		Rows:          m.rows.Load(),
		Bytes:         m.bytes.Load(),
		Offsets:       m.offsets.Load(),
		EstimatedRows: m.estimated,
		TasksDone:     int(m.tasksDone.Load()),
		Tasks:         m.tasks,
		Elapsed:       time.Since(m.start),
	}
}

// report calls fn with a snapshot every progressEvery until stop is
// closed (when the workers have ended), then once more with the final
// figures and Done set.
func (m *meter) report(stop <-chan struct{}, fn func(Progress)) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			fn(m.snapshot())
		case <-stop:
			p := m.snapshot()
			p.Done = true
			fn(p)
			return
		}
	}
}
