package runner

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sync"
	"time"

	"github.com/kq-sql/kq/internal/export"
	"github.com/kq-sql/kq/internal/job"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/internal/stats"
	"github.com/kq-sql/kq/lang"
)

// PlanJob plans a per-task export (COPY ... TO 'dir' (PER_TASK true
// [, INCREMENTAL true] ...)) into a job document whose tasks any number
// of processes run (RunJobTask) and one commits (CommitJob): the same
// planning as a local export (destination state, consumer group, split),
// plus the JSON fields the sample infers, pinned for every task. It
// writes nothing.
func (s *Session) PlanJob(ctx context.Context, sql string) (*job.Document, error) {
	c, opts, err := parseJobCopy(sql, "a job document")
	if err != nil {
		return nil, err
	}
	e, err := s.planPerTask(ctx, c, opts, nil)
	if err != nil {
		return nil, err
	}
	defer e.dir.Close()
	cfg, err := s.scanConfig(ctx, e.sc.Options.Kafka)
	if err != nil {
		return nil, err
	}
	value, key, err := scan.InferFields(ctx, e.sc, cfg)
	if err != nil {
		return nil, err
	}
	d := &job.Document{
		Query:       sql,
		Destination: c.Path,
		Export: job.Export{
			Incremental:   opts.incremental,
			GroupID:       e.sc.Options.GroupID,
			Compression:   opts.compression,
			PartitionBy:   opts.partitionBy,
			FileSizeBytes: opts.fileSize,
		},
		ValueFields: job.Fields(value),
		KeyFields:   job.Fields(key),
		Tasks:       []job.Task{},
	}
	if e.rs.state != nil {
		d.Run = e.rs.state.LastRun() + 1
	}
	if e.rs.resume != nil {
		d.Resume = e.rs.resume.String()
	}
	for _, t := range e.pq.ExplainJSON().Tasks {
		d.Tasks = append(d.Tasks, job.Task{TaskJSON: t, Part: opts.partPattern(t.Topic, t.Partition, t.From, t.Until)})
	}
	return d, d.Seal()
}

// partPattern is the name of a task's part, or with PARTITION_BY or
// FILE_SIZE_BYTES the pattern of its parts.
func (o copyOptions) partPattern(topic string, partition int32, from, until int64) string {
	if len(o.partitionBy) == 0 && o.fileSize <= 0 {
		return export.PartName(topic, partition, from, until, -1)
	}
	name := fmt.Sprintf("%s-%d-%d-%d-<n>.parquet", topic, partition, from, until)
	for i := len(o.partitionBy) - 1; i >= 0; i-- {
		name = path.Join(o.partitionBy[i]+"=<value>", name)
	}
	return name
}

// RunJobTask runs task i of d: it reads exactly the task's range, writes
// its part(s) under their deterministic names (each whole or absent),
// then its receipt (export.Receipt), which CommitJob reads. Running a
// task again, or twice at once, writes the same files: it replaces only
// its own. A failed task leaves no receipt; the parts it committed stay
// invisible (no manifest lists them) until a run replaces them or a
// commit deletes them.
func (s *Session) RunJobTask(ctx context.Context, d *job.Document, i int) (*Result, error) {
	t, err := d.Task(i)
	if err != nil {
		return nil, err
	}
	c, opts, err := parseJobCopy(d.Query, "job "+d.ID)
	if err != nil {
		return nil, err
	}
	fixed := &plan.Fixed{
		Tasks:       []plan.Task{{Range: t.Range(), PreferredWorker: t.PreferredWorker}},
		ValueSchema: job.PlanFields(d.ValueFields),
		KeySchema:   job.PlanFields(d.KeyFields),
	}
	e, err := s.planPerTask(ctx, c, opts, fixed)
	if err != nil {
		return nil, err
	}
	defer e.dir.Close()
	// The task's offsets are fixed, so nothing has contacted the cluster
	// yet: check that it answers and takes the credentials first, so an
	// unreachable cluster or a refused login is the clear error of a
	// local statement (ErrAuthentication), not a fetch that gave up.
	cs := s.newClusters()
	_, err = cs.ListerFor(ctx, e.sc.Options.Kafka)
	cs.close()
	if err != nil {
		return nil, err
	}
	var inc *export.State
	if opts.incremental {
		inc = &export.State{} // only Commit, not run here, reads it
	}
	var (
		mu    sync.Mutex
		parts []export.Part
	)
	_, sst, err := s.writeParts(ctx, e, inc, func(p export.Part) {
		mu.Lock()
		parts = append(parts, p)
		mu.Unlock()
	})
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	if err := export.WriteReceipt(ctx, e.dir, t.Range(), parts); err != nil {
		return nil, fmt.Errorf("task %d (%s): its parts are written, but not its receipt: %w", i, t.Range(), err)
	}
	m := &export.Manifest{Ranges: []plan.Range{t.Range()}, Parts: parts}
	for _, p := range parts {
		m.Rows += p.Rows
	}
	res := exportResult(e.dir, m, sst)
	res.Files = res.Files[:len(res.Files)-1] // no manifest: the commit writes it
	res.Scan.Export.Manifest = ""
	return res, nil
}

