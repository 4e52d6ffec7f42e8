package exec

import (
	"time"

	"github.com/kq-sql/kq/plan"
)

// DataLoss reports records a scan could not read (SPEC §6).
type DataLoss struct {
	// Detected is true when any records were lost.
	Detected bool `json:"detected"`
	// RecordsLost counts the lost offsets.
	RecordsLost int64 `json:"recordsLost"`
	// Partitions lists "topic-partition" of every partition with a loss.
	Partitions []string `json:"partitions"`
}

// Counters are the figures kept per task and summed per query.
type Counters struct {
	// Rows is the number of records read (after read_committed filtering).
	Rows int64 `json:"rows"`
	// EstimatedRows is the sum of range sizes, Until-From.
	EstimatedRows int64 `json:"estimatedRows"`
	// ControlRecords counts transaction markers inside the ranges.
	ControlRecords int64 `json:"controlRecords"`
	// AbortedRecords counts records of aborted transactions skipped under
	// read_committed.
	AbortedRecords int64 `json:"abortedRecords"`
	// GapRecords counts offsets with no record (compaction, deletions).
	GapRecords int64 `json:"gapRecords"`
	// FilteredRecords counts records left out by the scan's pushed-down
	// timestamp bounds.
	FilteredRecords int64 `json:"filteredRecords"`
	// Fetches counts fetch requests.
	Fetches int64 `json:"fetches"`
	// Bytes counts record-batch bytes fetched.
	Bytes int64 `json:"bytes"`
	// DecodeErrors counts values that did not decode.
	DecodeErrors int64 `json:"decodeErrors"`
	// RecordsLost counts offsets lost to data loss (failOnDataLoss=false).
	RecordsLost int64 `json:"recordsLost"`
}

func (c *Counters) add(o Counters) {
	c.Rows += o.Rows
	c.EstimatedRows += o.EstimatedRows
	c.ControlRecords += o.ControlRecords
	c.AbortedRecords += o.AbortedRecords
	c.GapRecords += o.GapRecords
	c.FilteredRecords += o.FilteredRecords
	c.Fetches += o.Fetches
	c.Bytes += o.Bytes
	c.DecodeErrors += o.DecodeErrors
	c.RecordsLost += o.RecordsLost
}

// TaskStats are the statistics of one task.
type TaskStats struct {
	plan.Range
	Counters
	// AdjustedFrom is where reading started after data loss; equals From
	// when nothing was lost.
	AdjustedFrom int64 `json:"adjustedFrom"`
	// Elapsed is the task's wall time.
	Elapsed time.Duration `json:"-"`
	// ElapsedMs is Elapsed in milliseconds, for JSON.
	ElapsedMs int64 `json:"elapsedMs"`
}

// Stats are the statistics of one query: totals and per-task figures.
type Stats struct {
	Counters
	// ElapsedMs is the query's wall time in milliseconds.
	ElapsedMs int64 `json:"elapsedMs"`
	// DataLoss summarizes lost records.
	DataLoss DataLoss `json:"dataLoss"`
	// Tasks are the per-task figures, in plan order.
	Tasks []TaskStats `json:"tasks"`
}
