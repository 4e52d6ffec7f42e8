package runner

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kq-sql/kq/internal/export"
	"github.com/kq-sql/kq/internal/parquet"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/internal/stats"
	"github.com/kq-sql/kq/internal/storage"
	"github.com/kq-sql/kq/lang"
)

// cleanupTimeout bounds what an export does after it failed or was
// cancelled (deleting its parts), under a context of its own.
const cleanupTimeout = 30 * time.Second

// copyPerTask runs COPY (SELECT ... FROM kafka(...)) TO 'dir' (PER_TASK
// true), and the exports that imply it (INCREMENTAL, PARTITION_BY,
// FILE_SIZE_BYTES): every scan task writes its own Parquet parts, in
// parallel on the scan's workers, into a local directory or an object
// store prefix; then the manifest is written, last (see export.PartSet
// for re-runs and failures). The query must compute each row from its
// record alone (perTaskable): per-task parts hold each task's rows, which
// a filter, join, aggregate or window would mix. A plain projection of
// source columns runs without SQL; other select lists, and every
// PARTITION_BY export, run batch by batch in DuckDB.
//
// An INCREMENTAL export first reads the destination's committed runs and
// plans the scan from where they ended (a consumer group's offsets with
// groupId); a run with nothing new writes nothing.
func (s *Session) copyPerTask(ctx context.Context, c *lang.Copy, opts copyOptions) (*Result, error) {
	started := time.Now()
	e, err := s.planPerTask(ctx, c, opts, nil)
	if err != nil {
		return nil, err
	}
	defer e.dir.Close()
	if opts.incremental && len(e.sc.Tasks) == 0 {
		st := &stats.Stats{Tasks: []stats.TaskStats{}, Export: &stats.Export{Location: e.dir.String(), Files: []stats.ExportFile{}}}
		return &Result{Statement: "COPY", Scan: st}, nil
	}
	// A killed run leaves multipart uploads behind (invisible, but
	// stored): abort those older than this run.
	if _, err := e.dir.AbortUploads(ctx, started); err != nil {
		return nil, err
	}
	parts, sst, err := s.writeParts(ctx, e, e.rs.state, nil)
	if err == nil {
		err = ctx.Err()
	}
	var m *export.Manifest
	if err == nil {
		m, err = parts.Commit(ctx)
	}
	if err != nil && m == nil {
		if parts != nil {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
			defer cancel()
			parts.Abort(cctx)
		}
		return nil, err
	}
	if err == nil && e.rs.commit != nil {
		err = e.rs.commit(ctx, m)
	}
	return exportResult(e.dir, m, sst), err
}

// perTaskRun is a per-task export planned: its statement and options,
// destination (closed by the caller), resume point and scan.
type perTaskRun struct {
	c    *lang.Copy
	opts copyOptions
	dir  *storage.Dir
	rs   *resumePoint
	pq   *plan.Query
	proj *plan.Project
	sc   *plan.Scan
}

// planPerTask opens the destination of c and plans the export: from
// where its committed runs (or consumer group) ended, or, with fixed,
// exactly a job document's tasks (the resume point was the planner's).
func (s *Session) planPerTask(ctx context.Context, c *lang.Copy, opts copyOptions, fixed *plan.Fixed) (*perTaskRun, error) {
	dir, err := openDestination(ctx, c)
	if err != nil {
		return nil, err
	}
	e := &perTaskRun{c: c, opts: opts, dir: dir, rs: &resumePoint{}}
	popt := plan.WithFixed(fixed)
	if fixed == nil {
		if e.rs, err = s.resumeOf(ctx, c, opts, dir); err == nil {
			popt = plan.WithResume(e.rs.resume)
		}
	}
	if err == nil {
		e.pq, err = s.plan(ctx, c.Query, popt)
	}
	if err == nil {
		e.proj, e.sc, err = perTaskable(c, e.pq, opts.perTaskBy)
	}
	if err != nil {
		dir.Close()
		return nil, err
	}
	return e, nil
}

// openDestination opens the directory or object store prefix of a
// per-task export; the caller closes it.
func openDestination(ctx context.Context, c *lang.Copy) (*storage.Dir, error) {
	dir, err := storage.Open(ctx, c.Path)
	if err != nil {
		return nil, destinationError(c, err)
	}
	return dir, nil
}

// destinationError is the error of a COPY whose destination did not
// open: a location that cannot be is an error in the statement, at the
// COPY; others (refused credentials, the network, the store) keep their
// cause for errors.Is and errors.As (storage.ErrDenied), and may pass
// if tried again.
func destinationError(c *lang.Copy, err error) error {
	var le *storage.LocationError
	if errors.As(err, &le) {
		return lang.Errorf(c.Pos, "COPY: %v", err)
	}
	return fmt.Errorf("COPY: %w", err)
}

