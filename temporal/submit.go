package temporal

import (
	"context"
	"errors"
	"fmt"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	sdktemporal "go.temporal.io/sdk/temporal"

	"github.com/kq-sql/kq"
)

// Export is a submitted export: its workflow.
type Export struct {
	c client.Client
	// ID is the workflow's ID: the job document's ID.
	ID string
	// RunID is the workflow run's ID.
	RunID string
}

// Submit plans the per-task export sql with eng (kq.Engine.PlanJob:
// destination state, offsets and JSON fields read here, now) and starts
// its workflow on c. Options: WithTaskQueue, WithTaskTimeout,
// WithHeartbeatTimeout, WithRetries, WithMaxRunningTasks. It returns
// once the workflow has started; Wait follows it. An export of more than
// MaxTasks tasks is refused.
func Submit(ctx context.Context, c client.Client, eng *kq.Engine, sql string, opts ...Option) (*Export, error) {
	j, err := eng.PlanJob(ctx, sql)
	if err != nil {
		return nil, err
	}
	return SubmitJob(ctx, c, j, opts...)
}

// SubmitJob starts the workflow of a planned job. Its workflow ID is the
// job's ID: submitting the same job again while its workflow runs
// returns that workflow.
func SubmitJob(ctx context.Context, c client.Client, j *kq.Job, opts ...Option) (*Export, error) {
	cfg, err := newConfig(opts)
	if err != nil {
		return nil, err
	}
	if n := len(j.Tasks()); n > MaxTasks {
		return nil, fmt.Errorf("temporal: export %s has %d tasks, more than one workflow runs (%d: its history would reach Temporal's limit of events); plan fewer tasks (a lower minPartitions) or run it as a job array (kq plan, kq task run, kq task commit)", j.ID(), n, MaxTasks)
	}
	b, err := j.JSON()
	if err != nil {
		return nil, err
	}
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       j.ID(),
		TaskQueue:                cfg.taskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, exportWorkflow, exportInput{Job: b, TaskTimeout: cfg.taskTimeout, HeartbeatTimeout: cfg.heartbeatTimeout, MaxAttempts: cfg.maxAttempts, MaxRunning: cfg.maxRunning})
	if err != nil {
		return nil, fmt.Errorf("temporal: starting the export's workflow: %w", err)
	}
	return &Export{c: c, ID: run.GetID(), RunID: run.GetRunID()}, nil
}

// Open returns the export whose workflow has ID id (its latest run).
func Open(c client.Client, id string) *Export { return &Export{c: c, ID: id} }

// Wait waits for the export to end and returns what it wrote, or the
// error that failed it (a task's, or the commit's). progress, when not
// nil, is called with the export's progress about every interval (0: a
// second) and once at the end.
func (e *Export) Wait(ctx context.Context, interval time.Duration, progress func(kq.Progress)) (*Result, error) {
	if interval <= 0 {
		interval = time.Second
	}
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		var r Result
		err := e.c.GetWorkflow(wctx, e.ID, e.RunID).Get(wctx, &r)
		if err != nil {
			done <- outcome{nil, exportError(e.ID, err)}
			return
		}
		done <- outcome{&r, nil}
	}()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case o := <-done:
			if progress != nil {
				if st, err := e.Status(ctx); err == nil {
					progress(st.Progress)
				}
			}
			return o.res, o.err
		case <-tick.C:
			if progress != nil {
				if st, err := e.Status(ctx); err == nil && st.Running() {
					progress(st.Progress)
				}
			}
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// Status is an export's state as Temporal knows it.
type Status struct {
	// ID is the workflow's ID.
	ID string
	// State is the workflow's status: Running, Completed, Failed,
	// Canceled, Terminated, TimedOut, ...
	State string
	// Progress sums the finished tasks and the heartbeats of the running
	// ones; Done is set once the workflow has ended.
	Progress kq.Progress
	// Tasks are the tasks running now (their attempts, last failures).
	Tasks []TaskStatus
	// Result is what a completed export wrote.
	Result *Result
	// Err is why a failed export failed.
	Err error
}

// Running reports whether the export has not ended.
func (s *Status) Running() bool { return s.State == "Running" }

