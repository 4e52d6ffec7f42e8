package driver

import (
	"context"
	sqldriver "database/sql/driver"
	"errors"
	"fmt"

	"github.com/kq-sql/kq"
)

// ErrNoTransactions is returned by Begin: kq has no multi-statement
// transactions; CREATE TABLE AS and INSERT are each atomic on their own.
var ErrNoTransactions = errors.New("kq: transactions are not supported (CREATE TABLE AS and INSERT are each atomic)")

// conn is one database/sql connection: a handle on the connector's
// engine. Opened by Driver.Open, it owns its own connector.
type conn struct {
	eng  *kq.Engine
	owns *Connector
}

func (c *conn) Prepare(query string) (sqldriver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext parses query once (kq.Engine.Prepare); each run plans
// again with fresh offsets.
func (c *conn) PrepareContext(ctx context.Context, query string) (sqldriver.Stmt, error) {
	st, err := c.eng.Prepare(ctx, query)
	if err != nil {
		return nil, err
	}
	return &stmt{st: st}, nil
}

func (c *conn) Close() error {
	if c.owns != nil {
		return c.owns.Close()
	}
	return nil
}

// Ping checks that the cluster answers (kq.Engine.Ping).
func (c *conn) Ping(ctx context.Context) error { return c.eng.Ping(ctx) }

func (c *conn) Begin() (sqldriver.Tx, error) { return nil, ErrNoTransactions }

func (c *conn) BeginTx(context.Context, sqldriver.TxOptions) (sqldriver.Tx, error) {
	return nil, ErrNoTransactions
}

// QueryContext runs query (kq.Engine.Query) and streams its rows.
func (c *conn) QueryContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	vals, err := positional(args)
	if err != nil {
		return nil, err
	}
	r, err := c.eng.Query(ctx, query, vals...)
	if err != nil {
		return nil, err
	}
	return newRows(r), nil
}

// ExecContext runs a statement that writes (kq.Engine.Exec): COPY,
// CREATE TABLE AS, INSERT INTO.
func (c *conn) ExecContext(ctx context.Context, query string, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	vals, err := positional(args)
	if err != nil {
		return nil, err
	}
	r, err := c.eng.Exec(ctx, query, vals...)
	if err != nil {
		return nil, err
	}
	return result{rows: r.Rows}, nil
}

// CheckNamedValue lets every value through to kq, which binds the types
// it knows and names the parameter of any other; named arguments
// (sql.Named) are refused.
func (c *conn) CheckNamedValue(nv *sqldriver.NamedValue) error {
	if nv.Name != "" {
		return fmt.Errorf("kq: named argument %q: kq takes ? or $n parameters, by position", nv.Name)
	}
	return nil
}

// positional returns the values of args in order.
func positional(args []sqldriver.NamedValue) ([]any, error) {
	vals := make([]any, len(args))
	for i, a := range args {
		if a.Name != "" {
			return nil, fmt.Errorf("kq: named argument %q: kq takes ? or $n parameters, by position", a.Name)
		}
		vals[i] = a.Value
	}
	return vals, nil
}

// stmt is a prepared statement: a *kq.Stmt.
type stmt struct{ st *kq.Stmt }

func (s *stmt) Close() error { return s.st.Close() }

// NumInput is the number of values the statement takes, which
// database/sql checks before running it.
func (s *stmt) NumInput() int { return s.st.NumParams() }

func (s *stmt) Exec(args []sqldriver.Value) (sqldriver.Result, error) {
	return s.ExecContext(context.Background(), named(args))
}

func (s *stmt) Query(args []sqldriver.Value) (sqldriver.Rows, error) {
	return s.QueryContext(context.Background(), named(args))
}

func (s *stmt) QueryContext(ctx context.Context, args []sqldriver.NamedValue) (sqldriver.Rows, error) {
	vals, err := positional(args)
	if err != nil {
		return nil, err
	}
	r, err := s.st.Query(ctx, vals...)
	if err != nil {
		return nil, err
	}
	return newRows(r), nil
}

func (s *stmt) ExecContext(ctx context.Context, args []sqldriver.NamedValue) (sqldriver.Result, error) {
	vals, err := positional(args)
	if err != nil {
		return nil, err
	}
	r, err := s.st.Exec(ctx, vals...)
	if err != nil {
		return nil, err
	}
	return result{rows: r.Rows}, nil
}

func (s *stmt) CheckNamedValue(nv *sqldriver.NamedValue) error {
	return (*conn)(nil).CheckNamedValue(nv)
}

func named(args []sqldriver.Value) []sqldriver.NamedValue {
	out := make([]sqldriver.NamedValue, len(args))
	for i, a := range args {
		out[i] = sqldriver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

// result is what Exec wrote: its row count.
type result struct{ rows int64 }

func (r result) LastInsertId() (int64, error) {
	return 0, errors.New("kq: no LastInsertId; RowsAffected is the number of rows written")
}

func (r result) RowsAffected() (int64, error) { return r.rows, nil }

var (
	_ sqldriver.Conn               = (*conn)(nil)
	_ sqldriver.ConnPrepareContext = (*conn)(nil)
	_ sqldriver.ConnBeginTx        = (*conn)(nil)
	_ sqldriver.QueryerContext     = (*conn)(nil)
	_ sqldriver.ExecerContext      = (*conn)(nil)
	_ sqldriver.NamedValueChecker  = (*conn)(nil)
	_ sqldriver.Pinger             = (*conn)(nil)
	_ sqldriver.StmtQueryContext   = (*stmt)(nil)
	_ sqldriver.StmtExecContext    = (*stmt)(nil)
	_ sqldriver.NamedValueChecker  = (*stmt)(nil)
)
