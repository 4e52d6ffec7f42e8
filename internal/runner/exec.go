package runner

import (
	"context"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/kq-sql/kq/internal/stats"
	"github.com/kq-sql/kq/lang"
)

// Result reports what a statement run by Exec wrote.
type Result struct {
	// Statement is "COPY", "CREATE TABLE" or "INSERT".
	Statement string
	// Rows is the number of rows written.
	Rows int64
	// Files are the files a COPY wrote: its target, or a per-task export's
	// parts and manifest.
	Files []string
	// Scan holds the statistics of the kafka() scans the statement read,
	// merged, and for a per-task export what it wrote (Scan.Export); nil
	// when it read none.
	Scan *stats.Stats
}

// Exec runs a statement that writes: COPY, CREATE TABLE AS, INSERT INTO,
// with args the values of its parameters. See kq.Engine.Exec.
func (s *Session) Exec(ctx context.Context, sql string, args ...any) (*Result, error) {
	stmt, err := lang.Parse(sql)
	if err != nil {
		return nil, err
	}
	return s.ExecStatement(ctx, stmt, args...)
}

// ExecStatement is Exec of a parsed statement, which it does not modify.
func (s *Session) ExecStatement(ctx context.Context, stmt lang.Statement, args ...any) (*Result, error) {
	stmt, err := bindParams(stmt, args)
	if err != nil {
		return nil, err
	}
	return s.exec(ctx, stmt)
}

func (s *Session) exec(ctx context.Context, stmt lang.Statement) (*Result, error) {
	switch st := stmt.(type) {
	case *lang.Copy:
		return s.copy(ctx, st)
	case *lang.CreateTable:
		return s.write(ctx, st, "CREATE TABLE")
	case *lang.Insert:
		return s.write(ctx, st, "INSERT")
	}
	return nil, lang.Errorf(stmt.Position(), "Exec runs COPY, CREATE TABLE AS and INSERT INTO; use Query for this statement")
}

// write runs CREATE TABLE AS or INSERT INTO in DuckDB, in one transaction.
func (s *Session) write(ctx context.Context, stmt lang.Statement, kind string) (*Result, error) {
	pq, err := s.plan(ctx, stmt)
	if err != nil {
		return nil, err
	}
	if err := noGroup(pq); err != nil {
		return nil, err
	}
	b, err := s.bind(ctx, pq, stmt)
	if err != nil {
		return nil, err
	}
	n, err := b.db.Exec(ctx, b.sql, b.srcs, b.args...)
	if err != nil {
		return nil, b.fail(ctx, s, err)
	}
	return &Result{Statement: kind, Rows: n, Scan: b.merged()}, nil
}

// execRows is the one-row result Query returns for a statement that
// writes: the number of rows written.
func (s *Session) execRows(ctx context.Context, stmt lang.Statement) (Rows, error) {
	st, err := s.exec(ctx, stmt)
	if err != nil {
		return nil, err
	}
	b := array.NewInt64Builder(s.cfg.Allocator)
	defer b.Release()
	b.Append(st.Rows)
	col := b.NewArray()
	defer col.Release()
	schema := arrow.NewSchema([]arrow.Field{{Name: "rows", Type: arrow.PrimitiveTypes.Int64}}, nil)
	rec := array.NewRecordBatch(schema, []arrow.Array{col}, 1)
	defer rec.Release()
	rr, err := array.NewRecordReader(schema, []arrow.RecordBatch{rec})
	if err != nil {
		return nil, err
	}
	return withStats(rr, st.Scan), nil
}

// copy runs COPY (query) TO 'path'.
func (s *Session) copy(ctx context.Context, c *lang.Copy) (*Result, error) {
	opts, err := parseCopyOptions(c)
	if err != nil {
		return nil, err
	}
	if c.Path == "" {
		return nil, lang.Errorf(c.Pos, "COPY needs a target path")
	}
	if opts.perTask {
		return s.copyPerTask(ctx, c, opts)
	}
	return s.copyFile(ctx, c, opts)
}
