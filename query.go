package kq

import (
	"context"
	"errors"
	"strings"

	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq/exec"
	"github.com/kq-sql/kq/lang"
	"github.com/kq-sql/kq/plan"
)

// WithDB makes the engine's DuckDB database the file at path, created when
// missing: CREATE TABLE AS and INSERT INTO write there, and its tables can
// be joined with topics. Default: a private in-memory database that Close
// discards.
func WithDB(path string) Option { return func(c *config) { c.dbPath = path } }

// quoteIdent quotes name for DuckDB whatever it is (lang.QuoteIdent leaves
// names bare that kq allows but DuckDB reserves, such as offset).
func quoteIdent(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// planStatement plans stmt (a query, or a statement that writes one):
// options validated, predicates and LIMIT pushed into the scans, columns
// pruned, offsets resolved into tasks.
func (e *Engine) planStatement(ctx context.Context, stmt lang.Statement) (*plan.Query, error) {
	return plan.Plan(ctx, stmt, e.lister, plan.WithWorkers(e.workers))
}

// query runs a query (SELECT, set operation). When the scan alone
// computes it (COUNT(*) over pushed-down predicates, a projection of
// source columns) it streams from the scan; everything else runs in
// DuckDB over the scans' Arrow streams.
func (e *Engine) query(ctx context.Context, q lang.Query) (array.RecordReader, error) {
	pq, err := e.planStatement(ctx, q)
	if err != nil {
		return nil, err
	}
	if pq.CountOnly {
		return e.count(ctx, pq.Root)
	}
	if exec.Native(pq.Root) {
		return exec.Run(ctx, pq.Root, e.execConfig(), e.cfg.stats)
	}
	b, err := e.bind(ctx, pq, q)
	if err != nil {
		return nil, err
	}
	rr, err := b.db.Query(ctx, b.sql, b.srcs)
	// DuckDB has read (or stopped) every scan by now: its result is
	// materialized before the first batch is returned.
	b.report(e.cfg.stats)
	if err != nil {
		return nil, err
	}
	return rr, nil
}

// count runs a count-only plan: COUNT(*) items over one scan, under
// LIMIT/ORDER BY wrappers that a one-row result only feels through LIMIT 0
// or an OFFSET.
func (e *Engine) count(ctx context.Context, root plan.Node) (array.RecordReader, error) {
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
	rr, err := exec.Run(ctx, root, e.execConfig(), e.cfg.stats)
	if err != nil || !empty {
		return rr, err
	}
	schema := rr.Schema()
	rr.Release()
	return array.NewRecordReader(schema, nil)
}

// bound is a statement rendered as DuckDB SQL with its kafka() sources
// started as scans, each to be registered as a view.
type bound struct {
	db      *exec.DB // the engine's DuckDB database, open
	sql     string
	srcs    []exec.Source
	streams []*exec.Stream
}

// release stops the scans of a statement that will not run.
func (b *bound) release() {
	for _, s := range b.srcs {
		s.Reader.Release()
	}
	b.srcs = nil
}

// merged returns the scans' statistics merged into one; nil when the
// statement read no kafka() source or no scan has ended.
func (b *bound) merged() *Stats {
	var all []*Stats
	for _, st := range b.streams {
		if s := st.Stats(); s != nil {
			all = append(all, s)
		}
	}
	if len(all) == 0 {
		return nil
	}
	return mergeStats(all)
}

// report passes the merged statistics of the scans to fn, if any.
func (b *bound) report(fn func(*Stats)) {
	if s := b.merged(); fn != nil && s != nil {
		fn(s)
	}
}

// bind renders stmt (planned as pq) for DuckDB with every kafka() source
// replaced by a view over its scan, and starts the scans. Nothing of the
// user's text is spliced: lang.Render prints the SQL from the AST.
func (e *Engine) bind(ctx context.Context, pq *plan.Query, stmt lang.Statement) (*bound, error) {
	db, err := e.duck()
	if err != nil {
		return nil, err
	}
	views := make(map[*plan.Scan]string, len(pq.Scans))
	for _, s := range pq.Scans {
		views[s] = db.ViewName()
	}
	text, err := lang.Render(stmt, lang.RenderOptions{Source: func(ks *lang.KafkaSource) string {
		s := pq.ScanOf(ks)
		if s == nil {
			return "" // Render reports the source it cannot replace
		}
		return quoteIdent(views[s]) + " AS " + quoteIdent(sourceAlias(ks))
	}})
	if err != nil {
		return nil, err
	}
	b := &bound{db: db, sql: text}
	for _, s := range pq.Scans {
		st, err := exec.Start(ctx, s, e.execConfig())
		if err != nil {
			b.release()
			return nil, err
		}
		b.srcs = append(b.srcs, exec.Source{Name: views[s], Reader: st})
		b.streams = append(b.streams, st)
	}
	return b, nil
}

// sourceAlias is the name a kafka() source has in the SQL DuckDB runs: its
// alias, else its topic when it reads one, else "kafka".
func sourceAlias(ks *lang.KafkaSource) string {
	if ks.Alias != "" {
		return ks.Alias
	}
	if len(ks.Topics) == 1 && !strings.Contains(ks.Topics[0], ",") {
		return ks.Topics[0]
	}
	return "kafka"
}

// scanOf plans and resolves the scan of one kafka() source alone, with
// every column and decoded field (for DESCRIBE).
func (e *Engine) scanOf(ctx context.Context, ks *lang.KafkaSource) (*plan.Scan, error) {
	root, err := plan.Build(&lang.Select{Pos: ks.Pos, Items: []*lang.SelectItem{{Pos: ks.Pos, Star: true}}, From: []lang.TableExpr{ks}})
	if err != nil {
		return nil, err
	}
	root, err = plan.Resolve(ctx, plan.Optimize(root), e.lister, e.workers)
	if err != nil {
		return nil, err
	}
	scans := plan.Scans(root)
	if len(scans) != 1 {
		return nil, errors.New("kq: internal error: a kafka() source planned to no scan")
	}
	s := *scans[0]
	s.AllFields = true
	return &s, nil
}

// mergeStats sums the statistics of several scans into one.
func mergeStats(all []*Stats) *Stats {
	if len(all) == 1 {
		return all[0]
	}
	m := &Stats{}
	for _, s := range all {
		m.Rows += s.Rows
		m.EstimatedRows += s.EstimatedRows
		m.ControlRecords += s.ControlRecords
		m.AbortedRecords += s.AbortedRecords
		m.GapRecords += s.GapRecords
		m.Fetches += s.Fetches
		m.Bytes += s.Bytes
		m.DecodeErrors += s.DecodeErrors
		m.RecordsLost += s.RecordsLost
		m.ElapsedMs = max(m.ElapsedMs, s.ElapsedMs)
		m.DataLoss.Detected = m.DataLoss.Detected || s.DataLoss.Detected
		m.DataLoss.RecordsLost += s.DataLoss.RecordsLost
		m.DataLoss.Partitions = append(m.DataLoss.Partitions, s.DataLoss.Partitions...)
		m.Tasks = append(m.Tasks, s.Tasks...)
	}
	return m
}
