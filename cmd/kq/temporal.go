package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/kq-sql/kq/lang"
	"github.com/kq-sql/kq/temporal"
)

// workerCmd is kq worker: a Temporal worker that runs export tasks.
type workerCmd struct {
	Concurrency int `placeholder:"N" help:"Tasks this worker runs at once (default: number of CPUs)."`
}

// statusCmd is kq status ID.
type statusCmd struct {
	ID string `arg:"" name:"id" help:"The export's workflow id (printed by kq --temporal ... --detach)."`
}

// dialTemporal connects to the Temporal frontend of --temporal; the
// SDK's logging goes to stderr, warnings and errors only.
func (c *cli) dialTemporal(ctx context.Context, stderr io.Writer) (client.Client, error) {
	if c.Temporal == "" {
		return nil, usageError{errors.New("this needs --temporal host:port (or KQ_TEMPORAL), the Temporal frontend")}
	}
	logger := sdklog.NewStructuredLogger(slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	host, _ := os.Hostname()
	cl, err := client.DialContext(ctx, client.Options{HostPort: c.Temporal, Namespace: c.Namespace, Logger: logger, Identity: fmt.Sprintf("kq@%s/%d", host, os.Getpid())})
	if err != nil {
		return nil, fmt.Errorf("cannot reach Temporal at %s: %w", c.Temporal, err)
	}
	return cl, nil
}

// temporalOptions are the options of the Temporal flags.
func (c *cli) temporalOptions() []temporal.Option {
	opts := []temporal.Option{temporal.WithTaskQueue(c.TaskQueue)}
	if c.HeartbeatTimeout > 0 {
		opts = append(opts, temporal.WithHeartbeatTimeout(c.HeartbeatTimeout))
	}
	if c.TaskTimeout > 0 {
		opts = append(opts, temporal.WithTaskTimeout(c.TaskTimeout))
	}
	if c.Retries > 0 {
		opts = append(opts, temporal.WithRetries(c.Retries))
	}
	if c.MaxRunningTasks > 0 {
		opts = append(opts, temporal.WithMaxRunningTasks(c.MaxRunningTasks))
	}
	return opts
}

// runWorker runs kq worker until SIGINT or SIGTERM. Its tasks connect
// with this process's flags and environment (brokers, SASL, registry,
// cloud credentials), never with anything from the workflow.
func (c *cli) runWorker(ctx context.Context, stderr io.Writer) error {
	tc, err := c.dialTemporal(ctx, stderr)
	if err != nil {
		return err
	}
	defer tc.Close()
	s, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer s.close()
	opts := c.temporalOptions()
	if c.Worker.Concurrency > 0 {
		opts = append(opts, temporal.WithConcurrency(c.Worker.Concurrency))
	}
	w, err := temporal.NewWorker(tc, s.eng, opts...)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "kq worker: serving task queue %s of %s\n", c.TaskQueue, c.Temporal)
	return w.Run(ctx)
}

// runTemporal submits the export of script (one per-task COPY) to
// Temporal and, unless --detach, shows its progress and waits for it.
func (c *cli) runTemporal(ctx context.Context, script string, stdout, stderr io.Writer) error {
	stmts := lang.Split(script)
	if len(stmts) != 1 {
		return usageError{fmt.Errorf("--temporal runs one COPY ... (PER_TASK true) statement; the script has %d", len(stmts))}
	}
	tc, err := c.dialTemporal(ctx, stderr)
	if err != nil {
		return err
	}
	defer tc.Close()
	s, err := c.open(ctx, stderr)
	if err != nil {
		return err
	}
	defer s.close()
	sql := stmts[0].SQL
	ex, err := temporal.Submit(ctx, tc, s.eng, sql, c.temporalOptions()...)
	if err != nil {
		return withCaret(sql, err)
	}
	if c.Detach {
		fmt.Fprintln(stdout, ex.ID)
		return nil
	}
	fmt.Fprintf(stderr, "kq: export %s submitted to %s (kq status %s)\n", ex.ID, c.Temporal, ex.ID)
	gen := s.bar.reset()
	res, err := ex.Wait(ctx, 500*time.Millisecond, s.bar.tracker(gen))
	s.bar.reset()
	if err != nil && ctx.Err() != nil {
		fmt.Fprintf(stderr, "kq: no longer waiting; export %s goes on on the workers (kq status %s)\n", ex.ID, ex.ID)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "rows\n%d\n", res.Rows)
	return nil
}

// runStatus prints an export's state.
func (c *cli) runStatus(ctx context.Context, stdout, stderr io.Writer) error {
	tc, err := c.dialTemporal(ctx, stderr)
	if err != nil {
		return err
	}
	defer tc.Close()
	st, err := temporal.Open(tc, c.Status.ID).Status(ctx)
	if err != nil {
		return err
	}
	p := st.Progress
	fmt.Fprintf(stdout, "export %s: %s, elapsed %s\n", st.ID, st.State, p.Elapsed.Round(time.Second))
	switch {
	case st.Running():
		fmt.Fprintf(stdout, "tasks: %d of %d done, %d running; %d rows; %d of %d offsets\n", p.TasksDone, p.Tasks, len(st.Tasks), p.Rows, p.Offsets, p.EstimatedRows)
		for _, t := range st.Tasks {
			line := fmt.Sprintf("  task on %s: attempt %d, %d of %d offsets", t.Worker, t.Attempt, t.Offsets, t.EstimatedRows)
			if t.LastFailure != "" {
				line += ", last failure: " + t.LastFailure
			}
			fmt.Fprintln(stdout, line)
		}
	case st.Result != nil:
		fmt.Fprintf(stdout, "%d rows in %d parts, manifest %s\n", st.Result.Rows, st.Result.Parts, st.Result.Manifest)
	case st.Err != nil:
		fmt.Fprintf(stdout, "error: %v\n", st.Err)
	}
	if st.Err != nil {
		return st.Err
	}
	return nil
}
