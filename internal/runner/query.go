package runner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq/internal/duck"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/internal/stats"
	"github.com/kq-sql/kq/lang"
)

// Rows is a statement's result: an array.RecordReader whose Stats are the
// merged statistics of the statement's scans once Next has returned false
// (nil before, and for statements that read no topic).
type Rows = scan.Reader

// Query runs a statement and streams its rows; the caller must Release
// them, and releasing early stops the scans. args are the values of its
// parameters (bindParams). See kq.Engine.Query.
func (s *Session) Query(ctx context.Context, sql string, args ...any) (Rows, error) {
	stmt, err := lang.Parse(sql)
	if err != nil {
		return nil, err
	}
	return s.QueryStatement(ctx, stmt, args...)
}

// QueryStatement is Query of a parsed statement, which it does not
// modify (a Prepared statement runs it again).
func (s *Session) QueryStatement(ctx context.Context, stmt lang.Statement, args ...any) (Rows, error) {
	stmt, err := bindParams(stmt, args)
	if err != nil {
		return nil, err
	}
	switch st := stmt.(type) {
	case *lang.Explain:
		q, err := s.explain(ctx, st)
		if err != nil {
			return nil, err
		}
		return s.explainRows(q)
	case lang.Query:
		return s.query(ctx, st)
	case *lang.Copy, *lang.CreateTable, *lang.Insert:
		return s.execRows(ctx, st)
	case *lang.Show:
		return s.show(ctx, st)
	case *lang.Describe:
		return s.describe(ctx, st)
	}
	return nil, fmt.Errorf("unsupported statement %T", stmt)
}

// plan plans stmt (a query, or a statement that writes one, or EXPLAIN):
// options validated, predicates and LIMIT pushed into the scans, columns
// pruned, offsets resolved into tasks, each source's on its cluster
// (clusters, whose clients are closed when planning ends).
func (s *Session) plan(ctx context.Context, stmt lang.Statement, opts ...plan.PlanOption) (*plan.Query, error) {
	cs := s.newClusters()
	defer cs.close()
	return plan.Plan(ctx, stmt, cs, append([]plan.PlanOption{plan.WithWorkers(s.cfg.Workers)}, opts...)...)
}

// query runs a query (SELECT, set operation). When the scan alone
// computes it (COUNT(*) over pushed-down predicates, a projection of
// source columns) it streams from the scan; everything else runs in
// DuckDB over the scans' Arrow streams.
func (s *Session) query(ctx context.Context, q lang.Query) (Rows, error) {
	pq, err := s.plan(ctx, q)
	if err != nil {
		return nil, err
	}
	if err := noGroup(pq); err != nil {
		return nil, err
	}
	if pq.CountOnly {
		return s.count(ctx, pq.Root)
	}
	if scan.Native(pq.Root) {
		return s.runNative(ctx, q, pq)
	}
	return s.duckRows(ctx, pq, q)
}

// duckRows runs stmt (planned as pq) in DuckDB over its scans and streams
// the result. The scans run under a context of their own, cancelled when
// the result is released: a scan DuckDB is waiting on stops at once.
func (s *Session) duckRows(ctx context.Context, pq *plan.Query, stmt lang.Statement) (Rows, error) {
	ctx, cancel := context.WithCancel(ctx)
	b, err := s.bind(ctx, pq, stmt)
	if err != nil {
		cancel()
		return nil, err
	}
	rr, err := b.db.Query(ctx, b.sql, b.srcs, b.args...)
	if err != nil {
		cancel()
		return nil, b.fail(ctx, s, err)
	}
	r := &streamedRows{rr: rr, b: b, cancel: cancel, fail: func(err error) error { return b.fail(ctx, s, err) }}
	r.refs.Store(1)
	return r, nil
}

// streamedRows is a statement's result as DuckDB streams it. When it
// ends, DuckDB's reader has released the scans, so their statistics are
// final: Stats is nil before. An error DuckDB reports mid-stream gets its
// position in the query as one at the start does (bound.fail).
type streamedRows struct {
	rr     array.RecordReader
	b      *bound
	cancel context.CancelFunc
	fail   func(error) error
	refs   atomic.Int64

	mu    sync.Mutex // guards what follows, set once the result ends
	ended bool
	stats *stats.Stats
	err   error
}

