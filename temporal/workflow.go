package temporal

import (
	"time"

	sdktemporal "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/kq-sql/kq"
)

// exportFlow is the workflow of one export: every task as an activity,
// up to in.MaxRunning scheduled at once (the next when one ends; the
// workers' concurrency bounds how many run), then the commit once every
// task has succeeded. The first task that fails for
// good (its retries exhausted, or a non-retryable error) cancels the
// others and fails the workflow with its error: no manifest is written.
// Its progress query reports the tasks done and their rows.
func exportFlow(ctx workflow.Context, in exportInput) (*Result, error) {
	j, err := kq.ReadJob(in.Job, "the workflow's input")
	if err != nil {
		return nil, sdktemporal.NewNonRetryableApplicationError(err.Error(), ErrTypeQuery, nil)
	}
	tasks := j.Tasks()
	st := progressState{Tasks: len(tasks)}
	for _, t := range tasks {
		st.EstimatedRows += t.Until - t.From
	}
	if err := workflow.SetQueryHandler(ctx, progressQuery, func() (progressState, error) { return st, nil }); err != nil {
		return nil, err
	}
	ao := workflow.ActivityOptions{
		StartToCloseTimeout: in.TaskTimeout,
		HeartbeatTimeout:    in.HeartbeatTimeout,
		RetryPolicy: &sdktemporal.RetryPolicy{
			InitialInterval:    time.Second,
			BackoffCoefficient: 2,
			MaximumInterval:    time.Minute,
			MaximumAttempts:    in.MaxAttempts,
		},
	}
	actx, cancel := workflow.WithCancel(workflow.WithActivityOptions(ctx, ao))
	defer cancel()
	sel := workflow.NewSelector(ctx)
	var failed error
	next := 0 // the next task to schedule
	start := func() error {
		i := next
		next++
		one, err := j.Only(i)
		if err != nil {
			return sdktemporal.NewNonRetryableApplicationError(err.Error(), ErrTypeQuery, nil)
		}
		b, err := one.JSON()
		if err != nil {
			return err
		}
		f := workflow.ExecuteActivity(actx, taskActivity, taskInput{Job: b, Index: i})
		sel.AddFuture(f, func(f workflow.Future) {
			var r taskResult
			if err := f.Get(ctx, &r); err != nil {
				if failed == nil {
					failed = err
				}
				return
			}
			st.Done++
			st.Rows += r.Rows
			st.Offsets += r.Offsets
		})
		return nil
	}
	window := len(tasks)
	if in.MaxRunning > 0 {
		window = min(window, in.MaxRunning)
	}
	for next < window {
		if err := start(); err != nil {
			return nil, err
		}
	}
	for range tasks {
		sel.Select(ctx)
		if failed != nil {
			cancel()
			return nil, failed
		}
		if next < len(tasks) {
			if err := start(); err != nil {
				cancel()
				return nil, err
			}
		}
	}
	st.Committing = true
	cao := ao
	cao.HeartbeatTimeout = 0
	cao.StartToCloseTimeout = 10 * time.Minute
	cao.RetryPolicy = &sdktemporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 30 * time.Second, MaximumAttempts: 5}
	var res Result
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, cao), commitActivity, in.Job).Get(ctx, &res); err != nil {
		return nil, err
	}
	return &res, nil
}
