package runner

import (
	"context"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq/internal/plan"
	"github.com/kq-sql/kq/internal/storage"
	"github.com/kq-sql/kq/lang"
)

// Explain plans a statement (with or without a leading EXPLAIN) without
// reading any records; args are the values of its parameters.
func (s *Session) Explain(ctx context.Context, sql string, args ...any) (*plan.Query, error) {
	stmt, err := lang.Parse(sql)
	if err != nil {
		return nil, err
	}
	return s.ExplainStatement(ctx, stmt, args...)
}

// ExplainStatement is Explain of a parsed statement, which it does not
// modify.
func (s *Session) ExplainStatement(ctx context.Context, stmt lang.Statement, args ...any) (*plan.Query, error) {
	stmt, err := bindParams(stmt, args)
	if err != nil {
		return nil, err
	}
	ex, ok := stmt.(*lang.Explain)
	if !ok {
		ex = &lang.Explain{Pos: stmt.Position(), Stmt: stmt}
	}
	return s.explain(ctx, ex)
}

// explain plans the statement of ex. For an export that continues
// where earlier runs ended (INCREMENTAL, groupId), the scan is planned
// from there, so that the tasks are the ranges the run would export.
func (s *Session) explain(ctx context.Context, ex *lang.Explain) (*plan.Query, error) {
	c, ok := ex.Stmt.(*lang.Copy)
	if !ok {
		return s.plan(ctx, ex)
	}
	opts, err := parseCopyOptions(c)
	if err != nil || !opts.perTask {
		return s.plan(ctx, ex)
	}
	dir, err := storage.Open(ctx, c.Path)
	if err != nil {
		return nil, destinationError(c, err)
	}
	defer dir.Close()
	rp, err := s.resumeOf(ctx, c, opts, dir)
	if err != nil {
		return nil, err
	}
	return s.plan(ctx, ex, plan.WithResume(rp.resume))
}

// explainRows is EXPLAIN's result: one "plan" column of text lines.
func (s *Session) explainRows(q *plan.Query) (Rows, error) {
	b := array.NewStringBuilder(s.cfg.Allocator)
	defer b.Release()
	for _, line := range strings.Split(strings.TrimRight(q.ExplainText(), "\n"), "\n") {
		b.Append(line)
	}
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "plan", Type: arrow.BinaryTypes.String}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, int64(col.Len()))
	defer rec.Release()
	rr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		return nil, err
	}
	return withStats(rr, nil), nil
}
