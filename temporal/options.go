package temporal

import (
	"errors"
	"fmt"
	"runtime"
	"time"
)

// Option configures NewWorker, Submit and SubmitJob; each says which of
// them it applies to.
type Option func(*config)

type config struct {
	taskQueue        string
	concurrency      int
	taskTimeout      time.Duration
	heartbeatTimeout time.Duration
	maxAttempts      int32
	maxRunning       int
}

func newConfig(opts []Option) (config, error) {
	c := config{
		taskQueue:        DefaultTaskQueue,
		concurrency:      runtime.GOMAXPROCS(0),
		taskTimeout:      DefaultTaskTimeout,
		heartbeatTimeout: DefaultHeartbeatTimeout,
		maxAttempts:      DefaultMaxAttempts,
		maxRunning:       DefaultMaxRunningTasks,
	}
	for _, o := range opts {
		o(&c)
	}
	switch {
	case c.taskQueue == "":
		return c, errors.New("temporal: empty task queue")
	case c.concurrency < 1:
		return c, fmt.Errorf("temporal: concurrency %d, want at least 1", c.concurrency)
	case c.taskTimeout <= 0:
		return c, fmt.Errorf("temporal: task timeout %s, want a positive duration", c.taskTimeout)
	case c.heartbeatTimeout <= 0 || c.heartbeatTimeout > c.taskTimeout:
		return c, fmt.Errorf("temporal: heartbeat timeout %s, want a positive duration no longer than the task timeout %s", c.heartbeatTimeout, c.taskTimeout)
	case c.maxAttempts < 1:
		return c, fmt.Errorf("temporal: %d attempts, want at least 1", c.maxAttempts)
	case c.maxRunning < 1 || c.maxRunning > maxPendingActivities:
		return c, fmt.Errorf("temporal: %d running tasks, want 1 to %d (Temporal's default limit of pending activities per workflow)", c.maxRunning, maxPendingActivities)
	}
	return c, nil
}

// WithTaskQueue sets the task queue workers poll and exports are sent to
// (default DefaultTaskQueue, "kq"). Worker and Submit.
func WithTaskQueue(q string) Option { return func(c *config) { c.taskQueue = q } }

// WithConcurrency sets how many tasks a worker runs at once (default
// GOMAXPROCS). Worker only.
func WithConcurrency(n int) Option { return func(c *config) { c.concurrency = n } }

// WithTaskTimeout bounds one attempt of one task (Temporal's
// StartToClose timeout; default DefaultTaskTimeout, an hour). Submit only.
func WithTaskTimeout(d time.Duration) Option { return func(c *config) { c.taskTimeout = d } }

// WithHeartbeatTimeout sets how long a task may go without a heartbeat
// before Temporal gives it to another worker (default
// DefaultHeartbeatTimeout, 30 s): how long a killed worker delays its
// tasks. Workers heartbeat at a third of it. Submit only.
func WithHeartbeatTimeout(d time.Duration) Option { return func(c *config) { c.heartbeatTimeout = d } }

// WithMaxRunningTasks sets how many of an export's tasks are scheduled
// at once (default DefaultMaxRunningTasks, 1000; at most 2000, the
// Temporal server's default limit of pending activities per workflow):
// the next starts when one ends. The workers' concurrency bounds how
// many actually run; this bounds the load of one export on a shared
// fleet. Submit only.
func WithMaxRunningTasks(n int) Option { return func(c *config) { c.maxRunning = n } }

// WithRetries sets how many times a task is attempted in all before the
// export fails (default DefaultMaxAttempts, 10), with exponential
// backoff from 1 s to 1 min between attempts. Permanent failures are not
// retried. Submit only.
func WithRetries(attempts int) Option { return func(c *config) { c.maxAttempts = int32(attempts) } }