func (r *streamedRows) Schema() *arrow.Schema          { return r.rr.Schema() }
func (r *streamedRows) RecordBatch() arrow.RecordBatch { return r.rr.RecordBatch() }
func (r *streamedRows) Record() arrow.RecordBatch      { return r.rr.RecordBatch() }
func (r *streamedRows) Retain()                        { r.refs.Add(1) }

// Next implements array.RecordReader.
func (r *streamedRows) Next() bool {
	if r.rr.Next() {
		return true
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.ended {
		r.ended = true
		r.stats = r.b.merged()
		if err := r.rr.Err(); err != nil {
			r.err = r.fail(err)
		}
	}
	return false
}

// Err returns the error that ended the result, once it has ended.
func (r *streamedRows) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Stats returns the statistics of the statement's scans once the result
// has ended; nil before.
func (r *streamedRows) Stats() *stats.Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stats
}

// Release implements array.RecordReader: the last reference stops the
// scans, then DuckDB.
func (r *streamedRows) Release() {
	if r.refs.Add(-1) != 0 {
		return
	}
	r.cancel()
	r.rr.Release()
}

// count runs a count-only plan: COUNT(*) items over one scan, under
// LIMIT/ORDER BY wrappers that a one-row result only feels through LIMIT 0
// or an OFFSET.
func (s *Session) count(ctx context.Context, root plan.Node) (Rows, error) {
	empty := false
	for {
		switch n := root.(type) {
		case *plan.Limit:
			empty = empty || n.N == 0 || n.Offset > 0
			root = n.Input
			continue
		case *plan.Sort:
			root = n.Input
			continue
		}
		break
	}
	scans := plan.Scans(root)
	if len(scans) != 1 {
		return nil, errors.New("internal error: a count-only plan without one scan")
	}
	cfg, err := s.scanConfig(ctx, scans[0].Options.Kafka)
	if err != nil {
		return nil, err
	}
	rr, err := scan.Run(ctx, root, cfg)
	if err != nil || !empty {
		return rr, err
	}
	schema, st := rr.Schema(), rr.Stats()
	rr.Release()
	none, err := array.NewRecordReader(schema, nil)
	if err != nil {
		return nil, err
	}
	return withStats(none, st), nil
}

// withStats gives a reader whose rows are already computed its scans'
// statistics.
func withStats(rr array.RecordReader, st *stats.Stats) Rows { return &statsReader{rr, st} }

type statsReader struct {
	array.RecordReader
	stats *stats.Stats
}

func (r *statsReader) Stats() *stats.Stats { return r.stats }

// bound is a statement rendered as DuckDB SQL with its kafka() sources
// started as scans, each to be registered as a view.
type bound struct {
	db       *duck.DB // the session's DuckDB database, open
	sql      string
	srcs     []duck.Source
	streams  []*scan.Stream
	stmt     lang.Statement
	rendered *lang.Rendered // sql, with where its parts come from in stmt
	args     []any          // the values of the parameters of sql
}

// fail gives an error DuckDB reported for the bound statement a position
// in the query where it can (Session.duckError).
func (b *bound) fail(ctx context.Context, s *Session, err error) error {
	return s.duckError(ctx, err, b.rendered, b.stmt, b.sql, 0)
}

// failIn is fail for an error DuckDB reported for text, which holds the
// bound statement at byte shift.
func (b *bound) failIn(ctx context.Context, s *Session, err error, text string, shift int) error {
	return s.duckError(ctx, err, b.rendered, b.stmt, text, shift)
}

// release stops the scans of a statement that will not run.
func (b *bound) release() {
	for _, s := range b.srcs {
		s.Reader.Release()
	}
	b.srcs = nil
}

// merged returns the statistics of the scans that have ended, merged;
// nil when the statement read no kafka() source.
func (b *bound) merged() *stats.Stats {
	all := make([]*stats.Stats, len(b.streams))
	for i, st := range b.streams {
		all[i] = st.Stats()
	}
	return stats.Merge(all...)
}

