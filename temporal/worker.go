package temporal

import (
	"context"
	"errors"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/kq-sql/kq"
)

// Worker runs export workflows and their tasks from one task queue with
// one kq.Engine, whose connection settings (brokers, SASL, Schema
// Registry) and the process's cloud credentials are what its tasks use.
// Any number of workers, in any processes, may serve the same queue.
type Worker struct {
	w worker.Worker
}

// NewWorker returns a worker of client c (which it does not close) that
// runs tasks with eng (which it does not close either). Options:
// WithTaskQueue, WithConcurrency.
func NewWorker(c client.Client, eng *kq.Engine, opts ...Option) (*Worker, error) {
	if c == nil || eng == nil {
		return nil, errors.New("temporal: NewWorker needs a client and an engine")
	}
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	w := worker.New(c, cfg.taskQueue, worker.Options{MaxConcurrentActivityExecutionSize: cfg.concurrency})
	w.RegisterWorkflowWithOptions(exportFlow, workflow.RegisterOptions{Name: exportWorkflow})
	a := &activities{eng: eng}
	w.RegisterActivityWithOptions(a.runTask, activity.RegisterOptions{Name: taskActivity})
	w.RegisterActivityWithOptions(a.commit, activity.RegisterOptions{Name: commitActivity})
	return &Worker{w: w}, nil
}

// Run polls for work until ctx ends, then stops (tasks in progress are
// cancelled; Temporal runs them again elsewhere). It returns nil after
// ctx ends, or the error that stopped the worker.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.w.Start(); err != nil {
		return err
	}
	<-ctx.Done()
	w.w.Stop()
	return nil
}
