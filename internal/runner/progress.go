package runner

import (
	"sync"

	"github.com/kq-sql/kq/internal/scan"
)

// progressSum reports the progress of a statement's scans as one: each
// scan's latest report is kept, and fn is called with their sums (Elapsed
// the longest, Done once every scan is done). Calls to fn are serialized,
// so the report with Done is the last.
type progressSum struct {
	fn   func(scan.Progress)
	mu   sync.Mutex
	last []scan.Progress
}

// sumProgress returns one progress callback per scan of a statement that
// starts n scans, reporting their sums to fn.
func sumProgress(fn func(scan.Progress), n int) []func(scan.Progress) {
	ps := &progressSum{fn: fn, last: make([]scan.Progress, n)}
	out := make([]func(scan.Progress), n)
	for i := range out {
		out[i] = func(p scan.Progress) { ps.report(i, p) }
	}
	return out
}

func (ps *progressSum) report(i int, p scan.Progress) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	ps.last[i] = p
	sum := scan.Progress{Done: true}
	for _, l := range ps.last {
		sum.Rows += l.Rows
		sum.Bytes += l.Bytes
		sum.Offsets += l.Offsets
		sum.EstimatedRows += l.EstimatedRows
		sum.TasksDone += l.TasksDone
		sum.Tasks += l.Tasks
		sum.Elapsed = max(sum.Elapsed, l.Elapsed)
		sum.Done = sum.Done && l.Done
	}
	ps.fn(sum)
}
