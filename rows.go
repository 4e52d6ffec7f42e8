package kq

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/runner"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/internal/stats"
)

// Rows is a query's result, streamed: an array.RecordReader whose batches
// arrive as the scans produce them. Read it with Next and RecordBatch until
// Next returns false, then check Err; Stats then holds the statistics of
// this query's scans. Release it when done (releasing early stops the
// scans). A Rows is used by one goroutine, except Err, Stats and Release.
type Rows struct {
	r runner.Rows
}

// Schema returns the schema of the result's batches.
func (r *Rows) Schema() *arrow.Schema { return r.r.Schema() }

// Next advances to the next batch; it returns false at the end of the
// result or on an error (see Err). The previous batch is released.
func (r *Rows) Next() bool { return r.r.Next() }

// RecordBatch returns the current batch, valid until the next call to
// Next; Retain it to keep it longer.
func (r *Rows) RecordBatch() arrow.RecordBatch { return r.r.RecordBatch() }

// Record returns the current batch.
//
// Deprecated: use RecordBatch.
func (r *Rows) Record() arrow.RecordBatch { return r.r.RecordBatch() }

// Err returns the error that ended the result early, if any: for example a
// *DataLossError, or the context's error.
func (r *Rows) Err() error { return publicError(r.r.Err()) }

// Stats returns the statistics of this query's scans, merged, once Next
// has returned false; nil before, and for statements that read no topic.
func (r *Rows) Stats() *Stats { return publicStats(r.r.Stats()) }

// Retain adds a reference.
func (r *Rows) Retain() { r.r.Retain() }

// Release drops a reference; the last one stops the scans if they still
// run and frees the result.
func (r *Rows) Release() { r.r.Release() }

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

// DataLoss reports records a query could not read.
type DataLoss struct {
	// Detected is true when any records were lost.
	Detected bool `json:"detected"`
	// RecordsLost counts the lost offsets.
	RecordsLost int64 `json:"recordsLost"`
	// Partitions lists "topic-partition" of every partition with a loss,
	// once each.
	Partitions []string `json:"partitions"`
}

// Stats are the statistics of one statement's scans: totals, data loss,
// and per-task figures. Per task, Rows + ControlRecords + AbortedRecords
// + FilteredRecords + GapRecords + RecordsLost equals the range's size.
type Stats struct {
	Counters
	// ElapsedMs is the scans' wall time in milliseconds.
	ElapsedMs int64 `json:"elapsedMs"`
	// DataLoss summarizes lost records.
	DataLoss DataLoss `json:"dataLoss"`
	// Tasks are the per-task figures, scan after scan, in plan order.
	Tasks []TaskStats `json:"tasks"`
	// Export is what a per-task export (PER_TASK, INCREMENTAL,
	// PARTITION_BY, FILE_SIZE_BYTES) wrote; nil for other statements.
	Export *ExportStats `json:"export,omitempty"`
}

// ExportStats is what a per-task export wrote.
type ExportStats struct {
	// Location is the destination: a directory or an object store
	// prefix (s3://bucket/prefix/).
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

// ExportFile is one part of an export: a file of the rows of one offset
// range (all of them, or with PARTITION_BY and FILE_SIZE_BYTES those of
// one directory and one roll).
type ExportFile struct {
	// File is the part's name, relative to the export's Location.
	File string `json:"file"`
	Range
	Rows  int64 `json:"rows"`
	Bytes int64 `json:"bytes"`
}

// TaskStats are the statistics of one task.
type TaskStats struct {
	Range
	Counters
	// AdjustedFrom is where reading started after data loss; equals From
	// when nothing was lost.
	AdjustedFrom int64 `json:"adjustedFrom"`
	// ElapsedMs is the task's wall time in milliseconds.
	ElapsedMs int64 `json:"elapsedMs"`
}

// Range is a half-open offset range [From, Until) of one partition.
type Range struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	From      int64  `json:"from"`
	Until     int64  `json:"until"`
}

// String prints the range as "topic-partition [from, until)".
func (r Range) String() string {
	return fmt.Sprintf("%s-%d [%d, %d)", r.Topic, r.Partition, r.From, r.Until)
}

// publicStats converts the internal statistics; nil stays nil. Counters,
// DataLoss and Range mirror their internal counterparts field for field:
// the conversions below do not compile if the two drift apart.
func publicStats(s *stats.Stats) *Stats {
	if s == nil {
		return nil
	}
	out := &Stats{Counters: Counters(s.Counters), ElapsedMs: s.ElapsedMs, DataLoss: DataLoss(s.DataLoss)}
	out.Tasks = make([]TaskStats, len(s.Tasks))
	for i, t := range s.Tasks {
		out.Tasks[i] = TaskStats{Range: Range(t.Range), Counters: Counters(t.Counters), AdjustedFrom: t.AdjustedFrom, ElapsedMs: t.ElapsedMs}
	}
	if e := s.Export; e != nil {
		out.Export = &ExportStats{Location: e.Location, Run: e.Run, Manifest: e.Manifest, Parts: e.Parts, Rows: e.Rows, Bytes: e.Bytes, Files: make([]ExportFile, len(e.Files))}
		for i, f := range e.Files {
			out.Export.Files[i] = ExportFile{File: f.File, Range: Range(f.Range), Rows: f.Rows, Bytes: f.Bytes}
		}
	}
	return out
}

// Progress is a snapshot of a running statement's scans, for progress
// bars; a statement that reads several sources reports their sums.
type Progress struct {
	// Rows is the number of rows read so far.
	Rows int64
	// Bytes is the number of record-batch bytes fetched so far.
	Bytes int64
	// Offsets is the number of offsets of the scans' ranges passed so
	// far: rows, transaction markers, aborted and filtered records, gaps
	// and lost offsets. It reaches EstimatedRows when the scans have read
	// their whole ranges (a LIMIT can end them sooner), so
	// Offsets/EstimatedRows is the fraction done.
	Offsets int64
	// EstimatedRows is the sum of the scans' range sizes (an upper bound
	// on Rows).
	EstimatedRows int64
	// TasksDone counts the tasks finished so far, of Tasks.
	TasksDone, Tasks int
	// Elapsed is the time since the first scan started.
	Elapsed time.Duration
	// Done is true in the last report, made when every scan of the
	// statement has ended (also after an error or a cancellation).
	Done bool
}

// TrackProgress returns a context under which Query and Exec call fn about
// ten times a second while the scans of a statement run, and once at
// their end with Done set. fn may be called from several goroutines (one
// per scan) and must be quick. Each statement run under the returned
// context reports only its own scans.
func TrackProgress(ctx context.Context, fn func(Progress)) context.Context {
	return runner.WithProgress(ctx, func(p scan.Progress) { fn(Progress(p)) })
}