// TaskStatus is one running task.
type TaskStatus struct {
	// Attempt counts from 1; above 1 the task was retried.
	Attempt int
	// Rows and Offsets are from its last heartbeat.
	Rows, Offsets, EstimatedRows int64
	// LastFailure is why its previous attempt failed ("" for none).
	LastFailure string
	// Worker is the identity of the worker running it.
	Worker string
}

// Status reports the export's state now: the workflow's status, its
// tasks done (from the workflow, when a worker answers its query) and
// the progress the running tasks last heartbeat.
func (e *Export) Status(ctx context.Context) (*Status, error) {
	d, err := e.c.DescribeWorkflowExecution(ctx, e.ID, e.RunID)
	if err != nil {
		return nil, fmt.Errorf("temporal: export %s: %w", e.ID, err)
	}
	info := d.GetWorkflowExecutionInfo()
	st := &Status{ID: e.ID, State: statusName(info.GetStatus())}
	if t := info.GetStartTime(); t != nil {
		end := time.Now()
		if ct := info.GetCloseTime(); ct != nil && !st.Running() {
			end = ct.AsTime()
		}
		st.Progress.Elapsed = end.Sub(t.AsTime())
	}
	if st.Running() {
		qctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		var ps progressState
		if v, err := e.c.QueryWorkflow(qctx, e.ID, e.RunID, progressQuery); err == nil && v.Get(&ps) == nil {
			st.Progress.Tasks, st.Progress.TasksDone = ps.Tasks, ps.Done
			st.Progress.Rows, st.Progress.Offsets, st.Progress.EstimatedRows = ps.Rows, ps.Offsets, ps.EstimatedRows
		}
		cancel()
		for _, pa := range d.GetPendingActivities() {
			if pa.GetActivityType().GetName() != taskActivity {
				continue
			}
			ts := TaskStatus{Attempt: int(pa.GetAttempt()), Worker: pa.GetLastWorkerIdentity()}
			var hb heartbeat
			if p := pa.GetHeartbeatDetails(); p != nil && converter.GetDefaultDataConverter().FromPayloads(p, &hb) == nil {
				ts.Rows, ts.Offsets, ts.EstimatedRows = hb.Rows, hb.Offsets, hb.EstimatedRows
				st.Progress.Rows += hb.Rows
				st.Progress.Offsets += hb.Offsets
			}
			if f := pa.GetLastFailure(); f != nil {
				ts.LastFailure = f.GetMessage()
			}
			st.Tasks = append(st.Tasks, ts)
		}
		return st, nil
	}
	st.Progress.Done = true
	var r Result
	if err := e.c.GetWorkflow(ctx, e.ID, e.RunID).Get(ctx, &r); err != nil {
		st.Err = exportError(e.ID, err)
	} else {
		st.Result = &r
		st.Progress.Rows = r.Rows
	}
	return st, nil
}

// exportError says why an export failed: the task's or the commit's
// error (the application error at the bottom of Temporal's wrapping),
// with the export's ID.
func exportError(id string, err error) error {
	var app *sdktemporal.ApplicationError
	if errors.As(err, &app) {
		return &Error{ID: id, Type: app.Type(), Msg: app.Error(), err: err}
	}
	return &Error{ID: id, Msg: err.Error(), err: err}
}

// Error is a failed export: Type is the application error type of the
// task that failed it (ErrTypeDataLoss, ErrTypeCredentials, ...; "" for
// others) and Msg its message.
type Error struct {
	ID, Type, Msg string
	err           error
}

func (e *Error) Error() string { return fmt.Sprintf("export %s failed: %s", e.ID, e.Msg) }
func (e *Error) Unwrap() error { return e.err }

// statusName is a workflow status without its enum prefix.
func statusName(s enumspb.WorkflowExecutionStatus) string {
	switch s {
	case enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING:
		return "Running"
	case enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED:
		return "Completed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_FAILED:
		return "Failed"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CANCELED:
		return "Canceled"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TERMINATED:
		return "Terminated"
	case enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW:
		return "ContinuedAsNew"
	case enumspb.WORKFLOW_EXECUTION_STATUS_TIMED_OUT:
		return "TimedOut"
	}
	return s.String()
}
