package temporal

import (
	"encoding/json"
	"time"
)

// exportInput is the workflow's input: the job document and the activity
// options chosen by the submitter. No secret: see the package doc.
type exportInput struct {
	Job              json.RawMessage `json:"job"`
	TaskTimeout      time.Duration   `json:"taskTimeout"`
	HeartbeatTimeout time.Duration   `json:"heartbeatTimeout"`
	MaxAttempts      int32           `json:"maxAttempts"`
	// MaxRunning bounds the tasks scheduled at once; 0 (the workflows
	// of submitters before it existed) schedules every task at once.
	MaxRunning int `json:"maxRunning,omitempty"`
}

// taskInput is one task activity's input: the document of that task
// alone (kq.Job.Only) and its index in the export.
type taskInput struct {
	Job   json.RawMessage `json:"job"`
	Index int             `json:"index"`
}

// taskResult is what a task activity returns.
type taskResult struct {
	Index int   `json:"index"`
	Rows  int64 `json:"rows"`
	Parts int   `json:"parts"`
	// Offsets is the size of the task's range: what the export's
	// progress advances by when it is done.
	Offsets int64 `json:"offsets"`
}

// heartbeat is the progress a task activity reports with its heartbeats.
type heartbeat struct {
	Rows          int64 `json:"rows"`
	Bytes         int64 `json:"bytes"`
	Offsets       int64 `json:"offsets"`
	EstimatedRows int64 `json:"estimatedRows"`
}

// Result is what a finished export wrote.
type Result struct {
	// JobID is the job document's ID; the workflow's ID is the same.
	JobID string `json:"jobId"`
	// Rows and Parts are the manifest's totals.
	Rows  int64 `json:"rows"`
	Parts int   `json:"parts"`
	// Manifest is the manifest's location; "" when nothing was new.
	Manifest string `json:"manifest"`
	// Files are the parts' locations.
	Files []string `json:"files"`
}

// progressState is what the workflow's progress query returns.
type progressState struct {
	Tasks         int   `json:"tasks"`
	Done          int   `json:"done"`
	Rows          int64 `json:"rows"`
	Offsets       int64 `json:"offsets"`
	EstimatedRows int64 `json:"estimatedRows"`
	Committing    bool  `json:"committing"`
}