// CommitJob commits the export of d once every task has run: it checks
// that every task's receipt and every part it lists are there (else a
// *export.MissingError naming the missing parts, and nothing written),
// writes the manifest as a local export does (export.PartSet.Commit:
// last, atomically; then deletes the part-named files no manifest
// lists), and with groupId commits the end offsets after it. An
// incremental job commits run d.Run, and refuses when another run was
// committed since it was planned. Committing again after success
// rewrites a per-task export's manifest with the same content.
func (s *Session) CommitJob(ctx context.Context, d *job.Document) (*Result, error) {
	started := time.Now()
	c, opts, err := parseJobCopy(d.Query, "job "+d.ID)
	if err != nil {
		return nil, err
	}
	if len(d.Tasks) == 0 {
		st := &stats.Stats{Tasks: []stats.TaskStats{}, Export: &stats.Export{Location: c.Path, Files: []stats.ExportFile{}}}
		return &Result{Statement: "COPY", Scan: st}, nil
	}
	e := &perTaskRun{c: c, opts: opts}
	if e.dir, err = openDestination(ctx, c); err != nil {
		return nil, err
	}
	defer e.dir.Close()
	if e.rs, err = s.resumeOf(ctx, c, opts, e.dir); err != nil {
		return nil, err
	}
	if opts.incremental {
		if last := e.rs.state.LastRun(); last+1 != d.Run {
			return nil, fmt.Errorf("destination %s: its last committed run is %d, but job %s commits run %d: another export committed since it was planned; plan it again", e.dir, last, d.ID, d.Run)
		}
	}
	ranges := d.Ranges()
	byTask, err := export.ReadReceipts(ctx, e.dir, ranges, func(r plan.Range) string {
		return opts.partPattern(r.Topic, r.Partition, r.From, r.Until) + " (task " + r.String() + " has not finished)"
	})
	if err != nil {
		return nil, err
	}
	// Uploads left by killed workers: every task has finished now.
	if _, err := e.dir.AbortUploads(ctx, started); err != nil {
		return nil, err
	}
	parts, err := export.NewPartSet(ctx, e.dir, export.Config{Incremental: e.rs.state})
	if err != nil {
		return nil, err
	}
	for i, r := range ranges {
		parts.Record(r, byTask[i])
	}
	m, err := parts.Commit(ctx)
	if m == nil {
		return nil, err
	}
	if rerr := export.RemoveReceipts(ctx, e.dir); rerr != nil {
		err = errors.Join(err, fmt.Errorf("after the manifest, removing the task receipts: %w", rerr))
	}
	if err == nil && e.rs.commit != nil {
		err = e.rs.commit(ctx, m)
	}
	sst := &stats.Stats{Tasks: []stats.TaskStats{}}
	return exportResult(e.dir, m, sst), err
}

// parseJobCopy parses the COPY of a job: a per-task export.
func parseJobCopy(sql, what string) (*lang.Copy, copyOptions, error) {
	stmt, err := lang.Parse(sql)
	if err != nil {
		return nil, copyOptions{}, err
	}
	c, ok := stmt.(*lang.Copy)
	if !ok {
		return nil, copyOptions{}, lang.Errorf(stmt.Position(), "%s runs a per-task export: COPY (SELECT ... FROM kafka(...)) TO 'dir/' (PER_TASK true [, INCREMENTAL true])", what)
	}
	opts, err := parseCopyOptions(c)
	if err != nil {
		return nil, opts, err
	}
	if !opts.perTask {
		return nil, opts, lang.Errorf(c.Pos, "%s runs a per-task export, whose tasks write parts of their own: add PER_TASK true (or INCREMENTAL true) to the COPY", what)
	}
	if c.Path == "" {
		return nil, opts, lang.Errorf(c.Pos, "COPY needs a target path")
	}
	return c, opts, nil
}
