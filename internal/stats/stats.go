// Package stats holds the statistics of scans: per task, per scan, and
// merged over the scans of one statement. Every sum is made here, once.
package stats

import (
	"fmt"
	"slices"
	"time"

	"github.com/kq-sql/kq/internal/plan"
)

// DataLoss reports records a scan could not read.
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

// Add adds o to c.
func (c *Counters) Add(o Counters) {
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
	// Export is what a per-task export wrote; nil for other statements.
	Export *Export `json:"export,omitempty"`
}

// Export is what a per-task export wrote: its parts, each with its
// offset range, rows and bytes.
type Export struct {
	// Location is the destination: a directory or an object store
	// prefix.
	Location string `json:"location"`
	// Run is the run's number in an incremental export; 0 otherwise.
	Run int64 `json:"run,omitempty"`
	// Manifest is the manifest written, relative to Location; "" when
	// none was (an incremental run with nothing new).
	Manifest string `json:"manifest,omitempty"`
	// Parts, Rows and Bytes are the files written and their totals.
	Parts int   `json:"parts"`
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"`
	// Files are the parts, ordered by (topic, partition, from, file).
	Files []ExportFile `json:"files"`
}

// ExportFile is one part of an export.
type ExportFile struct {
	// File is the part's name, relative to the export's Location.
	File string `json:"file"`
	plan.Range
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"`
}

// Finish fills the totals of s from its tasks (after they ran) and sets
// its elapsed time.
func (s *Stats) Finish(elapsed time.Duration) {
	s.Counters = Counters{}
	s.DataLoss = DataLoss{}
	for _, t := range s.Tasks {
		s.Add(t.Counters)
		if t.RecordsLost > 0 {
			s.DataLoss.Detected = true
			s.DataLoss.RecordsLost += t.RecordsLost
			s.DataLoss.Partitions = appendUnique(s.DataLoss.Partitions, fmt.Sprintf("%s-%d", t.Topic, t.Partition))
		}
	}
	s.ElapsedMs = elapsed.Milliseconds()
}

// Merge returns the statistics of several scans of one statement as one:
// counters summed, tasks concatenated in order, data-loss partitions
// listed once each, elapsed time the longest scan's (they run at once).
// It returns nil when all is empty, all[0] itself when there is one.
func Merge(all ...*Stats) *Stats {
	var some []*Stats
	for _, s := range all {
		if s != nil {
			some = append(some, s)
		}
	}
	switch len(some) {
	case 0:
		return nil
	case 1:
		return some[0]
	}
	m := &Stats{}
	for _, s := range some {
		m.Add(s.Counters)
		m.ElapsedMs = max(m.ElapsedMs, s.ElapsedMs)
		m.DataLoss.Detected = m.DataLoss.Detected || s.DataLoss.Detected
		m.DataLoss.RecordsLost += s.DataLoss.RecordsLost
		for _, p := range s.DataLoss.Partitions {
			m.DataLoss.Partitions = appendUnique(m.DataLoss.Partitions, p)
		}
		m.Tasks = append(m.Tasks, s.Tasks...)
	}
	return m
}

func appendUnique(list []string, s string) []string {
	if slices.Contains(list, s) {
		return list
	}
	return append(list, s)
}
