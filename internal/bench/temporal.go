package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/kq-sql/kq/internal/temporaltest"
)

// TemporalWorkers is how many `kq worker` processes kq-temporal runs its
// tasks on: the Temporal target is for three workers on one machine
// (docs/BENCHMARKS.md).
const TemporalWorkers = 3

// MaxTemporalOverhead is kq-temporal's target: its time at most this
// many times kq-pertask's, the local export of the same records.
const MaxTemporalOverhead = 1.3

// temporalQueue is the task queue of the bench's workers.
const temporalQueue = "kqbench"

// temporalMeasurement is kq-temporal: the per-task Parquet export of
// kq-pertask, submitted with kq --temporal to a Temporal dev server
// (bin/temporal, started here) and run by TemporalWorkers `kq worker`
// processes on this machine, started before the first run and stopped
// after the last. The measured process is the submitter, which waits
// for the workflow: its wall time is the export's. Without the Temporal
// CLI the measurement is skipped with a line on Log.
func (c *Config) temporalMeasurement(ctx context.Context, addr, kafka string) (*measurement, error) {
	bin := c.TemporalCLI
	if bin == "" {
		var err error
		if bin, err = temporaltest.Binary(); err != nil {
			fmt.Fprintf(c.Log, "kqbench: kq-temporal skipped: %v\n", err)
			return nil, nil
		}
	}
	srv, err := temporaltest.Start(bin)
	if err != nil {
		return nil, err
	}
	c.cleanup = append(c.cleanup, srv.Stop)
	fmt.Fprintf(c.Log, "kqbench: Temporal dev server on %s; starting %d kq workers\n", srv.Address, TemporalWorkers)
	var workers []int
	for range TemporalWorkers {
		pid, err := c.startWorker(ctx, addr, srv.Address)
		if err != nil {
			return nil, err
		}
		workers = append(workers, pid)
	}
	dir, err := c.tempDir()
	if err != nil {
		return nil, err
	}
	out := filepath.Join(dir, "parts") + "/"
	sql := fmt.Sprintf("COPY (SELECT * FROM %s) TO '%s' (FORMAT parquet, PER_TASK true)", kafka, out)
	return &measurement{
		name: "kq-temporal",
		what: fmt.Sprintf("kq --temporal: %s, on %d kq worker processes", strings.Replace(sql, out, "/tmp/parts/", 1), TemporalWorkers),
		argv: []string{c.KQ, "-b", addr, "--temporal", srv.Address, "--task-queue", temporalQueue, "--progress", "never", sql},
		kq:   func() []int { return workers },
		check: func(got []byte) error {
			if want := fmt.Sprintf("rows\n%d\n", c.N); string(got) != want {
				return fmt.Errorf("kq --temporal printed %q, want %q", excerpt(got), want)
			}
			return nil
		},
		after: c.readBack(ctx, addr, out+"*.parquet", "the exported parts", c.N, func() { os.RemoveAll(out) }),
	}, nil
}

// startWorker starts one `kq worker` process and waits until it serves
// the queue; it is stopped (SIGTERM) with the other cleanups. It returns
// the worker's process id.
func (c *Config) startWorker(ctx context.Context, brokers, temporal string) (int, error) {
	cmd := exec.CommandContext(ctx, c.KQ, "-b", brokers, "--temporal", temporal, "--task-queue", temporalQueue, "--progress", "never", "worker")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return 0, err
	}
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start kq worker: %w", err)
	}
	c.cleanup = append(c.cleanup, func() {
		cmd.Process.Signal(os.Interrupt)
		waitOrKill(cmd)
	})
	line, err := bufio.NewReader(stderr).ReadString('\n')
	if err != nil || !strings.Contains(line, "serving task queue") {
		return 0, fmt.Errorf("kq worker: %q, %v", line, err)
	}
	go io.Copy(c.Log, stderr)
	return cmd.Process.Pid, nil
}

// temporalTarget is kq-temporal's time over kq-pertask's.
func temporalTarget(byName map[string]*Result) (Target, error) {
	tr, lr := byName["kq-temporal"], byName["kq-pertask"]
	if tr == nil || lr == nil || lr.Median <= 0 {
		return Target{}, errors.New("no kq-temporal and kq-pertask pair")
	}
	x := tr.Median.Seconds() / lr.Median.Seconds()
	return Target{
		What: fmt.Sprintf("kq-temporal (%d workers) time ≤ %.2f× kq-pertask's", TemporalWorkers, MaxTemporalOverhead),
		Got:  ratio(x),
		Met:  x <= MaxTemporalOverhead,
	}, nil
}
