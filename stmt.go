package kq

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/kq-sql/kq/lang"
)

// ErrStmtClosed is returned by a Stmt used after Close.
var ErrStmtClosed = errors.New("kq: statement is closed")

// Stmt is a prepared statement: parsed once by Prepare and planned again
// at each Query, Exec or Explain, with the offsets of that moment (a Stmt
// run twice reads what arrived in between). It is safe for concurrent
// use; Close it when done.
type Stmt struct {
	e      *Engine
	stmt   lang.Statement
	n      int
	closed atomic.Bool
}

// Prepare parses sql once for repeated runs with different parameter
// values. Syntax errors are *QueryError; nothing is planned or read until
// the statement runs. ctx is for symmetry with the other calls; parsing
// does not block.
func (e *Engine) Prepare(ctx context.Context, sql string) (*Stmt, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	stmt, err := lang.Parse(sql)
	if err != nil {
		return nil, publicError(err)
	}
	return &Stmt{e: e, stmt: stmt, n: lang.NumParams(stmt)}, nil
}

// NumParams returns how many values the statement takes: the number of
// its ? parameters, or the highest n of its $n.
func (s *Stmt) NumParams() int { return s.n }

// String returns the statement as parsed, parameters as written.
func (s *Stmt) String() string { return s.stmt.String() }

// Query plans and runs the statement with args, as Engine.Query does.
func (s *Stmt) Query(ctx context.Context, args ...any) (*Rows, error) {
	if s.closed.Load() {
		return nil, ErrStmtClosed
	}
	r, err := s.e.s.QueryStatement(ctx, s.stmt, args...)
	if err != nil {
		return nil, publicError(err)
	}
	return &Rows{r: r}, nil
}

// Exec plans and runs a statement that writes with args, as Engine.Exec
// does.
func (s *Stmt) Exec(ctx context.Context, args ...any) (*Result, error) {
	if s.closed.Load() {
		return nil, ErrStmtClosed
	}
	r, err := s.e.s.ExecStatement(ctx, s.stmt, args...)
	if err != nil {
		return nil, publicError(err)
	}
	return publicResult(r), nil
}

// Explain plans the statement with args, as Engine.Explain does.
func (s *Stmt) Explain(ctx context.Context, args ...any) (*Plan, error) {
	if s.closed.Load() {
		return nil, ErrStmtClosed
	}
	q, err := s.e.s.ExplainStatement(ctx, s.stmt, args...)
	if err != nil {
		return nil, publicError(err)
	}
	return newPlan(q), nil
}

// Close marks the statement closed; it holds no resources, so Close
// never fails. Rows returned earlier stay valid.
func (s *Stmt) Close() error {
	s.closed.Store(true)
	return nil
}
