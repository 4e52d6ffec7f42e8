package runner

import (
	"context"
	"fmt"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/kq-sql/kq/internal/duck"
	"github.com/kq-sql/kq/internal/export"
	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/scan"
	"github.com/kq-sql/kq/lang"
)

// rowTransform turns a scan's batches into a per-task export's rows: the
// data columns of the parts and, for PARTITION_BY, each row's partition
// values as text.
type rowTransform interface {
	// schema is the schema of the data batches.
	schema() *arrow.Schema
	// apply transforms one batch and calls emit with the results (keys
	// nil without PARTITION_BY). It does not release rec; emit must not
	// keep its arguments.
	apply(ctx context.Context, rec arrow.RecordBatch, emit func(data arrow.RecordBatch, keys []*array.String) error) error
}

// projector is the transform of a plain projection of source columns:
// columns picked and renamed (BLOBs cast to text converted), no SQL.
type projector struct {
	p *scan.Projector
}

func newProjector(proj *plan.Project, sc *plan.Scan, in *arrow.Schema, mem memory.Allocator) (*projector, error) {
	p, err := scan.NewProjector(proj, sc, in, mem)
	if err != nil {
		return nil, err
	}
	return &projector{p: p}, nil
}

func (p *projector) schema() *arrow.Schema { return p.p.Schema() }

func (p *projector) apply(_ context.Context, rec arrow.RecordBatch, emit func(arrow.RecordBatch, []*array.String) error) error {
	out := p.p.Project(rec)
	defer out.Release()
	return emit(out, nil)
}

// keyPrefix names the columns of partition values added to the SQL of a
// partitioned export.
const keyPrefix = "__kq_partition_"

// duckTransform runs the export's SELECT in DuckDB over each batch: the
// transform of expressions (date_trunc('day', timestamp) AS dt) and of
// every PARTITION_BY export, whose directory values are DuckDB's own
// text of each value (CAST(col AS VARCHAR)), as its COPY ... PARTITION_BY
// writes them. A select list computes each row from that row alone
// (perTaskable), so batch by batch gives the rows of the whole scan.
type duckTransform struct {
	db       *duck.DB
	query    lang.Query
	source   string // the source's name in the query (its alias or topic)
	in       *arrow.Schema
	keys     []string // PARTITION_BY columns
	out      *arrow.Schema
	dataIdx  []int // columns of the result that are data
	keyIdx   []int // columns of the result that are partition values
	keysText []string
}

// newDuckTransform prepares the transform of query for batches of schema
// in, and finds its output schema by running it over no rows.
func newDuckTransform(ctx context.Context, db *duck.DB, mem memory.Allocator, query lang.Query, sc *plan.Scan, in *arrow.Schema, keys []string, keysPos lang.Pos) (*duckTransform, error) {
	d := &duckTransform{db: db, query: query, source: sc.Name(), in: in}
	empty := emptyBatch(mem, in)
	defer empty.Release()
	// First without keys: the query's own columns, to match PARTITION_BY
	// names against.
	names, err := d.columns(ctx, empty)
	if err != nil {
		return nil, err
	}
	isKey := map[int]bool{}
	for _, k := range keys {
		i := columnIndex(names, k)
		if i < 0 {
			return nil, lang.Errorf(keysPos, "COPY option PARTITION_BY: %s is not a column of the query (its columns: %s)", k, strings.Join(names, ", "))
		}
		isKey[i] = true
		d.keys = append(d.keys, names[i])
	}
	if len(keys) > 0 && len(isKey) == len(names) {
		return nil, lang.Errorf(keysPos, "COPY option PARTITION_BY takes every column of the query; the parts need at least one more")
	}
	for i := range names {
		if !isKey[i] {
			d.dataIdx = append(d.dataIdx, i)
		}
	}
	for i := range d.keys {
		d.keyIdx = append(d.keyIdx, len(names)+i)
	}
	rr, err := d.run(ctx, empty)
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	full := rr.Schema()
	fields := make([]arrow.Field, len(d.dataIdx))
	for i, j := range d.dataIdx {
		fields[i] = full.Field(j)
	}
	d.out = arrow.NewSchema(fields, nil)
	return d, nil
}

func (d *duckTransform) schema() *arrow.Schema { return d.out }

