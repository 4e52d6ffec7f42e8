package kq

import (
	"context"

	"github.com/kq-sql/kq/internal/job"
)

// Job is a per-task export planned to run elsewhere: its tasks run in any
// order, on any number of processes or machines, any number of times
// (RunJobTask), and one process commits it (CommitJob). Its JSON form
// (the job document of kq plan) holds the statement, the destination,
// the resolved tasks with their part names, the JSON fields the planner
// inferred and, for INCREMENTAL, the run it commits — never a secret:
// whoever runs a task brings its own brokers, SASL and registry
// credentials and cloud credentials (Open's options, the environment).
// A Job is immutable and safe for concurrent use.
type Job struct {
	d *job.Document
}

// PlanJob plans a per-task export — COPY (SELECT ... FROM kafka(...)) TO
// 'dir/' (PER_TASK true [, INCREMENTAL true] ...) — as Exec would, reading
// the destination's committed runs and the offsets now, without writing
// anything.
func (e *Engine) PlanJob(ctx context.Context, sql string) (*Job, error) {
	d, err := e.s.PlanJob(ctx, sql)
	if err != nil {
		return nil, publicError(err)
	}
	return &Job{d: d}, nil
}

// ReadJob reads a job document (Job.JSON's output); name, such as its
// file name, is for errors. A document of another format version, or
// edited since it was planned, is an error.
func ReadJob(b []byte, name string) (*Job, error) {
	d, err := job.Decode(b, name)
	if err != nil {
		return nil, err
	}
	return &Job{d: d}, nil
}

// JSON returns the job document, indented, with a final newline.
func (j *Job) JSON() ([]byte, error) { return j.d.Encode() }

// ID names the job: a hash of its content, so planning the same export
// at the same offsets gives the same ID.
func (j *Job) ID() string { return j.d.ID }

// Destination is the export's directory or object store prefix.
func (j *Job) Destination() string { return j.d.Destination }

// Query is the COPY statement the job runs.
func (j *Job) Query() string { return j.d.Query }

// Tasks are the job's tasks, ordered by (topic, partition, from); task
// i of RunJobTask is Tasks()[i].
func (j *Job) Tasks() []Task {
	out := make([]Task, len(j.d.Tasks))
	for i, t := range j.d.Tasks {
		out[i] = Task{Range: Range(t.Range()), PreferredWorker: t.PreferredWorker}
	}
	return out
}

// Only returns the job of task i alone (with an ID of its own): what one
// worker needs to run that task. RunJobTask(ctx, j.Only(i), 0) writes
// what RunJobTask(ctx, j, i) does.
func (j *Job) Only(i int) (*Job, error) {
	d, err := j.d.Only(i)
	if err != nil {
		return nil, err
	}
	return &Job{d: d}, nil
}

// RunJobTask runs task i of j: it reads exactly the task's range and
// writes its part(s) under their deterministic names, each whole or
// absent, replacing only its own; the result lists them (no manifest).
// Running a task again, or twice at once, writes the same parts.
func (e *Engine) RunJobTask(ctx context.Context, j *Job, i int) (*Result, error) {
	r, err := e.s.RunJobTask(ctx, j.d, i)
	if err != nil {
		return nil, publicError(err)
	}
	return publicResult(r), nil
}

// CommitJob writes j's manifest once every task's parts are there, as a
// local export does (and with groupId, then commits the end offsets);
// when any is missing it writes nothing and the error names the missing
// parts.
func (e *Engine) CommitJob(ctx context.Context, j *Job) (*Result, error) {
	r, err := e.s.CommitJob(ctx, j.d)
	if err != nil {
		return nil, publicError(err)
	}
	return publicResult(r), nil
}
