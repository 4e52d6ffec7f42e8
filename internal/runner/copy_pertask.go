package runner

import (
	"context"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/kq-sql/kq/internal/export"
	"github.com/kq-sql/kq/internal/parquet"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/lang"
)

// copyPerTask runs COPY (SELECT columns FROM kafka(...)) TO 'dir'
// (PER_TASK true): every scan task writes its own Parquet part, in
// parallel on the scan's workers, then the manifest is written (see
// export.PartSet for re-runs and failures). The query must be a projection
// of the source's columns: per-task parts hold each task's rows, which a
// filter, join or aggregate would mix.
func (s *Session) copyPerTask(ctx context.Context, c *lang.Copy, opts copyOptions) (*Result, error) {
	notPerTask := lang.Errorf(c.Query.Position(), "COPY ... (PER_TASK true) needs SELECT <columns> FROM kafka(...) without WHERE, joins, aggregates or LIMIT")
	pq, err := s.plan(ctx, c.Query)
	if err != nil {
		return nil, err
	}
	root := pq.Root
	if _, ok := root.(*plan.Project); !ok || !scan.Native(root) {
		return nil, notPerTask
	}
	proj := root.(*plan.Project)
	sc := proj.Input.(*plan.Scan)
	comp, err := parquet.ParseCompression(opts.compression)
	if err != nil {
		return nil, err
	}

	// The part set needs the stream's schema; workers wait for it.
	var (
		parts *export.PartSet
		pw    *scan.Projector
		ready = make(chan struct{})
	)
	cfg, err := s.scanConfig(ctx, sc.Options.Kafka)
	if err != nil {
		return nil, err
	}
	cfg.PerTask = func(ctx context.Context, t plan.Task) (scan.TaskWriter, error) {
		select {
		case <-ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		w, err := parts.Task(t.Topic, t.Partition, t.From, t.Until)
		if err != nil {
			return nil, err
		}
		return &projectedPart{PartWriter: w, p: pw}, nil
	}
	st, err := scan.Start(ctx, sc, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Release()
	if err := checkNames(c.Query, pq, map[*plan.Scan]*scan.Stream{sc: st}); err != nil {
		return nil, err // Release cancels the workers waiting for ready
	}
	if pw, err = scan.NewProjector(proj, sc, st.Schema(), s.cfg.Allocator); err == nil {
		parts, err = export.NewPartSet(c.Path, pw.Schema(), opts.writerOptions(comp, s.cfg.Allocator)...)
	}
	if err != nil {
		return nil, err // Release cancels the workers waiting for ready
	}
	close(ready)
	err = st.Wait()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		parts.Abort()
		return nil, err
	}
	m, err := parts.Commit()
	if err != nil {
		parts.Abort()
		return nil, err
	}
	es := &Result{Statement: "COPY", Rows: m.Rows, Scan: st.Stats()}
	for _, p := range m.Parts {
		es.Files = append(es.Files, filepath.Join(c.Path, p.File))
	}
	es.Files = append(es.Files, filepath.Join(c.Path, export.ManifestName))
	return es, nil
}

// projectedPart writes a task's batches, projected, to its part.
type projectedPart struct {
	*export.PartWriter
	p *scan.Projector
}

func (w *projectedPart) Write(rec arrow.RecordBatch) error {
	out := w.p.Project(rec)
	defer out.Release()
	return w.PartWriter.Write(out)
}
