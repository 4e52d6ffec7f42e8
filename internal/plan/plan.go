package plan

import (
	"context"
	"runtime"
	"sort"

	"github.com/kq-sql/kq/lang"
)

// Query is a planned statement: the logical plan after the rewrite rules,
// with every scan resolved into tasks.
type Query struct {
	// Stmt is the statement planned; for EXPLAIN, the statement explained.
	Stmt lang.Statement
	// Explain is set when the statement was EXPLAIN.
	Explain bool
	// Root is the logical plan.
	Root Node
	// Scans are the plan's scans in the order their kafka() sources appear
	// in the statement; each Scan.Source is the AST node to replace with
	// the scan's stream.
	Scans []*Scan
	// CountOnly says the result is one row of COUNT(*) columns, each the
	// number of records Scans[0] produces: the executor counts them
	// without building columns or running SQL.
	CountOnly bool
	// Workers is the worker count the preferred workers were computed for.
	Workers int
}

// ScanOf returns the scan of kafka() source src, or nil.
func (q *Query) ScanOf(src *lang.KafkaSource) *Scan {
	for _, s := range q.Scans {
		if s.Source == src {
			return s
		}
	}
	return nil
}

// Tasks returns the tasks of every scan, scan after scan.
func (q *Query) Tasks() []Task {
	var out []Task
	for _, s := range q.Scans {
		out = append(out, s.Tasks...)
	}
	return out
}

// PlanOption configures Plan.
type PlanOption func(*planConfig)

type planConfig struct {
	workers int
	rules   []Rule
	resume  *Resume
	fixed   *Fixed
}

// WithWorkers sets the number of workers the preferred workers are
// computed for (default GOMAXPROCS).
func WithWorkers(n int) PlanOption { return func(c *planConfig) { c.workers = n } }

// WithRules replaces the rewrite rules (default DefaultRules); tests use
// it to see a plan before a rule.
func WithRules(rules ...Rule) PlanOption {
	return func(c *planConfig) { c.rules = append([]Rule{}, rules...) }
}

// Plan plans a statement: it builds the logical plan (BuildStatement),
// validates every kafka() source's options, applies the rewrite rules
// (pushdown of predicates and LIMIT, column pruning, count-only), resolves
// every scan's offset ranges through l (through the lister of the scan's
// kafka.* settings when l is a SettingsLister) and splits them into
// tasks. It
// reads no records. Errors in the query are *lang.Error values; unknown
// topics are *UnknownTopicError.
func Plan(ctx context.Context, stmt lang.Statement, l OffsetLister, opts ...PlanOption) (*Query, error) {
	cfg := planConfig{workers: runtime.GOMAXPROCS(0), rules: DefaultRules}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.workers < 1 {
		cfg.workers = 1
	}
	q := &Query{Stmt: stmt, Workers: cfg.workers}
	if ex, ok := stmt.(*lang.Explain); ok {
		q.Explain, q.Stmt = true, ex.Stmt
	}
	root, err := BuildStatement(q.Stmt)
	if err != nil {
		return nil, err
	}
	root = Optimize(root, cfg.rules...)
	if cfg.resume != nil {
		root = setResume(root, cfg.resume)
	}
	if cfg.fixed != nil {
		root = setFixed(root, cfg.fixed)
	} else if root, err = Resolve(ctx, root, l, cfg.workers); err != nil {
		return nil, err
	}
	q.Root = root
	q.Scans = Scans(root)
	sort.SliceStable(q.Scans, func(i, j int) bool { return q.Scans[i].Pos.Offset < q.Scans[j].Pos.Offset })
	q.CountOnly = IsCountOnly(root)
	return q, nil
}
