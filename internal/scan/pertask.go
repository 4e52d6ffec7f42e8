package scan

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/fetch"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/stats"
)

// TaskWriter receives the rows of one task when Config.PerTask is set. A
// worker calls Write for each record batch of the task (batches never mix
// tasks), then exactly one of Commit (the task read its whole range, or the
// query's LIMIT ended it) or Abort (the task failed or the scan was
// cancelled). A TaskWriter is used by one goroutine.
type TaskWriter interface {
	// Write writes one batch. The batch is released by the worker when
	// Write returns; Retain it to keep it longer.
	Write(arrow.RecordBatch) error
	// Commit makes the task's output final. If it fails, the writer must
	// leave nothing half-written; Abort is not called after Commit.
	Commit() error
	// Abort discards everything written for the task.
	Abort()
}

// taskOutput runs one task with rows going to a TaskWriter from
// cfg.PerTask instead of the shared stream.
func (w *worker) runPerTask(ctx context.Context, t plan.Task) (stats.TaskStats, error) {
	tw, err := w.cfg.PerTask(ctx, t)
	if err != nil {
		return fetch.NewTaskStats(t.Range), err
	}
	prev := w.emit
	w.emit = func(_ context.Context, rec arrow.RecordBatch) error {
		defer rec.Release()
		return tw.Write(rec)
	}
	defer func() { w.emit = prev }()
	ts, err := w.runTask(ctx, t)
	if err == nil || isStop(err) {
		if ferr := w.flush(ctx); ferr != nil {
			tw.Abort()
			return ts, ferr
		}
		if cerr := tw.Commit(); cerr != nil {
			return ts, cerr
		}
		return ts, err
	}
	w.discard()
	tw.Abort()
	return ts, err
}
