package temporal

import "time"

// Names of what the workflow and its activities are registered as; a
// worker and a submitter of another build agree on them.
const (
	// DefaultTaskQueue is the task queue of workers and exports unless
	// WithTaskQueue says otherwise.
	DefaultTaskQueue = "kq"

	exportWorkflow = "kq.Export"
	taskActivity   = "kq.RunTask"
	commitActivity = "kq.Commit"
	progressQuery  = "kq.progress"
)

// DefaultMaxRunningTasks is how many of an export's tasks its workflow
// schedules at once unless WithMaxRunningTasks says otherwise.
const DefaultMaxRunningTasks = 1000

// maxPendingActivities is the Temporal server's default limit of pending
// activities per workflow (limit.numPendingActivities.error).
const maxPendingActivities = 2000

// MaxTasks is the most tasks one export's workflow runs: each task adds
// up to six events to its history (its activity's three, and the
// workflow task that sees it end), and Temporal fails a workflow whose
// history reaches 51,200 events; the job document of that many tasks
// (about 70 bytes each) also stays well under Temporal's 2 MB limit of
// a workflow's input. Submit refuses larger exports.
const MaxTasks = 8000

// Error types of the non-retryable application errors a task fails with.
const (
	// ErrTypeDataLoss: records of the range are gone (failOnDataLoss).
	ErrTypeDataLoss = "kq.DataLoss"
	// ErrTypeCredentials: the cluster refused the worker's credentials,
	// or the object store refused its credentials or access.
	ErrTypeCredentials = "kq.Credentials"
	// ErrTypeQuery: the statement or the job document is wrong.
	ErrTypeQuery = "kq.Query"
	// ErrTypeMissingParts: the commit found parts missing after every
	// task had succeeded (deleted meanwhile).
	ErrTypeMissingParts = "kq.MissingParts"
)

// Defaults of the activity options (see WithTaskTimeout,
// WithHeartbeatTimeout, WithRetries).
const (
	DefaultTaskTimeout      = time.Hour
	DefaultHeartbeatTimeout = 30 * time.Second
	DefaultMaxAttempts      = 10
)
