package scan

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

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
	return Project(proj, st, cfg.Allocator)
}

// Project streams the rows of root, a plan Native accepts other than a
// count-only one (a projection of one scan, possibly under a LIMIT the
// scan enforces), from st, its scan's started stream. It is Run for a
// caller that starts the stream itself, to look at it first (its
// Fields); Project takes st over, releasing it on error. mem allocates
// the text of casts (see Projector).
func Project(root plan.Node, st *Stream, mem memory.Allocator) (Reader, error) {
	for {
		l, ok := root.(*plan.Limit)
		if !ok {
			break
		}
		root = l.Input
	}
	proj, ok := root.(*plan.Project)
	if !ok || !Native(proj) {
		st.Release()
		return nil, fmt.Errorf("scan: plan node %q is not a projection the scan computes (see Native)", root.String())
	}
	p, err := NewProjector(proj, proj.Input.(*plan.Scan), st.Schema(), mem)
	if err != nil {
		st.Release()
		return nil, err
	}
	return &projection{Stream: st, p: p}, nil
}

// Projector maps the batches of a scan's stream onto the columns of a
// projection that Native accepts: each output column is a stream column,
// renamed as the query names it, or a stream column's BLOB cast to text
// (CAST(value AS STRING): the bytes as UTF-8 text, decode.AppendText);
// SELECT * over a scan that decodes all fields passes every column on.
// A Projector is safe for concurrent use.
type Projector struct {
	schema *arrow.Schema
	cols   []projected
	mem    memory.Allocator
}

// projected is where one output column comes from.
type projected struct {
	idx  int  // the stream column
	text bool // a BLOB to convert to UTF-8 text
}

// NewProjector returns the Projector of proj, whose input is scan, over
// batches of schema in; the text it converts is allocated from mem.
func NewProjector(proj *plan.Project, scan *plan.Scan, in *arrow.Schema, mem memory.Allocator) (*Projector, error) {
	p := &Projector{mem: mem}
	if allFromStar(proj.Items) && scan.AllFields {
		p.schema = in
		for i := range in.NumFields() {
			p.cols = append(p.cols, projected{idx: i})
		}
		return p, nil
	}
	fields := make([]arrow.Field, len(proj.Items))
	for i, it := range proj.Items {
		src, ok := sourceOf(it.Expr, scan)
		idx := fieldIndex(in, src.col)
		if !ok || idx < 0 {
			return nil, lang.Errorf(it.Expr.Position(), "internal error: %s is not a column of the scan of %s", it.Expr, scan.Name())
		}
		c := projected{idx: idx}
		fields[i] = in.Field(idx)
		fields[i].Name = it.Name
		if src.text && fields[i].Type.ID() == arrow.BINARY {
			c.text = true
			fields[i].Type = arrow.BinaryTypes.String
		}
		p.cols = append(p.cols, c)
	}
	p.schema = arrow.NewSchema(fields, nil)
	return p, nil
}

// fieldIndex returns the index of the column of schema named name, as SQL
// compares names (case-insensitively; an exact match first), or -1.
func fieldIndex(schema *arrow.Schema, name string) int {
	if found := schema.FieldIndices(name); len(found) == 1 {
		return found[0]
	}
	idx := -1
	for i, f := range schema.Fields() {
		if strings.EqualFold(f.Name, name) {
			if idx >= 0 {
				return -1 // ambiguous
			}
			idx = i
		}
	}
	return idx
}

// Schema is the schema of the projected batches.
func (p *Projector) Schema() *arrow.Schema { return p.schema }

// Project returns the projection of rec, a batch of the stream; the
// caller releases it.
func (p *Projector) Project(rec arrow.RecordBatch) arrow.RecordBatch {
	cols := make([]arrow.Array, len(p.cols))
	for i, c := range p.cols {
		cols[i] = rec.Column(c.idx)
		if c.text {
			cols[i] = textArray(p.mem, cols[i].(*array.Binary))
			defer cols[i].Release()
		}
	}
	return array.NewRecordBatch(p.schema, cols, rec.NumRows())
}

// textArray returns a's values as UTF-8 text: a VARCHAR array over a's
// own buffers when every value is valid UTF-8 (the usual case), else
// converted values allocated from mem. The caller releases it.
func textArray(mem memory.Allocator, a *array.Binary) arrow.Array {
	valid := true
	for i := 0; i < a.Len() && valid; i++ {
		valid = a.IsNull(i) || utf8.Valid(a.Value(i))
	}
	if valid {
		d := a.Data()
		data := array.NewData(arrow.BinaryTypes.String, d.Len(), d.Buffers(), nil, d.NullN(), d.Offset())
		defer data.Release()
		return array.NewStringData(data)
	}
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(a.Len())
	var buf []byte
	for i := 0; i < a.Len(); i++ {
		if a.IsNull(i) {
			b.AppendNull()
			continue
		}
		buf = decode.AppendText(buf[:0], a.Value(i))
		b.BinaryBuilder.Append(buf)
	}
	return b.NewArray()
}

// projection is a stream with a Projector applied to its batches.
type projection struct {
	*Stream
	p   *Projector
	cur arrow.RecordBatch
}

func (p *projection) Schema() *arrow.Schema { return p.p.Schema() }

func (p *projection) Next() bool {
	if p.cur != nil {
		p.cur.Release()
		p.cur = nil
	}
	if !p.Stream.Next() {
		return false
	}
	p.cur = p.p.Project(p.Stream.RecordBatch())
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
// WHERE whose items are its metadata columns, top-level decoded JSON
// value fields (bare or qualified by the scan's alias) and casts of key
// or value to text, or SELECT * (all columns and fields), under a LIMIT
// the scan enforces.
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
			if it.Star {
				return false
			}
			if _, ok := sourceOf(it.Expr, scan); !ok {
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

// itemSource is where the output column of a native projection's item
// comes from: a stream column, or one to convert from BLOB to text.
type itemSource struct {
	col  string
	text bool
}

// sourceOf returns the itemSource of item expression e: a stream column
// (streamColumn), or key or value cast to a text type when the scan reads
// it undecoded (BLOB, or VARCHAR with format 'string'). ok is false for
// items DuckDB must compute.
func sourceOf(e lang.Expr, scan *plan.Scan) (src itemSource, ok bool) {
	if c, isCast := e.(*lang.Cast); isCast && lang.IsTextType(c.Type) {
		col := streamColumn(c.X, scan)
		part, format := plan.PartValue, scan.Options.ValueFormat
		if col == plan.ColKey {
			part, format = plan.PartKey, scan.Options.KeyFormat
		}
		if col != string(part) || format.Decoded() {
			return src, false
		}
		return itemSource{col: col, text: true}, true
	}
	src.col = streamColumn(e, scan)
	return src, src.col != ""
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
		return plan.FieldColumn(plan.PartValue, parts[0], nil)
	}
	return ""
}