// writeParts runs the tasks of e's scan, each writing its own Parquet
// parts, in parallel on the scan's workers. inc is the destination's
// committed state for an incremental export (nil: a per-task export);
// onPart, when set, sees every part once it is committed. It returns the
// PartSet to commit (or abort; nil when the parts were never started)
// and the scan's statistics.
func (s *Session) writeParts(ctx context.Context, e *perTaskRun, inc *export.State, onPart func(export.Part)) (*export.PartSet, *stats.Stats, error) {
	comp, err := parquet.ParseCompression(e.opts.compression)
	if err != nil {
		return nil, nil, err
	}
	// The parts need the output schema, known once the scan has started
	// (JSON fields are inferred from a sample); workers wait for it.
	var (
		parts *export.PartSet
		tr    rowTransform
		ready = make(chan struct{})
	)
	cfg, err := s.scanConfig(ctx, e.sc.Options.Kafka)
	if err != nil {
		return nil, nil, err
	}
	cfg.PerTask = func(tctx context.Context, t plan.Task) (scan.TaskWriter, error) {
		select {
		case <-ready:
		case <-tctx.Done():
			return nil, tctx.Err()
		}
		w, err := parts.Task(tctx, t.Range)
		if err != nil {
			return nil, err
		}
		return &exportTask{ctx: tctx, w: w, tr: tr}, nil
	}
	st, err := scan.Start(ctx, e.sc, cfg)
	if err != nil {
		return nil, nil, err
	}
	defer st.Release()
	if err := checkNames(e.c.Query, e.pq, map[*plan.Scan]*scan.Stream{e.sc: st}); err != nil {
		return nil, nil, err // Release cancels the workers waiting for ready
	}
	if len(e.opts.partitionBy) == 0 && scan.Native(e.proj) {
		tr, err = newProjector(e.proj, e.sc, st.Schema(), s.cfg.Allocator)
	} else {
		db, derr := s.duck()
		if derr != nil {
			return nil, nil, derr
		}
		tr, err = newDuckTransform(ctx, db, s.cfg.Allocator, e.c.Query, e.sc, st.Schema(), e.opts.partitionBy, e.opts.pos["PARTITION_BY"])
	}
	if err == nil {
		parts, err = export.NewPartSet(ctx, e.dir, export.Config{
			Schema:        tr.schema(),
			Parquet:       e.opts.writerOptions(comp, s.cfg.Allocator),
			PartitionBy:   e.opts.partitionBy,
			FileSizeBytes: e.opts.fileSize,
			Incremental:   inc,
			Allocator:     s.cfg.Allocator,
			OnPart:        onPart,
		})
	}
	if err != nil {
		return nil, nil, err // Release cancels the workers waiting for ready
	}
	close(ready)
	err = st.Wait()
	sst := *st.Stats()
	return parts, &sst, err
}

// exportResult is the result of an export that committed manifest m
// into dir after a scan of statistics sst.
func exportResult(dir *storage.Dir, m *export.Manifest, sst *stats.Stats) *Result {
	sst.Export = exportStats(dir, m)
	es := &Result{Statement: "COPY", Rows: m.Rows, Scan: sst}
	for _, p := range m.Parts {
		es.Files = append(es.Files, dir.Location(p.File))
	}
	es.Files = append(es.Files, dir.Location(sst.Export.Manifest))
	return es
}

// perTaskable returns the projection and the scan of a statement a
// per-task export (made so by option by) can run: a select list over one kafka() source, without
// WHERE, joins, aggregates, windows, subqueries or LIMIT, whose every row
// is computed from its record alone.
func perTaskable(c *lang.Copy, pq *plan.Query, by string) (*plan.Project, *plan.Scan, error) {
	notPerTask := lang.Errorf(c.Query.Position(), "COPY ... (%s) writes per-task parts: it needs SELECT <columns or expressions> FROM kafka(...) without WHERE, joins, aggregates, window functions, subqueries or LIMIT", by)
	proj, ok := pq.Root.(*plan.Project)
	if !ok || len(proj.Subqueries) > 0 {
		return nil, nil, notPerTask
	}
	sc, ok := proj.Input.(*plan.Scan)
	if !ok || sc.Limit >= 0 || len(sc.Pushed) > 0 {
		return nil, nil, notPerTask
	}
	for _, it := range proj.Items {
		if it.Expr == nil {
			continue
		}
		bad := false
		lang.Inspect(it.Expr, func(n lang.Node) bool {
			switch n := n.(type) {
			case *lang.Call:
				if n.Over != nil || plan.IsAggregateCall(n) {
					bad = true
				}
			case *lang.Subquery, *lang.Exists:
				bad = true
			case *lang.In:
				bad = n.Query != nil
			}
			return !bad
		})
		if bad {
			return nil, nil, notPerTask
		}
	}
	return proj, sc, nil
}

// exportStats is what the export of manifest m into dir wrote.
func exportStats(dir *storage.Dir, m *export.Manifest) *stats.Export {
	e := &stats.Export{Location: dir.String(), Run: m.Run, Manifest: export.ManifestName, Parts: len(m.Parts), Rows: m.Rows, Files: []stats.ExportFile{}}
	if m.Run > 0 {
		e.Manifest = export.RunName(m.Run)
	}
	for _, p := range m.Parts {
		e.Bytes += p.Bytes
		e.Files = append(e.Files, stats.ExportFile{File: p.File, Range: plan.Range{Topic: p.Topic, Partition: p.Partition, From: p.From, Until: p.Until}, Rows: p.Rows, Bytes: p.Bytes})
	}
	return e
}
