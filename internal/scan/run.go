package scan

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq/internal/decode"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/stats"
	"github.com/kq-sql/kq/lang"
)

// Reader is a scan's result: an array.RecordReader whose Stats are the
// scan's statistics once Next has returned false (nil before).
type Reader interface {
	array.RecordReader
	Stats() *stats.Stats
}

// Run executes a resolved plan that Native accepts (a count-only
// aggregate, or a projection of one scan) and returns its rows as a
// stream; any other plan runs in DuckDB. The caller owns the reader and
// must Release it.
func Run(ctx context.Context, root plan.Node, cfg *Config) (Reader, error) {
	switch n := root.(type) {
	case *plan.Limit:
		// Limits reach the scan through plan.PushLimit; the scan's limiter
		// is exact, so the node has nothing left to do here.
		if scans := plan.Scans(n); len(scans) == 1 && scans[0].Limit >= 0 && scans[0].Limit <= n.N {
			return Run(ctx, n.Input, cfg)
		}
	case *plan.Aggregate:
		if scan, ok := n.Input.(*plan.Scan); ok && scan.CountOnly {
			return runCount(ctx, n, scan, cfg)
		}
	case *plan.Project:
		if scan, ok := n.Input.(*plan.Scan); ok {
			return runProject(ctx, n, scan, cfg)
		}
	}
	return nil, fmt.Errorf("scan: plan node %q needs DuckDB (see Native)", root.String())
}

// runCount runs a count-only scan and returns one row with the count in
// every item's column.
func runCount(ctx context.Context, agg *plan.Aggregate, scan *plan.Scan, cfg *Config) (Reader, error) {
	st, err := Start(ctx, scan, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Release()
	if err := st.Wait(); err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(agg.Items))
	cols := make([]arrow.Array, len(agg.Items))
	for i, it := range agg.Items {
		fields[i] = arrow.Field{Name: it.Name, Type: arrow.PrimitiveTypes.Int64}
		b := array.NewInt64Builder(cfg.Allocator)
		b.Append(st.Stats().Rows)
		cols[i] = b.NewArray()
		b.Release()
	}
	schema := arrow.NewSchema(fields, nil)
	rec := array.NewRecordBatch(schema, cols, 1)
	for _, c := range cols {
		c.Release()
	}
	defer rec.Release()
	rr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		return nil, err
	}
	return &counted{RecordReader: rr, stats: st.Stats()}, nil
}

// counted is a count-only scan's one-row result.
type counted struct {
	array.RecordReader
	stats *stats.Stats
}

func (c *counted) Stats() *stats.Stats { return c.stats }

// runProject streams a scan, mapping its columns to the projection's
// items (see Native), or passing every column on for SELECT * over a scan
// that decodes all JSON fields.
func runProject(ctx context.Context, proj *plan.Project, scan *plan.Scan, cfg *Config) (Reader, error) {
	if !Native(proj) {
		return nil, fmt.Errorf("scan: projection %s needs DuckDB", proj)
	}
	st, err := Start(ctx, scan, cfg)
	if err != nil {
		return nil, err
	}
	idx, schema, err := Projection(proj, scan, st.Schema())
	if err != nil {
		st.Release()
		return nil, err
	}
	return &projection{Stream: st, schema: schema, idx: idx}, nil
}

// Projection maps a projection that Native accepts onto the schema of its
// scan's stream: the stream column of each output column, and the output
// schema (items renamed as the query names them; every column for SELECT *
// over a scan that decodes all JSON fields).
func Projection(proj *plan.Project, scan *plan.Scan, in *arrow.Schema) ([]int, *arrow.Schema, error) {
	if allFromStar(proj.Items) && scan.AllFields {
		idx := make([]int, in.NumFields())
		for i := range idx {
			idx[i] = i
		}
		return idx, in, nil
	}
	idx := make([]int, len(proj.Items))
	fields := make([]arrow.Field, len(proj.Items))
	for i, it := range proj.Items {
		found := in.FieldIndices(streamColumn(it.Expr, scan))
		if len(found) != 1 {
			return nil, nil, fmt.Errorf("scan: projection %s is not a column of the scan", it.Expr)
		}
		idx[i] = found[0]
		fields[i] = in.Field(found[0])
		fields[i].Name = it.Name
	}
	return idx, arrow.NewSchema(fields, nil), nil
}

// projection reorders and renames a stream's columns.
type projection struct {
	*Stream
	schema *arrow.Schema
	idx    []int
	cur    arrow.RecordBatch
}

func (p *projection) Schema() *arrow.Schema { return p.schema }

func (p *projection) Next() bool {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	if !p.Stream.Next() {
		return false
	}
	in := p.Stream.RecordBatch()
	cols := make([]arrow.Array, len(p.idx))
	for i, j := range p.idx {
		cols[i] = in.Column(j)
	}
	p.cur = array.NewRecordBatch(p.schema, cols, in.NumRows())
	return true
}

func (p *projection) RecordBatch() arrow.RecordBatch { return p.cur }
func (p *projection) Record() arrow.RecordBatch      { return p.cur }

func (p *projection) Release() {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	p.Stream.Release()
}

// Native reports whether Run computes root from the scan alone, without
// DuckDB: a count-only aggregate, or a projection of one scan without
// WHERE whose items are its metadata columns and top-level decoded JSON
// value fields (bare or qualified by the scan's alias), or SELECT * (all
// columns and fields), under a LIMIT the scan enforces.
func Native(root plan.Node) bool {
	switch n := root.(type) {
	case *plan.Limit:
		scans := plan.Scans(n)
		return n.Offset == 0 && len(scans) == 1 && scans[0].Limit >= 0 && scans[0].Limit <= n.N && Native(n.Input)
	case *plan.Aggregate:
		scan, ok := n.Input.(*plan.Scan)
		return ok && scan.CountOnly && len(n.GroupBy) == 0 && len(n.Subqueries) == 0
	case *plan.Project:
		scan, ok := n.Input.(*plan.Scan)
		if !ok || len(n.Subqueries) > 0 || len(n.Items) == 0 {
			return false
		}
		if allFromStar(n.Items) {
			return true
		}
		if scan.AllFields {
			return false // a use of fields the planner could not see through
		}
		for _, it := range n.Items {
			if it.Star || streamColumn(it.Expr, scan) == "" {
				return false
			}
		}
		return true
	}
	return false
}

func allFromStar(items []plan.Item) bool {
	for _, it := range items {
		if !it.FromStar {
			return false
		}
	}
	return len(items) > 0
}

// streamColumn returns the column of scan's stream that e names — a
// metadata column, or a decoded JSON value field the scan decodes — or "".
// e may be qualified by the scan's alias.
func streamColumn(e lang.Expr, scan *plan.Scan) string {
	id, ok := e.(*lang.Ident)
	if !ok {
		return ""
	}
	parts := id.Parts
	if len(parts) >= 2 && scan.Alias != "" && strings.EqualFold(parts[0], scan.Alias) {
		parts = parts[1:]
	}
	if len(parts) != 1 {
		return "" // value.<field> is a field of the value STRUCT: DuckDB
	}
	for _, c := range scan.Columns {
		if strings.EqualFold(c, parts[0]) {
			return c
		}
	}
	if scan.Options.ValueFormat.Decoded() && slices.Contains(scan.Fields, plan.FieldRef{Part: plan.PartValue, Name: parts[0]}) {
		return decode.FieldColumn(plan.PartValue, parts[0], nil)
	}
	return ""
}