// bind starts the scans of stmt (planned as pq) and renders it for DuckDB
// with every kafka() source replaced by a view over its scan. Nothing of
// the user's text is spliced: lang.Render prints the SQL from the AST.
func (s *Session) bind(ctx context.Context, pq *plan.Query, stmt lang.Statement) (*bound, error) {
	db, err := s.duck()
	if err != nil {
		return nil, err
	}
	b := &bound{db: db}
	views := make(map[*plan.Scan]string, len(pq.Scans))
	streams := make(map[*plan.Scan]*scan.Stream, len(pq.Scans))
	var progress []func(scan.Progress)
	if fn := progressOf(ctx); fn != nil {
		progress = sumProgress(fn, len(pq.Scans))
	}
	for i, sc := range pq.Scans {
		cfg, err := s.scanConfig(ctx, sc.Options.Kafka)
		if err != nil {
			b.release()
			return nil, err
		}
		if progress != nil {
			cfg.Progress = progress[i]
		}
		st, err := scan.Start(ctx, sc, cfg)
		if err != nil {
			b.release()
			return nil, err
		}
		views[sc] = db.ViewName()
		streams[sc] = st
		b.srcs = append(b.srcs, duck.Source{Name: views[sc], Reader: st})
		b.streams = append(b.streams, st)
	}
	if err := checkNames(stmt, pq, streams); err != nil {
		b.release()
		return nil, err
	}
	opts := renderOptions()
	opts.Source = func(ks *lang.KafkaSource) string {
		sc := pq.ScanOf(ks)
		if sc == nil {
			return "" // Render reports the source it cannot replace
		}
		return lang.QuoteName(views[sc]) + " AS " + lang.QuoteName(sc.Name())
	}
	opts.Hidden = func(ks *lang.KafkaSource) (string, []string) {
		sc := pq.ScanOf(ks)
		if sc == nil {
			return "", nil
		}
		var hidden []string
		for _, f := range streams[sc].Schema().Fields() {
			if sc.HiddenFromStar(f.Name) {
				hidden = append(hidden, f.Name)
			}
		}
		return sc.Name(), hidden
	}
	if b.rendered, err = lang.RenderMapped(stmt, opts); err != nil {
		b.release()
		return nil, err
	}
	b.sql, b.stmt = b.rendered.SQL, stmt
	if b.args, err = paramArgs(b.rendered, stmt); err != nil {
		b.release()
		return nil, err
	}
	return b, nil
}

// scanOf plans the scan of one kafka() source alone, on the statement's
// clusters cs, with every column and decoded field (for DESCRIBE): its
// partitions' ranges, listed once, and the tasks they split into.
func (s *Session) scanOf(ctx context.Context, cs *clusters, ks *lang.KafkaSource) (*plan.Scan, []plan.Range, error) {
	root, err := plan.Build(&lang.Select{Pos: ks.Pos, Items: []*lang.SelectItem{{Pos: ks.Pos, Star: true}}, From: []lang.TableExpr{ks}})
	if err != nil {
		return nil, nil, err
	}
	scans := plan.Scans(plan.Optimize(root))
	if len(scans) != 1 {
		return nil, nil, errors.New("internal error: a kafka() source planned to no scan")
	}
	sc := *scans[0]
	sc.AllFields = true
	// DESCRIBE lists every column, the decoded value (key) STRUCT that *
	// leaves out too.
	sc.Columns = plan.SourceColumns(sc.Options.IncludeHeaders)
	ranges, err := plan.ResolveScanRanges(ctx, cs, &sc)
	if err != nil {
		return nil, nil, err
	}
	if sc.Tasks, err = plan.Split(ranges, sc.Options.Split); err != nil {
		return nil, nil, err
	}
	return &sc, ranges, nil
}

// renderOptions are the options of every statement rendered for DuckDB:
// result columns named by kq's rule (lang.ItemName), casts of BLOBs to
// text giving UTF-8 text (duck.TextFunction).
func renderOptions() lang.RenderOptions {
	return lang.RenderOptions{ItemNames: true, Text: duck.TextFunction}
}
