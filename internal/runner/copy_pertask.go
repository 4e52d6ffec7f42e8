package runner

import (
	"context"
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
	dir, err := storage.Open(ctx, c.Path)
	if err != nil {
		return nil, lang.Errorf(c.Pos, "COPY: %v", err)
	}
	defer dir.Close()
	rs, err := s.resumeOf(ctx, c, opts, dir)
	if err != nil {
		return nil, err
	}
	pq, err := s.plan(ctx, c.Query, plan.WithResume(rs.resume))
	if err != nil {
		return nil, err
	}
	proj, sc, err := perTaskable(c, pq, opts.perTaskBy)
	if err != nil {
		return nil, err
	}
	if opts.incremental && len(sc.Tasks) == 0 {
		st := &stats.Stats{Tasks: []stats.TaskStats{}, Export: &stats.Export{Location: dir.String(), Files: []stats.ExportFile{}}}
		return &Result{Statement: "COPY", Scan: st}, nil
	}
	// A killed run leaves multipart uploads behind (invisible, but
	// stored): abort those older than this run.
	if _, err := dir.AbortUploads(ctx, started); err != nil {
		return nil, err
	}
	comp, err := parquet.ParseCompression(opts.compression)
	if err != nil {
		return nil, err
	}

	// The parts need the output schema, known once the scan has started
	// (JSON fields are inferred from a sample); workers wait for it.
	var (
		parts *export.PartSet
		tr    rowTransform
		ready = make(chan struct{})
	)
	cfg, err := s.scanConfig(ctx, sc.Options.Kafka)
	if err != nil {
		return nil, err
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
	st, err := scan.Start(ctx, sc, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Release()
	if err := checkNames(c.Query, pq, map[*plan.Scan]*scan.Stream{sc: st}); err != nil {
		return nil, err // Release cancels the workers waiting for ready
	}
	if len(opts.partitionBy) == 0 && scan.Native(proj) {
		tr, err = newProjector(proj, sc, st.Schema(), s.cfg.Allocator)
	} else {
		db, derr := s.duck()
		if derr != nil {
			return nil, derr
		}
		tr, err = newDuckTransform(ctx, db, s.cfg.Allocator, c.Query, sc, st.Schema(), opts.partitionBy, opts.pos["PARTITION_BY"])
	}
	if err == nil {
		parts, err = export.NewPartSet(ctx, dir, export.Config{
			Schema:        tr.schema(),
			Parquet:       opts.writerOptions(comp, s.cfg.Allocator),
			PartitionBy:   opts.partitionBy,
			FileSizeBytes: opts.fileSize,
			Incremental:   rs.state,
			Allocator:     s.cfg.Allocator,
		})
	}
	if err != nil {
		return nil, err // Release cancels the workers waiting for ready
	}
	close(ready)
	err = st.Wait()
	if err == nil {
		err = ctx.Err()
	}
	var m *export.Manifest
	if err == nil {
		m, err = parts.Commit(ctx)
	}
	if err != nil && m == nil {
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		parts.Abort(cctx)
		return nil, err
	}
	if err == nil && rs.commit != nil {
		err = rs.commit(ctx, m)
	}
	sst := *st.Stats()
	sst.Export = exportStats(dir, m)
	es := &Result{Statement: "COPY", Rows: m.Rows, Scan: &sst}
	for _, p := range m.Parts {
		es.Files = append(es.Files, dir.Location(p.File))
	}
	es.Files = append(es.Files, dir.Location(sst.Export.Manifest))
	return es, err
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