// columns returns the names of the query's result columns.
func (d *duckTransform) columns(ctx context.Context, rec arrow.RecordBatch) ([]string, error) {
	rr, err := d.run(ctx, rec)
	if err != nil {
		return nil, err
	}
	defer rr.Release()
	var names []string
	for _, f := range rr.Schema().Fields() {
		names = append(names, f.Name)
	}
	return names, nil
}

// sql renders the query over view, with the partition values as extra
// columns, and returns it with the values of its parameters.
func (d *duckTransform) sql(view string) (string, []any, error) {
	r, err := lang.RenderMapped(d.query, lang.RenderOptions{Source: func(*lang.KafkaSource) string {
		return lang.QuoteName(view) + " AS " + lang.QuoteName(d.source)
	}})
	if err != nil {
		return "", nil, err
	}
	args, err := paramArgs(r, d.query)
	if err != nil || len(d.keys) == 0 {
		return r.SQL, args, err
	}
	text := r.SQL
	var b strings.Builder
	b.WriteString("SELECT q.*")
	for i, k := range d.keys {
		fmt.Fprintf(&b, ", CAST(q.%s AS VARCHAR) AS %s", lang.QuoteName(k), lang.QuoteName(fmt.Sprintf("%s%d", keyPrefix, i)))
	}
	b.WriteString(" FROM (" + text + ") AS q")
	return b.String(), args, nil
}

// run runs the query over rec alone. The caller releases the result.
func (d *duckTransform) run(ctx context.Context, rec arrow.RecordBatch) (array.RecordReader, error) {
	view := d.db.ViewName()
	text, args, err := d.sql(view)
	if err != nil {
		return nil, err
	}
	src, err := array.NewRecordReader(d.in, []arrow.RecordBatch{rec})
	if err != nil {
		return nil, err
	}
	return d.db.Query(ctx, text, []duck.Source{{Name: view, Reader: src}}, args...)
}

func (d *duckTransform) apply(ctx context.Context, rec arrow.RecordBatch, emit func(arrow.RecordBatch, []*array.String) error) error {
	rr, err := d.run(ctx, rec)
	if err != nil {
		return err
	}
	defer rr.Release()
	for rr.Next() {
		b := rr.RecordBatch()
		cols := make([]arrow.Array, len(d.dataIdx))
		for i, j := range d.dataIdx {
			cols[i] = b.Column(j)
		}
		data := array.NewRecordBatch(d.out, cols, b.NumRows())
		var keys []*array.String
		for _, j := range d.keyIdx {
			k, ok := b.Column(j).(*array.String)
			if !ok {
				data.Release()
				return fmt.Errorf("partition values came back as %s, not text", b.Column(j).DataType())
			}
			keys = append(keys, k)
		}
		if len(d.keys) == 0 {
			keys = nil
		}
		err := emit(data, keys)
		data.Release()
		if err != nil {
			return err
		}
	}
	return rr.Err()
}

// columnIndex finds name among names: exactly, else ignoring case (as
// DuckDB resolves names); -1 when absent.
func columnIndex(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	for i, n := range names {
		if strings.EqualFold(n, name) {
			return i
		}
	}
	return -1
}

// emptyBatch returns a batch of schema with no rows. The caller
// releases it.
func emptyBatch(mem memory.Allocator, schema *arrow.Schema) arrow.RecordBatch {
	cols := make([]arrow.Array, schema.NumFields())
	for i, f := range schema.Fields() {
		cols[i] = array.MakeArrayOfNull(mem, f.Type, 0)
		defer cols[i].Release()
	}
	return array.NewRecordBatch(schema, cols, 0)
}

// exportTask is a task's scan.TaskWriter: its batches through the
// transform into its parts.
type exportTask struct {
	ctx context.Context
	w   *export.PartWriter
	tr  rowTransform
}

func (t *exportTask) Write(rec arrow.RecordBatch) error {
	return t.tr.apply(t.ctx, rec, func(data arrow.RecordBatch, keys []*array.String) error {
		if keys == nil {
			return t.w.Write(data)
		}
		return t.w.WriteKeyed(data, keys)
	})
}

func (t *exportTask) Commit() error { return t.w.Commit() }
func (t *exportTask) Abort()        { t.w.Abort() }
